"""Parse RSS 2.0, RSS 1.0 (RDF), Atom and sitemaps (news, plain, index) into candidates.

Elements are matched by local name, so feeds that get their namespaces slightly wrong still
parse. Dates become aware UTC datetimes (RFC 822 for RSS, ISO 8601/W3C elsewhere; a naive
time is taken as UTC). HTML in titles and descriptions is reduced to text. Only http(s) URLs
are kept; relative ones are resolved against ``base_url``. A candidate's ``language`` is
what the document declares for it (RSS ``<language>`` or ``dc:language``, Atom ``xml:lang``,
a news sitemap's ``<news:language>``), its ``publisher`` the news sitemap's ``<news:name>``.
Parsing goes through ``xmlsafe.parse_xml`` (no DTDs, no entities, gzip understood).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

from archive.citations.xmlsafe import XMLError, parse_xml

__all__ = ["Candidate", "FeedListing", "parse_date", "parse_feed"]

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
MAX_DESCRIPTION = 2000
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article a feed or sitemap lists: where, what it is called, when it was published."""

    url: str
    title: str | None = None
    published: datetime | None = None
    description: str | None = None
    language: str | None = None  # as the feed declares it (BCP 47), None when it does not
    publisher: str | None = None  # news sitemaps: the publication's name


@dataclass(frozen=True, slots=True)
class FeedListing:
    """What one feed or sitemap lists: articles, and (for a sitemap index) more sitemaps."""

    kind: str  # "rss" | "rdf" | "atom" | "sitemap" | "sitemapindex"
    candidates: tuple[Candidate, ...] = ()
    sitemaps: tuple[Candidate, ...] = ()  # child sitemaps, with their lastmod as ``published``


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child(element: Element, *names: str) -> Element | None:
    for child in element:
        if _local(child.tag) in names:
            return child
    return None


def _text(element: Element | None) -> str | None:
    if element is None:
        return None
    raw = "".join(element.itertext())
    cleaned = _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", raw))).strip()
    return cleaned[:MAX_DESCRIPTION] or None


def parse_date(value: str | None) -> datetime | None:
    """An aware UTC datetime from an RFC 822 or ISO 8601 date, or None if it is not one."""
    if not value or not value.strip():
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _url(value: str | None, base_url: str | None) -> str | None:
    if not value:
        return None
    url = urljoin(base_url, value.strip()) if base_url else value.strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _rss_item(item: Element, base_url: str | None, language: str | None) -> Candidate | None:
    link = _text(_child(item, "link"))
    guid = _child(item, "guid")
    if not link and guid is not None and guid.get("isPermaLink", "true") != "false":
        link = _text(guid)
    url = _url(link or item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"), base_url)
    if url is None:
        return None
    return Candidate(
        url=url,
        title=_text(_child(item, "title")),
        published=parse_date(_text(_child(item, "pubdate", "date", "published", "updated"))),
        description=_text(_child(item, "description", "encoded")),
        language=_text(_child(item, "language")) or language,
    )


def _atom_entry(entry: Element, base_url: str | None, language: str | None) -> Candidate | None:
    href = None
    for link in entry:
        if _local(link.tag) == "link" and link.get("rel", "alternate") == "alternate":
            href = link.get("href")
            break
    entry_base = entry.get(_XML_BASE)
    url = _url(href, urljoin(base_url or "", entry_base) if entry_base else base_url)
    if url is None:
        return None
    return Candidate(
        url=url,
        title=_text(_child(entry, "title")),
        published=parse_date(_text(_child(entry, "published", "updated"))),
        description=_text(_child(entry, "summary", "content")),
        language=entry.get(_XML_LANG) or language,
    )


def _sitemap_url(element: Element, base_url: str | None) -> Candidate | None:
    url = _url(_text(_child(element, "loc")), base_url)
    if url is None:
        return None
    news = _child(element, "news")
    if news is None:
        return Candidate(url=url, published=parse_date(_text(_child(element, "lastmod"))))
    publication = _child(news, "publication")
    published = _text(_child(news, "publication_date")) or _text(_child(element, "lastmod"))
    return Candidate(
        url=url,
        title=_text(_child(news, "title")),
        published=parse_date(published),
        description=_text(_child(news, "keywords")),
        language=_text(_child(publication, "language")) if publication is not None else None,
        publisher=_text(_child(publication, "name")) if publication is not None else None,
    )


def parse_feed(body: bytes, base_url: str | None = None) -> FeedListing:
    """The candidates listed by an RSS, Atom or sitemap document.

    Raises ``XMLError`` (``UnsafeXMLError`` for a DTD) when ``body`` is not one of them.
    """
    root = parse_xml(body)
    kind = _local(root.tag)
    if kind == "rss":
        channel = _child(root, "channel")
        items = [] if channel is None else [e for e in channel if _local(e.tag) == "item"]
        language = _text(_child(channel, "language")) if channel is not None else None
        found = [_rss_item(item, base_url, language) for item in items]
        return FeedListing("rss", tuple(c for c in found if c))
    if kind == "rdf":
        channel = _child(root, "channel")
        language = _text(_child(channel, "language")) if channel is not None else None
        found = [_rss_item(e, base_url, language) for e in root if _local(e.tag) == "item"]
        return FeedListing("rdf", tuple(c for c in found if c))
    if kind == "feed":
        feed_base = root.get(_XML_BASE)
        base = urljoin(base_url or "", feed_base) if feed_base else base_url
        language = root.get(_XML_LANG)
        found = [_atom_entry(e, base, language) for e in root if _local(e.tag) == "entry"]
        return FeedListing("atom", tuple(c for c in found if c))
    if kind == "urlset":
        found = [_sitemap_url(e, base_url) for e in root if _local(e.tag) == "url"]
        return FeedListing("sitemap", tuple(c for c in found if c))
    if kind == "sitemapindex":
        found = [_sitemap_url(e, base_url) for e in root if _local(e.tag) == "sitemap"]
        return FeedListing("sitemapindex", sitemaps=tuple(c for c in found if c))
    raise XMLError(f"not a feed or sitemap: root element <{kind}>")
