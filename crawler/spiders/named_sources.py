"""Finding the article of a publisher named without a link (hop ``N`` of the citations spider).

For each registered publisher an article names (``RIA Novosti`` in "Peskov told the RIA
Novosti news agency"), in the order ``archive.citations.discovery`` describes:

1. the publisher's ``robots.txt``: its ``Sitemap:`` lines (news sitemaps and indexes first);
2. every discovery endpoint: the registry's feeds and sitemaps, then the robots.txt ones. A
   404, an HTML error page, unsafe XML or a failed fetch is recorded (``discovery_listings``)
   and discovery goes on with the others; a sitemap index leads to its children dated around
   the article;
3. each listing's candidates are ranked against every statement attributed to that publisher,
   by date window, speaker (in any script), names, numbers, cognates and publisher; the best
   are captured as the statement's source, each edge keeping its score and reasons.

The spider mixes this in; every fetch is archived like any other capture.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.citations.attributions import Attribution
from archive.citations.discovery import rank_candidates
from archive.citations.listings import (
    ListingOutcome,
    candidates_of,
    child_sitemaps,
    discovery_endpoints,
    read_listing,
)
from archive.citations.registry import Registry, Source
from archive.citations.robots_sitemaps import RobotsSitemap, robots_sitemaps, robots_url
from archive.index.citations import CitationIndex

__all__ = ["MAX_CANDIDATES", "MIN_CONFIDENCE", "WINDOW", "NamedSourceDiscovery", "Wanted"]

WINDOW = timedelta(days=3)
MAX_CANDIDATES = 2
MIN_CONFIDENCE = 0.2

Wanted = list[tuple[Attribution, str]]  # the statements attributed to one publisher, with sentence


class NamedSourceDiscovery:
    """Callbacks of the discovery hop; the spider provides the attributes used here."""

    article_url: str
    registry: Registry

    if TYPE_CHECKING:  # provided by the spider

        def _index(self) -> CitationIndex: ...

        def _meta(self, response: Response | None, **extra: Any) -> dict[str, Any]: ...

        def parse_page(self, response: Response) -> Any: ...

        def failed(self, failure: Failure) -> None: ...

    def discover(
        self,
        response: Response,
        wanted: dict[str, Wanted],
        published: datetime,
        language: str | None,
    ) -> Iterator[Request]:
        """The first requests of discovery: each publisher's robots.txt (or, with no known
        host, its registry endpoints)."""
        for source_id, statements in wanted.items():
            source = self.registry.get(source_id)
            if source is None:
                continue
            meta = self._meta(
                response,
                prov_hops=response.meta.get("prov_hops", "") + "N",
                prov_role="discovery",
                prov_source=source_id,
                prov_statements=statements,
                prov_published=published,
                prov_language=language,
                handle_httpstatus_all=True,
            )
            if not source.domains:
                yield from self._endpoints(source, (), meta)
                continue
            yield Request(
                robots_url(f"https://{source.domains[0]}/"),
                callback=self.parse_robots,
                errback=self.robots_failed,
                dont_filter=True,
                meta=meta,
            )

    def _endpoints(
        self, source: Source, robots: tuple[RobotsSitemap, ...] | list[RobotsSitemap], meta: Any
    ) -> Iterator[Request]:
        registered = {e.url for e in (*source.feeds, *source.sitemaps)}
        for endpoint in discovery_endpoints(source, robots):
            yield self._listing_request(
                endpoint.url,
                meta,
                origin="registry" if endpoint.url in registered else "robots",
                language=endpoint.language,
            )

    def _listing_request(
        self, url: str, meta: Any, *, origin: str, language: str | None
    ) -> Request:
        keep = {k: v for k, v in meta.items() if k.startswith(("prov_", "handle_httpstatus"))}
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            dont_filter=True,
            meta={**keep, "prov_origin": origin, "prov_endpoint_language": language},
        )

    def parse_robots(self, response: Response) -> Iterator[Request]:
        source = self.registry.get(response.meta["prov_source"])
        assert source is not None
        ok = response.status == 200
        found = robots_sitemaps(response.body if ok else b"", response.url, domains=source.domains)
        failure = None if ok else f"HTTP {response.status}"
        self._index().add_listing(source.id, response.url, "robots", failure, len(found))
        yield from self._endpoints(source, found, response.meta)

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        request: Request = failure.request  # type: ignore[attr-defined]
        source = self.registry.get(request.meta["prov_source"])
        assert source is not None
        reason = read_listing(request.url, None, error=failure.getErrorMessage()).failure
        self._index().add_listing(source.id, request.url, "robots", reason, 0)
        yield from self._endpoints(source, (), request.meta)

    def listing_failed(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        outcome = read_listing(request.url, None, error=failure.getErrorMessage())
        self._index().add_listing(
            request.meta["prov_source"], request.url, request.meta["prov_origin"],
            outcome.failure, 0,
        )  # fmt: skip

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """A publisher's feed or sitemap: rank its entries against each attributed statement."""
        meta = response.meta
        outcome = read_listing(
            response.url,
            response.body,
            status=response.status,
            language=meta.get("prov_endpoint_language"),
        )
        count = len(outcome.listing.candidates) if outcome.listing else 0
        self._index().add_listing(
            meta["prov_source"], response.url, meta["prov_origin"], outcome.failure, count
        )
        if outcome.listing is None:
            return
        published: datetime = meta["prov_published"]
        window = (published - WINDOW, published + WINDOW)
        for child in child_sitemaps(outcome.listing, window):  # an index: the months around
            yield self._listing_request(child.url, meta, origin="index", language=None)
        yield from self._rank(outcome, meta, window)

    def _rank(
        self, outcome: ListingOutcome, meta: Any, window: tuple[datetime, datetime]
    ) -> Iterator[Request]:
        source = self.registry.get(meta["prov_source"])
        store = self._index()
        candidates = candidates_of([outcome])
        for found, sentence in meta["prov_statements"]:
            ranked = rank_candidates(
                found.statement,
                list(found.names),
                candidates,
                window,
                speaker=found.speaker_text or found.speaker,
                source=source,
                article_language=meta.get("prov_language"),
                published=meta["prov_published"],
                limit=MAX_CANDIDATES,
                min_score=MIN_CONFIDENCE,
            )
            for best in ranked:
                store.add_edge(
                    self.article_url,
                    best.candidate.url,
                    "name",
                    1,
                    found.source_name,
                    sentence,
                    source_id=found.source_id,
                    source_name=found.source_name,
                    confidence=best.score,
                    reason="; ".join(best.reasons) or best.reason,
                )
                yield Request(
                    best.candidate.url,
                    callback=self.parse_page,
                    errback=self.failed,
                    meta=self._meta(
                        None,
                        prov_hops=meta.get("prov_hops", ""),
                        prov_depth=1,
                        prov_role="source",
                        prov_via=self.article_url,
                    ),
                )
