"""Scrapy's robots.txt middleware, with each host's robots.txt fetched once per crawl.

In a worker, the first worker of a crawl that needs a host's rules fetches robots.txt (the
fetch is archived like any other) and stores the bytes in Redis
(:mod:`archive.frontier.robots_cache`); every other worker of the crawl waits for them and
parses the same bytes. A failed fetch is stored as such (no rules apply, as in Scrapy). While
Redis is away, requests to a host whose rules are not known yet wait.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

from archive.frontier.client import FrontierUnavailable, Gate
from archive.frontier.robots_cache import RobotsAnswer, RobotsCache
from crawler.frontier.process import frontier_process

__all__ = ["SharedRobotsTxtMiddleware"]

logger = logging.getLogger(__name__)
_WAIT = 0.1


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)  # NotConfigured unless ROBOTSTXT_OBEY
        settings = crawler.settings
        if settings.get("PROV_FRONTIER_ROLE") != "worker":
            raise NotConfigured("not a worker of the shared frontier")
        frontier = frontier_process(settings)
        self.gate: Gate = frontier.gate
        self.worker_id = frontier.worker_id
        self.cache = RobotsCache(
            frontier.server, frontier.board.keys(str(settings.get("PROV_CRAWL_ID")))
        )
        self.lock_ttl = 2 * settings.getfloat("DOWNLOAD_TIMEOUT") + 10

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            waiting: Deferred[RobotParser | None] = Deferred()
            self._parsers[netloc] = waiting
            body = await self._shared_body(request, f"{url.scheme}://{netloc}/robots.txt")
            parser = None
            if body is not None:
                parser = build_from_crawler(self._parserimpl, self.crawler, body)
                await self.crawler.signals.send_catch_log_async(
                    signal=signals.robots_parsed, robotparser=parser, request=request
                )
            self._parsers[netloc] = parser
            waiting.callback(parser)
        parser_or_wait = self._parsers[netloc]
        if isinstance(parser_or_wait, Deferred):
            return await maybe_deferred_to_future(parser_or_wait)
        return parser_or_wait

    async def _shared_body(self, request: Request, robots_url: str) -> bytes | None:
        """The robots.txt bytes this crawl stored for the host (fetched here if no worker has
        yet), or None if the fetch failed."""
        netloc = urlparse_cached(request).netloc
        while True:
            try:
                answer = self.gate.call(self.cache.ask, netloc, self.worker_id, self.lock_ttl)
            except FrontierUnavailable:
                answer = RobotsAnswer("wait")
            if answer.action == "stored":
                return answer.body if answer.fetched else None
            if answer.action == "fetch":
                body = await self._fetch(robots_url)
                await self._store(netloc, body)
                return body
            await maybe_deferred_to_future(deferLater(reactor, _WAIT, lambda: None))

    async def _fetch(self, robots_url: str) -> bytes | None:
        robots = Request(
            robots_url,
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        self._stats.inc_value("robotstxt/request_count")
        assert self.crawler.engine is not None
        try:
            response = await self.crawler.engine.download_async(robots)
        except Exception as exc:
            if not isinstance(exc, IgnoreRequest):
                logger.error("Error downloading %s: %s", robots_url, exc)
                self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
            return None
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        return response.body

    async def _store(self, netloc: str, body: bytes | None) -> None:
        for _ in range(50):  # about 5 s; then the lock expires and others fetch
            try:
                self.gate.call(self.cache.put, netloc, body)
                return
            except FrontierUnavailable:
                await maybe_deferred_to_future(deferLater(reactor, _WAIT, lambda: None))
