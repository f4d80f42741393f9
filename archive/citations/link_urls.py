"""Why a link's URL alone rules it out as a citation: scheme, self, share button, site page.

Same-site links are judged by the site's own vocabulary (``/tag/``, ``/people/``, ``/search``)
and by their shape (``link_shapes``): a short slug-only path named by its anchor is a topic or
person page, and a short undated path on a site whose articles are dated is a site page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from archive.citations.link_shapes import (
    article_like,
    is_dated,
    is_numbered,
    name_like,
    path_of,
    person_page,
    profile_like,
    segments_of,
    short_site_page,
    topic_page,
)
from archive.citations.registry import host_of

__all__ = [
    "BOILERPLATE_ANCHOR",
    "citation_reason",
    "page_key",
    "same_site",
    "url_reason",
    "without_fragment",
]

_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"})
_SHARE = (
    "facebook.com/sharer",
    "facebook.com/share",
    "facebook.com/dialog/share",
    "twitter.com/intent",
    "twitter.com/share",
    "x.com/intent",
    "linkedin.com/sharearticle",
    "linkedin.com/sharing",
    "reddit.com/submit",
    "pinterest.com/pin/create",
    "api.whatsapp.com/send",
    "wa.me/",
    "t.me/share",
    "telegram.me/share",
    "vk.com/share.php",
    "getpocket.com/save",
    "news.ycombinator.com/submitlink",
    "plus.google.com/share",
    "addtoany.com",
    "addthis.com",
    "sharethis.com",
    "flipboard.com/bookmarklet",
    "tumblr.com/share",
)
_TAXONOMY = frozenset(
    {
        "tag",
        "tags",
        "topic",
        "topics",
        "category",
        "categories",
        "author",
        "authors",
        "themen",
        "thema",
        "schlagwort",
        "schlagworte",
        "rubrique",
        "sujet",
        "tema",
        "temas",
        "tegs",
        "teги",
        "series",
        "collection",
        "collections",
        "keyword",
        "keywords",
        "dossier",
        "dossiers",
    }
)
_NAVIGATION = frozenset(
    {
        "people",
        "person",
        "profile",
        "profiles",
        "staff",
        "contributors",
        "search",
        "section",
        "sections",
        "specials",
        "contact",
        "about",
        "about-us",
        "privacy",
        "terms",
        "newsletter",
        "newsletters",
        "subscribe",
        "subscription",
        "donate",
        "spenden",
        "shop",
        "login",
        "signin",
        "signup",
        "register",
        "account",
        "comments",
        "commentaires",
        "kommentare",
        "feedback",
    }
)
_NAVIGATION_PAGES = re.compile(r"^(privacy|terms|community_guidelines|contact|about)[\w-]*\.\w+$")
BOILERPLATE_ANCHOR = re.compile(
    r"^(?:more|read more|read more:?|continue reading(?: the main story)?|back to top|top|"
    r"share(?: this)?(?: article| story)?|tweet|e-?mail|print|comments?|\d+ (?:comments?|"
    r"commentaires?|kommentare)|commenter|subscribe|sign up|log ?in|register|rss|newsletter|"
    r"advertisement|skip to(?: main)? content|home|next|previous|prev|submit a letter|"
    r"follow @\w+|@\w+|follow us|facebook|twitter|x|instagram|linkedin|whatsapp|telegram|"
    r"pinterest|reddit|youtube|edit|\[edit\]|[.\W]*)$",
    re.IGNORECASE,
)


def _site(host: str) -> str:
    labels = host_of(host).split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(first_url: str, second_url: str) -> bool:
    """Whether two URLs are on the same site (registrable domain, approximately)."""
    return _site(urlsplit(first_url).hostname or "") == _site(urlsplit(second_url).hostname or "")


def without_fragment(url: str) -> str:
    """The URL without its ``#fragment``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def page_key(url: str) -> tuple[str, str]:
    """Host and path: what makes two URLs the same page."""
    parts = urlsplit(url)
    return host_of(parts.hostname or ""), parts.path.rstrip("/") or "/"


def url_reason(url: str, article_urls: list[str], anchor: str) -> str | None:
    """Why the URL is not a citation ("<kind>: <signal>"), or None when it may be one."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"scheme: {parts.scheme or 'no'} link"
    if any(page_key(url) == page_key(article) for article in article_urls):
        return "self: the article itself"
    host = host_of(parts.hostname)
    lowered = (host + parts.path).lower()
    for share in _SHARE:
        if lowered.startswith(share) or ("." + share) in ("." + lowered):
            return f"share: {share} button"
    if anchor.lower().startswith("pic.twitter.com/"):
        return "media: an embedded post's picture"
    if not any(same_site(url, article) for article in article_urls):
        return _profile_reason(url, anchor)
    return _site_reason(url, article_urls, anchor) or _profile_reason(url, anchor)


def _profile_reason(url: str, anchor: str) -> str | None:
    """Why a link is about someone rather than a document: a profile page ("/people/",
    "/staff-profiles/", "/organization/"). A home page of another site stays a citation (a
    company's or an organisation's own site is a primary source); whether a link on a name is a
    statement's source is decided per claim (``link_roles``)."""
    if segments_of(url) and profile_like(url):
        return f"profile: {path_of(url)} is a page about someone"
    if person_page(url, anchor):
        return f"profile: {anchor[:40]}'s own page"
    return None


def _site_reason(url: str, article_urls: list[str], anchor: str) -> str | None:
    """Why a same-site link is not a citation, if it is not."""
    parts = urlsplit(url)
    host = host_of(parts.hostname or "")
    path = path_of(url)
    segments = [segment.lower() for segment in parts.path.split("/") if segment]
    if host.startswith("topics."):
        return f"taxonomy: same-site topics host {host}"
    taxonomy = next((segment for segment in segments[:-1] if segment in _TAXONOMY), None)
    if taxonomy:
        return f"taxonomy: same-site /{taxonomy}/ page"
    if not segments and not parts.query:
        return "homepage: the site's front page"
    if segments and segments[0] in _NAVIGATION and len(segments) <= 2:
        return f"navigation: same-site /{segments[0]}/ page"
    if host.startswith("shop.") or (len(segments) == 1 and _NAVIGATION_PAGES.match(segments[0])):
        return f"navigation: same-site {host}{path}"
    if topic_page(url, anchor):
        kind = "person-topic" if name_like(anchor) else "taxonomy"
        return f"{kind}: same-site {path} named by its anchor"
    dated = any(is_dated(article) or is_numbered(article) for article in article_urls)
    if dated and short_site_page(url):
        return f"navigation: same-site {path} is short and undated, unlike the article's URL"
    return None


def citation_reason(url: str, on_site: bool) -> str:
    """The reason of a kept link: which kind of page it is."""
    if not on_site:
        return "citation: another site's page"
    if article_like(url):
        return "citation: same-site article (dated, numbered or headline slug)"
    return "citation: same-site page"
