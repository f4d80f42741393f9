"""A publisher's discovery endpoints, and what each one gave: a listing or why not.

``discovery_endpoints(source, robots)`` lists the registry's feeds and sitemaps, then the
sitemaps its robots.txt announced (``robots_sitemaps``), each URL once. Each fetched
endpoint becomes a ``ListingOutcome`` through ``read_listing``: the parsed ``FeedListing``, or
an explicit ``failure`` ("fetch failed: DNS lookup failed", "HTTP 404", "empty body", "not a
feed or sitemap: root element <html>", "unsafe XML: ..."); one endpoint failing never stops
the others. ``candidates_of`` merges the candidates of the endpoints that worked (an
endpoint's declared language is given to its candidates that declare none) and
``child_sitemaps`` picks the children of a sitemap index worth fetching.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from archive.citations.feeds import Candidate, FeedListing, parse_feed
from archive.citations.registry_file import Endpoint, Source
from archive.citations.robots_sitemaps import RobotsSitemap
from archive.citations.xmlsafe import UnsafeXMLError, XMLError

__all__ = [
    "ListingOutcome",
    "candidates_of",
    "child_sitemaps",
    "discovery_endpoints",
    "read_listing",
]

MAX_CHILD_SITEMAPS = 3


@dataclass(frozen=True, slots=True)
class ListingOutcome:
    """One endpoint's result: its listing, or the reason there is none."""

    url: str
    listing: FeedListing | None = None
    failure: str | None = None
    language: str | None = None  # the endpoint's declared language (registry)

    @property
    def ok(self) -> bool:
        return self.listing is not None


def discovery_endpoints(source: Source, robots: Iterable[RobotsSitemap] = ()) -> list[Endpoint]:
    """The source's feeds and sitemaps, then the robots.txt sitemaps, each URL once."""
    endpoints: dict[str, Endpoint] = {}
    for endpoint in (*source.feeds, *source.sitemaps):
        endpoints.setdefault(endpoint.url, endpoint)
    for sitemap in robots:
        endpoints.setdefault(sitemap.url, Endpoint(sitemap.url))
    return list(endpoints.values())


def read_listing(
    url: str,
    body: bytes | None,
    *,
    status: int | None = 200,
    error: str | None = None,
    language: str | None = None,
) -> ListingOutcome:
    """What one fetched endpoint gave (``error``: why the fetch itself failed)."""
    if error:
        return ListingOutcome(url, failure=f"fetch failed: {' '.join(error.split())}")
    if status is None or not 200 <= status < 300:
        return ListingOutcome(url, failure=f"HTTP {status}" if status else "no response")
    if not body or not body.strip():
        return ListingOutcome(url, failure="empty body")
    try:
        listing = parse_feed(body, url)
    except UnsafeXMLError as exc:
        return ListingOutcome(url, failure=f"unsafe XML: {exc}")
    except XMLError as exc:
        message = str(exc)
        if not message.startswith("not a feed"):
            message = f"not a feed or sitemap: {message}"
        return ListingOutcome(url, failure=message)
    return ListingOutcome(url, listing, language=language)


def candidates_of(outcomes: Iterable[ListingOutcome]) -> list[Candidate]:
    """The candidates of the endpoints that worked, each URL once (the first listing wins)."""
    seen: dict[str, Candidate] = {}
    for outcome in outcomes:
        if outcome.listing is None:
            continue
        for candidate in outcome.listing.candidates:
            if candidate.url in seen:
                continue
            if candidate.language is None and outcome.language:
                candidate = replace(candidate, language=outcome.language)
            seen[candidate.url] = candidate
    return list(seen.values())


def child_sitemaps(
    listing: FeedListing,
    window: tuple[datetime, datetime] | None = None,
    limit: int = MAX_CHILD_SITEMAPS,
) -> Sequence[Candidate]:
    """Children of a sitemap index to fetch, at most ``limit``.

    Without a window, the most recently modified first. With one, those modified since it
    began, the earliest first (a monthly or daily sitemap is last modified at the end of the
    period it lists), undated ones last.
    """
    oldest = datetime.min.replace(tzinfo=UTC)
    if window is None:
        ordered = sorted(listing.sitemaps, key=lambda c: c.published or oldest, reverse=True)
    else:
        kept = [c for c in listing.sitemaps if c.published is None or c.published >= window[0]]
        ordered = sorted(kept, key=lambda c: (c.published is None, c.published or oldest))
    return ordered[: max(0, limit)]
