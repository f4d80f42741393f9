"""scrapy-redis's priority queue, popped under leases.

Requests are encoded by scrapy-redis (``Request.to_dict``, callbacks by name, pickled by its
default serializer: Redis must be as trusted as the database) and kept in its sorted set
(score: minus the priority). :meth:`LeasedQueue.pop_leased` replaces scrapy-redis's pop: it
moves requests into the crawl's in-flight hash under leases (``archive.frontier.leases``),
redelivered ones first, and :meth:`LeasedQueue.push_once` checks the dupefilter and pushes in
one script. Every call goes through the process's Gate.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from scrapy import Request, Spider
from scrapy_redis.queue import PriorityQueue

from archive.frontier.keys import CrawlKeys
from crawler.frontier.process import FrontierProcess

__all__ = ["LeasedQueue", "LeasedRequest"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LeasedRequest:
    lease: str
    request: Request | None  # None: it could not be decoded (error says why)
    redelivered: bool
    error: str | None = None


class LeasedQueue(PriorityQueue):  # type: ignore[misc]
    def __init__(
        self, server: Any, spider: Spider, keys: CrawlKeys, frontier: FrontierProcess
    ) -> None:
        super().__init__(server=server, spider=spider, key=keys.requests)
        self.keys = keys
        self.frontier = frontier

    def __len__(self) -> int:
        pipe = self.server.pipeline()
        pipe.zcard(self.keys.requests)
        pipe.zcard(self.keys.redelivered)
        return sum(int(n) for n in self.frontier.gate.call(pipe.execute))

    def push(self, request: Request) -> None:
        self.frontier.gate.call(super().push, request)

    def push_once(self, request: Request, fingerprint: str, derivation: str) -> bool:
        """Push unless the dupefilter saw FINGERPRINT (or DERIVATION): one atomic script."""
        data = self._encode_request(request)
        return self.frontier.gate.call(
            self.frontier.leases.push, self.keys, data, -request.priority, fingerprint, derivation
        )

    def pop(self, timeout: int = 0) -> Request | None:
        raise NotImplementedError("the frontier pops under leases: use pop_leased")

    def pop_leased(self, worker: str, count: int) -> list[LeasedRequest]:
        leases = [uuid.uuid4().hex for _ in range(count)]
        found = self.frontier.gate.call(self.frontier.leases.pop, self.keys, worker, leases)
        popped = []
        for item in found:
            try:
                request = self._decode_request(item.data)
            except Exception as exc:  # a request this spider cannot run: failed, not lost
                logger.error("frontier: undecodable request in %s: %s", self.keys.crawl, exc)
                popped.append(LeasedRequest(item.lease, None, item.redelivered, str(exc)))
                continue
            popped.append(LeasedRequest(item.lease, request, item.redelivered))
        return popped
