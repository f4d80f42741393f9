"""Per-host politeness across every worker (``archive.frontier.politeness``), as a downloader
middleware placed last before the download handler.

Before a request goes out it waits for its host's turn: at most ``PROV_HOST_CONCURRENCY``
requests to one host at once (default ``CONCURRENT_REQUESTS_PER_DOMAIN``) and starts at least
``PROV_HOST_DELAY`` seconds apart (default ``DOWNLOAD_DELAY``), counted over all workers of
the prefix, whatever crawl they serve. The place is given back when the response or the
failure comes back, and expires by itself (download timeout + 10 s) if the worker dies.
While Redis is away, requests wait.
"""

from __future__ import annotations

import uuid
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import reactor
from twisted.internet.task import deferLater

from archive.frontier.client import FrontierUnavailable, Gate
from archive.frontier.politeness import HostBuckets
from crawler.frontier.process import frontier_process

__all__ = ["HostPolitenessMiddleware"]

_KEY = "frontier_host_lease"
_OUTAGE_WAIT = 1.0


class HostPolitenessMiddleware:
    def __init__(
        self,
        buckets: HostBuckets,
        gate: Gate,
        *,
        concurrency: int,
        delay: float,
        timeout: float,
        crawler: Crawler,
    ) -> None:
        self.buckets = buckets
        self.gate = gate
        self.concurrency = concurrency
        self.delay = delay
        self.timeout = timeout
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if settings.get("PROV_FRONTIER_ROLE") != "worker":
            raise NotConfigured("not a worker of the shared frontier")
        frontier = frontier_process(settings)
        options = frontier.options
        concurrency = options.host_concurrency or settings.getint(
            "CONCURRENT_REQUESTS_PER_DOMAIN"
        )
        delay = options.host_delay
        return cls(
            HostBuckets(frontier.server, options.prefix),
            frontier.gate,
            concurrency=max(1, concurrency),
            delay=settings.getfloat("DOWNLOAD_DELAY") if delay is None else delay,
            timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
            crawler=crawler,
        )

    async def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").lower()
        lease = uuid.uuid4().hex
        ttl = float(request.meta.get("download_timeout") or self.timeout) + 10
        waited = 0.0
        while True:
            try:
                wait = self.gate.call(
                    self.buckets.take, host, lease, self.concurrency, self.delay, ttl
                )
            except FrontierUnavailable:
                wait = _OUTAGE_WAIT
            if wait <= 0:
                break
            waited += wait
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        request.meta[_KEY] = (host, lease)
        if self.stats is not None and waited:
            self.stats.inc_value("frontier/host_waits")
            self.stats.inc_value("frontier/host_wait_ms", int(waited * 1000))

    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self._give_back(request)

    def _give_back(self, request: Request) -> None:
        taken = request.meta.pop(_KEY, None)
        if taken is None:
            return
        try:
            self.gate.call(self.buckets.give_back, *taken)
        except FrontierUnavailable:  # the place expires by itself
            if self.stats is not None:
                self.stats.inc_value("frontier/host_places_expired")
