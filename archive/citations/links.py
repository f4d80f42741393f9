"""Which links of an article are citations, with their anchor text and the sentence around them.

trafilatura already keeps only the links inside the main text; what remains to drop is the
boilerplate that sits inside it. A link is rejected (``LinkDecision.reason``) when:

* ``scheme``: not http(s) (``mailto:``, ``javascript:``, ``tel:``...);
* ``self``: the article itself (same host and path, any query or fragment; canonical URL too);
* ``homepage``: the front page of the article's own site;
* ``share``: a share or "send to" button (facebook.com/sharer, twitter.com/intent, wa.me...);
* ``taxonomy``: a same-site tag, topic, category or author page (``/tag/``, ``/topics/``,
  ``/author/``, ``/themen/``, ``topics.`` hosts...);
* ``navigation``: a same-site people, search, section, contact, newsletter, shop, donation or
  legal page (a short path starting so: ``/people/kristi-noem``, ``/search?q=``,
  ``/privacy.html``; ``shop.`` hosts);
* ``anchor``: boilerplate anchor text ("Read more", "Continue reading", "Back to top", "MORE",
  "Facebook", "@handle", "12 comments"...), or no anchor text at all;
* ``media``: an embedded tweet's picture link (``pic.twitter.com/...``);
* ``related``: a same-site link whose anchor is (almost) its whole paragraph, or that runs
  into another same-site link with only white space between: a "related articles" headline
  or a list of them rather than a link in a sentence.

Everything else is a citation, with the anchor located in the text (searched in document order,
white space flexible) and the sentence around it. Consecutive pieces of one link (the same URL
split by inline markup) are merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from urllib.parse import urlsplit, urlunsplit

from archive.citations.registry import Registry, host_of
from archive.citations.sentences import Span, paragraph_spans, sentence_at, sentence_spans
from archive.citations.tokens import normalize_space
from archive.text.extraction import Extraction

__all__ = ["CitationLink", "LinkDecision", "citation_links", "classify_links", "same_site"]

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
_BOILERPLATE_ANCHOR = re.compile(
    r"^(?:more|read more|read more:?|continue reading(?: the main story)?|back to top|top|"
    r"share(?: this)?(?: article| story)?|tweet|e-?mail|print|comments?|\d+ (?:comments?|"
    r"commentaires?|kommentare)|commenter|subscribe|sign up|log ?in|register|rss|newsletter|"
    r"advertisement|skip to(?: main)? content|home|next|previous|prev|submit a letter|"
    r"follow @\w+|@\w+|follow us|facebook|twitter|x|instagram|linkedin|whatsapp|telegram|"
    r"pinterest|reddit|youtube|[.\W]*)$",
    re.IGNORECASE,
)
_MERGE_GAP = 3  # characters between two pieces of one link that still make one citation
_RELATED_COVER = 0.85  # share of its paragraph a same-site anchor must cover to be "related"


@dataclass(frozen=True, slots=True)
class CitationLink:
    """A link in an article's main text, located: offsets are in ``Extraction.text``."""

    url: str  # absolute, without fragment
    anchor: str  # white space normalised
    sentence: str  # the sentence(s) around the anchor ("" when the anchor was not found)
    start: int  # anchor [start, end) in the text; -1 when not found
    end: int
    sentence_start: int
    sentence_end: int
    same_site: bool
    source_id: str | None = None  # the registry source hosting the URL, if any


@dataclass(frozen=True, slots=True)
class LinkDecision:
    """A link and whether it is a citation (``reason`` is "citation" or why it is not)."""

    link: CitationLink
    keep: bool
    reason: str


def _site(host: str) -> str:
    labels = host_of(host).split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(first_url: str, second_url: str) -> bool:
    """Whether two URLs are on the same site (registrable domain, approximately)."""
    return _site(urlsplit(first_url).hostname or "") == _site(urlsplit(second_url).hostname or "")


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _page_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return host_of(parts.hostname or ""), parts.path.rstrip("/") or "/"


def _url_reason(url: str, article_urls: list[str], anchor: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "scheme"
    if any(_page_key(url) == _page_key(article) for article in article_urls):
        return "self"
    host = host_of(parts.hostname)
    lowered = (host + parts.path).lower()
    if any(lowered.startswith(share) or ("." + share) in ("." + lowered) for share in _SHARE):
        return "share"
    if anchor.lower().startswith("pic.twitter.com/"):
        return "media"
    if not any(same_site(url, article) for article in article_urls):
        return None
    segments = [segment.lower() for segment in parts.path.split("/") if segment]
    if host.startswith("topics.") or any(segment in _TAXONOMY for segment in segments[:-1]):
        return "taxonomy"
    if not segments and not parts.query:
        return "homepage"
    if (
        (segments and segments[0] in _NAVIGATION and len(segments) <= 2)
        or host.startswith("shop.")
        or (len(segments) == 1 and _NAVIGATION_PAGES.match(segments[0]))
    ):
        return "navigation"
    return None


def _locate(text: str, anchor: str, cursor: int) -> Span | None:
    pieces = anchor.split()
    if not pieces:
        return None
    pattern = re.compile(r"\s+".join(re.escape(piece) for piece in pieces))
    match = pattern.search(text, cursor) or pattern.search(text)
    return (match.start(), match.end()) if match else None


def _related(span: Span | None, paragraphs: list[Span]) -> bool:
    if span is None:
        return False
    for start, end in paragraphs:
        if start <= span[0] < end:
            return (span[1] - span[0]) >= _RELATED_COVER * (end - start)
    return False


def _link_lists(decisions: list[LinkDecision], text: str) -> list[LinkDecision]:
    """Same-site citations run together with another same-site link: a list, not prose."""
    located = sorted(
        (d.link.start, d.link.end, i) for i, d in enumerate(decisions) if d.link.start >= 0
    )
    listed: set[int] = set()
    for (_, end, first), (start, _, second) in pairwise(located):
        one, two = decisions[first].link, decisions[second].link
        gap = text[end:start]
        if (
            one.url != two.url
            and one.same_site
            and two.same_site
            and 0 <= len(gap) <= _MERGE_GAP
            and not gap.strip()
        ):
            listed.update((first, second))
    return [
        replace(d, keep=False, reason="related") if i in listed and d.keep else d
        for i, d in enumerate(decisions)
    ]


def _merge(decisions: list[LinkDecision], text: str) -> list[LinkDecision]:
    merged: list[LinkDecision] = []
    for decision in decisions:
        previous = merged[-1] if merged else None
        link = decision.link
        if (
            previous is not None
            and previous.keep == decision.keep
            and previous.link.url == link.url
            and previous.link.start >= 0
            and 0 <= link.start - previous.link.end <= _MERGE_GAP
        ):
            start, end = previous.link.start, link.end
            joined = replace(
                previous.link,
                anchor=normalize_space(text[start:end]),
                end=end,
                sentence=text[previous.link.sentence_start : link.sentence_end],
                sentence_end=max(previous.link.sentence_end, link.sentence_end),
            )
            merged[-1] = replace(previous, link=joined)
        else:
            merged.append(decision)
    return merged


def classify_links(
    extraction: Extraction, article_url: str, registry: Registry | None = None
) -> list[LinkDecision]:
    """Every main-text link of the article, located, with whether it is a citation and why."""
    text = extraction.text
    article_urls = [article_url] + ([extraction.canonical_url] if extraction.canonical_url else [])
    sentences = sentence_spans(text)
    paragraphs = paragraph_spans(text)
    decisions: list[LinkDecision] = []
    cursor = 0
    for href, raw_anchor in extraction.links:
        anchor = normalize_space(raw_anchor)
        url = _without_fragment(href.strip())
        span = _locate(text, anchor, cursor)
        if span is not None:
            cursor = span[1]
        sentence = sentence_at(sentences, *span) if span else (-1, -1)
        on_site = any(same_site(url, article) for article in article_urls)
        reason = _url_reason(href.strip(), article_urls, anchor)
        if reason is None and _BOILERPLATE_ANCHOR.match(anchor):
            reason = "anchor"
        if reason is None and on_site and _related(span, paragraphs):
            reason = "related"
        source = registry.find_source(url) if registry is not None and reason is None else None
        link = CitationLink(
            url=url,
            anchor=anchor,
            sentence=text[sentence[0] : sentence[1]] if span else "",
            start=span[0] if span else -1,
            end=span[1] if span else -1,
            sentence_start=sentence[0],
            sentence_end=sentence[1],
            same_site=on_site,
            source_id=source.id if source else None,
        )
        decisions.append(LinkDecision(link, reason is None, reason or "citation"))
    return _merge(_link_lists(decisions, text), text)


def citation_links(
    extraction: Extraction, article_url: str, registry: Registry | None = None
) -> list[CitationLink]:
    """The citations among the article's main-text links, in document order."""
    return [d.link for d in classify_links(extraction, article_url, registry) if d.keep]
