"""The sitemaps a publisher's robots.txt announces, best first, for source discovery.

``robots_url(url)`` is where a site's robots.txt lives; ``robots_sitemaps(body, robots_url)``
reads its ``Sitemap:`` lines (any case, space allowed before the colon, ``#`` comments
dropped, relative URLs resolved against the robots.txt URL, http(s) only, duplicates
dropped) and orders them by what their URL says they are:

1. news sitemaps (``news`` in the path or query: ``/sitemap-news.xml``, ``/news-sitemap/``,
   ``?type=googlenews``): they list the last days' articles with titles, dates and language;
2. sitemap indexes (``index`` in the URL: ``/sitemap_index.xml``, ``/sitemap-index.xml``);
3. other sitemaps; image and video sitemaps last (they list media, not articles).

Only sitemaps on the robots.txt's host, or on one of ``domains`` (subdomains included), are
kept, so that a robots.txt cannot widen a crawl to other sites; at most ``limit`` are returned
(file order within a rank). Only the first ``MAX_ROBOTS_BYTES`` of the body are read (the
size Google reads); bytes that are not UTF-8 are replaced, so any body parses.

The spider fetches ``robots_url(source_url)`` for a publisher named in an article, passes the
body here, and fetches the sitemaps returned like the registry's own (``listings``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from archive.citations.registry import host_of

__all__ = [
    "MAX_ROBOTS_BYTES",
    "MAX_ROBOTS_SITEMAPS",
    "RobotsSitemap",
    "robots_sitemaps",
    "robots_url",
]

MAX_ROBOTS_BYTES = 500 * 1024
MAX_ROBOTS_SITEMAPS = 5
_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE)
_NEWS = re.compile(r"news(?!letter)", re.IGNORECASE)
_INDEX = re.compile(r"index", re.IGNORECASE)
_MEDIA = re.compile(r"(?<![a-z])(?:image|images|video|videos)(?![a-z])", re.IGNORECASE)
_RANKS = {"news": 0, "index": 1, "sitemap": 2, "media": 3}


@dataclass(frozen=True, slots=True)
class RobotsSitemap:
    """A sitemap URL announced in robots.txt and what its URL says it is."""

    url: str
    kind: str  # "news" | "index" | "sitemap" | "media"


def robots_url(url: str) -> str:
    """The robots.txt URL of the site of ``url`` (scheme and host kept, port too)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{netloc}/robots.txt"


def _kind(url: str) -> str:
    parts = urlsplit(url)
    where = f"{parts.path}?{parts.query}"
    if _NEWS.search(where):
        return "news"
    if _MEDIA.search(where):
        return "media"
    if _INDEX.search(where):
        return "index"
    return "sitemap"


def _allowed(host: str, hosts: set[str]) -> bool:
    return any(host == allowed or host.endswith("." + allowed) for allowed in hosts)


def robots_sitemaps(
    body: bytes,
    robots_url: str,
    *,
    domains: Iterable[str] = (),
    limit: int = MAX_ROBOTS_SITEMAPS,
) -> list[RobotsSitemap]:
    """The sitemaps ``body`` (a robots.txt) announces, best first (see module docstring)."""
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    hosts = {host_of(robots_url), *(host_of(domain) for domain in domains)}
    hosts.discard("")
    found: dict[str, RobotsSitemap] = {}
    for line in text.splitlines():
        match = _LINE.match(line.split("#", 1)[0])
        if match is None:
            continue
        url = urljoin(robots_url, match.group(1))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        if not _allowed(host_of(url), hosts) or url in found:
            continue
        found[url] = RobotsSitemap(url, _kind(url))
    ordered = sorted(found.values(), key=lambda sitemap: _RANKS[sitemap.kind])
    return ordered[: max(0, limit)]
