"""The spider middleware of a worker's crawls.

It runs outermost (closest to the engine), so when the output of a callback has gone through
it, every request in that output has been scheduled: then the scheduler hears that the
request the response answers is over. It drops the spider's start requests (the submitting
command pushed them) and names, in each request a callback yields, the request it came from
(``frontier_parent``), which lets the scheduler drop what a redelivered request yields again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.frontier.meta import PARENT, REQUEST_ID
from crawler.frontier.scheduler import FrontierScheduler

__all__ = ["FrontierSpiderMiddleware"]


class FrontierSpiderMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.get("PROV_FRONTIER_ROLE") != "worker":
            raise NotConfigured("not a worker of the shared frontier")
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Nothing: a worker takes its requests from the crawl's queue."""
        nothing: tuple[Any, ...] = ()
        for item in nothing:
            yield item

    def process_spider_output(
        self, response: Response, result: Iterable[Any]
    ) -> Iterator[Any]:
        parent = response.request.meta.get(REQUEST_ID) if response.request else None
        try:
            for item in result:
                yield self._stamp(item, parent)
        finally:
            self._over(response)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        parent = response.request.meta.get(REQUEST_ID) if response.request else None
        try:
            async for item in result:
                yield self._stamp(item, parent)
        finally:
            self._over(response)

    @staticmethod
    def _stamp(item: Any, parent: str | None) -> Any:
        if isinstance(item, Request) and parent:
            item.meta[PARENT] = parent
        return item

    def _over(self, response: Response) -> None:
        engine = self.crawler.engine
        scheduler = engine.scheduler if engine is not None else None
        if isinstance(scheduler, FrontierScheduler) and response.request is not None:
            scheduler.callback_done(response.request)
