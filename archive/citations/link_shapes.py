"""The shape of a link's URL, and what it says about the page behind it.

A site's articles carry a date (``/2019/11/18/``, ``2019-11-19``, ``-20191115``), a number
(``471033-``, ``a-6533123``, ``n1086531``) or a long slug; its topic, person, section and promo
pages have short slug-only paths (``/world/jane-roe``, ``/specials/royal-news``). Documents end
in ``.pdf`` and the like. Nothing here names a site: the signals are the path's own form and how
it compares with the article's URL and the link's anchor text.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from archive.citations.given_names import given_name_gender
from archive.citations.tokens import STOPWORDS, word_set

__all__ = [
    "article_like",
    "is_dated",
    "is_document",
    "is_numbered",
    "name_like",
    "path_of",
    "person_page",
    "profile_like",
    "segments_of",
    "short_site_page",
    "slug_words",
    "topic_page",
]

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATED = (
    re.compile(rf"/(?:19|20)\d\d/(?:[01]?\d|{_MONTHS})(?:/|$)"),  # /2019/11/, /2019/nov/
    re.compile(r"(?:19|20)\d\d[-_.](?:0[1-9]|1[0-2])[-_.](?:0[1-9]|[12]\d|3[01])"),  # 2019-11-19
    re.compile(r"(?<!\d)(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"),  # 20191115
)
_LONG_NUMBER = re.compile(r"\d{5,}")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_DOCUMENT = word_set("pdf doc docx xls xlsx csv ppt pptx odt ods rtf txt json xml zip epub")
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cfm|ssf)$", re.IGNORECASE)
_SLUG_SPLIT = re.compile(r"[-_+.\s]+")
_LONG_SLUG = 5  # words from which a slug reads as a headline
_SHORT_SLUG = 3  # words up to which a slug reads as a name or a label
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.\-]*$")
_PARTICLES = word_set("de del della der den di du da dos la le van von bin ibn al el")
_POSSESSIVE = re.compile(r"['’]s?$")
# path words of pages about a person or an organisation rather than by them
_PROFILE_WORDS = word_set(
    "about about-us who-we-are people person persons staff staff-profiles team profile "
    "profiles bio bios biography experts expert organization organisation organizations "
    "company companies members member author authors contributors directory "
    "faculty fellows scholars researchers employees"
)


def path_of(url: str) -> str:
    """The URL's path, percent-decoded."""
    return unquote(urlsplit(url).path)


def segments_of(url: str) -> list[str]:
    """The non-empty path segments, percent-decoded, in lower case."""
    return [segment.lower() for segment in path_of(url).split("/") if segment]


def is_dated(url: str) -> bool:
    """Whether the path carries a publication date."""
    path = path_of(url).lower()
    return any(pattern.search(path) for pattern in _DATED)


def is_numbered(url: str) -> bool:
    """Whether the path carries an article number (five digits or more, or a mixed id)."""
    path = path_of(url)
    if _LONG_NUMBER.search(path):
        return True
    for token in _TOKEN.findall(path):
        digits = sum(char.isdigit() for char in token)
        if len(token) >= 6 and digits >= 3 and digits < len(token):
            return True
    return False


def is_document(url: str) -> bool:
    """Whether the path names a document file (``.pdf``, ``.docx``, ``.csv``...)."""
    last = path_of(url).rstrip("/").rsplit("/", 1)[-1]
    return "." in last and last.rsplit(".", 1)[-1].lower() in _DOCUMENT


def slug_words(segment: str) -> list[str]:
    """The words of one path segment (page suffix such as ``.html`` dropped), folded."""
    bare = _PAGE_SUFFIX.sub("", segment)
    return [word for word in _SLUG_SPLIT.split(_fold(bare)) if word]


def article_like(url: str) -> bool:
    """Whether the URL has the shape of an article or a document rather than a site page."""
    segments = segments_of(url)
    return (
        is_dated(url)
        or is_numbered(url)
        or is_document(url)
        or bool(segments and len(slug_words(segments[-1])) >= _LONG_SLUG)
    )


def profile_like(url: str) -> bool:
    """A home page, or a page about someone (``/about``, ``/staff-profiles/jane-roe``,
    ``/organization/wework``): what a link on a name leads to when it is not a source."""
    segments = segments_of(url)
    host = (urlsplit(url).hostname or "").lower()
    return (
        not segments
        or host.startswith(("profiles.", "people.", "staff."))
        or any(segment in _PROFILE_WORDS for segment in segments[:-1] or segments)
    )


def person_page(url: str, anchor: str) -> bool:
    """A person's name linked to a page named after them that is no article or document:
    their lab, home or profile page (``pluznicklab.johnshopkins.edu`` on "Jennifer Pluznick",
    ``/buck/en.html`` on "Linda Buck")."""
    words = _anchor_words(anchor)
    if not name_like(anchor) or len(words) < 2 or given_name_gender(words[0]) is None:
        return False
    if is_dated(url) or is_document(url) or is_numbered(url):
        return False
    segments = segments_of(url)
    if segments and len(slug_words(segments[-1])) >= _LONG_SLUG:
        return False  # a headline slug: an article about them, not their page
    parts = urlsplit(url)
    where = _fold(f"{parts.hostname or ''} {unquote(parts.path)}")
    return len(words[-1]) >= 3 and words[-1] in where


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _anchor_words(anchor: str) -> list[str]:
    words = [_POSSESSIVE.sub("", word) for word in anchor.split()]
    return [part for word in words for part in re.split(r"[^\w]+", _fold(word)) if part]


def name_like(anchor: str) -> bool:
    """Whether the anchor reads as a person's name: 2-4 capitalised words (particles allowed)."""
    words = [_POSSESSIVE.sub("", word) for word in anchor.split()]
    capitalised = [word for word in words if word.lower() not in _PARTICLES]
    return (
        2 <= len(capitalised) <= 4
        and all(_NAME_WORD.match(word) for word in capitalised)
        and not any(word.casefold() in STOPWORDS for word in capitalised)
        and not any(char.isdigit() for char in anchor)
    )


def topic_page(url: str, anchor: str) -> bool:
    """A short path whose last segment is the anchor itself: a topic or person page.

    ``/world/jane-roe`` linked on "Jane Roe", ``/environment/climate-crisis`` on "climate
    crisis": the page is named after what the anchor names, and nothing in its path (no date,
    no headline-long slug, no file) says it is an article. A person's page may carry an id after
    the name (``/by/jane-roe-h1b2c3``): the slug is then the name and that one token.
    """
    segments = segments_of(url)
    if not segments or len(segments) > 3 or is_dated(url) or is_document(url):
        return False
    words, named = slug_words(segments[-1]), _anchor_words(anchor)
    if not 0 < len(named) <= _SHORT_SLUG + 1:
        return False
    if words == named:
        return not is_numbered(url)
    return name_like(anchor) and words[:-1] == named and any(char.isdigit() for char in words[-1])


def short_site_page(url: str) -> bool:
    """A path of at most two segments whose last one is a short slug (1-3 words), no date."""
    segments = segments_of(url)
    return (
        0 < len(segments) <= 2
        and not article_like(url)
        and 0 < len(slug_words(segments[-1])) <= _SHORT_SLUG
    )
