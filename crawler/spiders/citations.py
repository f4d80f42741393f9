"""``citations`` spider: capture an article and follow the sources it cites.

``scrapy crawl citations -a url=ARTICLE_URL [-a depth=N]`` or ``prov crawl ARTICLE_URL``.

- Links inside the article's main text (as trafilatura finds it) are classified: citations are
  followed; tag, topic and person pages, promos, related boxes, share buttons are not
  (archive.citations.links). Every decision and its reason is recorded (``link_decisions``);
  ``-a follow=URL,URL`` (``prov crawl --follow URL``) follows a refused link all the same.
- Statements attributed by name to a publisher of the source registry are looked for in that
  publisher's feeds and sitemaps within a date window around the article's date; the best
  ranked candidates are captured (hop letter N).
- Depth N follows the sources' own main-text citations up to N hops from the article. Scope
  never widens beyond main-text links and registry discovery, so no site is crawled whole.

Every page, feed and sitemap fetched is archived by the download handler like any capture.
Edges and claims go to the index through :class:`session.index.citations.CitationIndex`;
claims are matched to source passages after the crawl, once texts are extracted. Given the
text stage's ``extract_page`` (``extract=``, as ``prov crawl`` does), pages are extracted in the
text stage's pool, which then takes that result for the page's capture instead of extracting
it a second time; without it, in a pool of the spider's own.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.citations.article_claims import find_claims
from archive.citations.attributions import Attribution
from archive.citations.links import CitationLink, LinkDecision, classify_links
from archive.citations.registry import Registry, load_registry
from archive.index.citations import CitationIndex
from archive.index.database import open_engine
from archive.orphans import exit_with_parent
from archive.text.extraction import Extraction, extract
from crawler.settings_config import config_from_settings
from crawler.spiders.named_sources import NamedSourceDiscovery, Wanted

__all__ = ["CitationsSpider"]


class CitationsSpider(NamedSourceDiscovery, Spider):
    name = "citations"
    custom_settings = {"PROV_EGRESS_POLICY": True}  # links and redirects: public addresses only

    def __init__(
        self,
        url: str = "",
        depth: int | str = 1,
        follow: str | list[str] = "",
        extract: Callable[[str, bytes, str | None], Future[dict[str, Any]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.extract_page = extract  # the text stage's, which keeps the result for the capture
        if not url:
            raise ValueError("citations spider needs -a url=ARTICLE_URL")
        self.article_url = url
        self.max_depth = int(depth)
        given = follow.split(",") if isinstance(follow, str) else follow
        self.follow = {u.strip() for u in given if u.strip()}  # the user's overrides
        self.registry: Registry = load_registry()
        self.store: CitationIndex | None = None
        self._pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CitationsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config = config_from_settings(crawler.settings)
        spider.store = CitationIndex(open_engine(config.database_url), "")
        crawler.signals.connect(spider.closed_pool, signal=signals.spider_closed)
        return spider

    def closed_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    async def _extract(self, response: Response) -> Extraction:
        """Main text off the reactor thread, in a worker process."""
        header = response.headers.get(b"Content-Type")
        content_type = header.decode("latin-1") if header else None
        if self.extract_page is not None:
            found = self.extract_page(response.url, response.body, content_type)
            data: dict[str, Any] = await asyncio.wrap_future(found)
            return Extraction.from_dict(data)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                2, mp_context=multiprocessing.get_context("spawn"), initializer=exit_with_parent
            )
        future = self._pool.submit(extract, response.body, response.url, content_type)
        return await asyncio.wrap_future(future)

    def _meta(self, response: Response | None, **extra: Any) -> dict[str, Any]:
        meta = {"prov_seed": self.article_url, "prov_hops": "", "prov_depth": 0}
        if response is not None:
            meta.update(
                prov_hops=response.meta.get("prov_hops", ""),
                prov_depth=response.meta.get("prov_depth", 0),
                prov_via=response.url,
            )
        meta.update(extra)
        return meta

    async def start(self) -> AsyncIterator[Request]:
        yield Request(
            self.article_url,
            callback=self.parse_page,
            errback=self.failed,
            dont_filter=True,
            meta=self._meta(None, prov_role="article"),
        )

    def _index(self) -> CitationIndex:
        """The citation index, under the crawl id the download handler's recorder chose."""
        assert self.store is not None
        stats = self.crawler.stats
        if not self.store.crawl_id and stats is not None:
            self.store.crawl_id = str(stats.get_value("prov/crawl_id") or "")
        return self.store

    async def parse_page(self, response: Response) -> AsyncIterator[Request]:
        """The article, or a source: record its citations, follow them within the depth."""
        extraction = await self._extract(response)
        depth = int(response.meta.get("prov_depth", 0))
        role = response.meta.get("prov_role", "source")
        store = self._index()
        within = depth + 1 <= self.max_depth
        links = self._decide(store, response.url, classify_links(extraction, response.url), within)
        if within:  # edges beyond the depth are neither kept nor followed
            for link in links:
                store.add_edge(
                    response.url, link.url, "link", depth + 1, link.anchor, link.sentence
                )
                yield Request(
                    link.url,
                    callback=self.parse_page,
                    errback=self.failed,
                    meta=self._meta(
                        response,
                        prov_hops=response.meta.get("prov_hops", "") + "L",
                        prov_depth=depth + 1,
                        prov_role="source",
                    ),
                )
        if role != "article":
            return
        published = _published(extraction)
        found_all = find_claims(extraction.text, links, self.registry, response.url)
        for found in found_all:
            store.add_claim(response.url, _claim_values(found))
        wanted: dict[str, Wanted] = {}
        for found in found_all:
            source_id = _source_id(found)
            if source_id and (found.source is None or found.source.kind != "link"):
                sentence = extraction.text[found.sentence_start : found.sentence_end]
                wanted.setdefault(source_id, []).append((found, sentence))
        for request in self.discover(response, wanted, published, extraction.language):
            yield request

    def _decide(
        self, store: CitationIndex, page_url: str, decisions: list[LinkDecision], record: bool
    ) -> list[CitationLink]:
        """The citations among DECISIONS (a --follow URL overrides a refusal); with RECORD,
        every decision and its reason goes to the index (``prov sources --json`` shows them)."""
        kept: list[CitationLink] = []
        rows = []
        for decision in decisions:
            followed = decision.keep or decision.link.url in self.follow
            reason = decision.reason if decision.keep or not followed else (
                f"override: --follow (was {decision.reason})"
            )
            rows.append(
                {
                    "url": decision.link.url,
                    "anchor": decision.link.anchor,
                    "sentence": decision.link.sentence,
                    "followed": followed,
                    "reason": reason,
                }
            )
            if followed:
                kept.append(decision.link)
        if record:
            store.add_link_decisions(page_url, rows)
        return kept

    def failed(self, failure: Failure) -> None:
        """Fetch failures are in the index already (the download handler recorded them)."""
        self.logger.info("fetch failed: %s", " ".join(failure.getErrorMessage().split()))


def _published(extraction: Extraction) -> datetime:
    """The article's publication date (now, if the page does not say)."""
    try:
        return datetime.fromisoformat(extraction.date or "").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


def _source_id(found: Attribution) -> str | None:
    """The registered publisher of the claim's source, named in its sentence or carried."""
    ref = found.source
    if found.source_id or ref is None or ref.kind == "link":
        return found.source_id
    return ref.source_id


def _claim_values(found: Attribution) -> dict[str, Any]:
    """The claims row of an attribution: its source (a cited URL, a named outlet or document,
    or one carried from an earlier sentence), speaker, how both were resolved and how sure."""
    ref = found.source
    return {
        "statement": found.statement,
        "speaker": found.speaker,
        "source_name": found.source_name or (ref.name if ref is not None else None),
        "source_id": _source_id(found),
        "cited_url": ref.url if ref is not None else None,
        "kind": found.kind,
        "source_kind": ref.kind if ref is not None else None,
        "resolution": found.resolution,
        "carried_from": found.carried_from,
        "speaker_resolution": found.speaker_resolution,
        "confidence": found.confidence,
        "start": found.start,
        "end": found.end,
        "repeats": found.repeats,
    }
