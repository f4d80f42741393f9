"""The scheduler of a crawl on the shared frontier: scrapy-redis's, with leases.

``PROV_FRONTIER_ROLE`` says which side of the crawl this process is:

- ``submit`` (``prov archive``, ``prov crawl`` and watch runs with ``PROV_REDIS_URL``): every
  request the spider yields is dupe-filtered and pushed to the crawl's queue; none comes back,
  so the submitting crawl ends once its seeds are pushed.
- ``worker`` (``prov worker``): requests are popped under leases, a few at a time, up to the
  worker's capacity; the requests they lead to (redirects, retries, links) are pushed before
  the lease ends; a lease ends (:mod:`crawler.frontier.acks`) only when the request is over and
  its capture indexed. A request that only repeats what an earlier delivery of its parent
  already pushed (a redelivered request's children that scrapy-redis's dupefilter does not
  filter) is dropped. While Redis is away nothing is popped, pushes wait in memory and no
  lease ends: the crawl stalls, and goes on when Redis answers again.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall, deferLater
from twisted.python.failure import Failure

from archive.config import ConfigError
from archive.frontier.client import FrontierUnavailable
from archive.frontier.keys import CrawlKeys
from crawler.frontier.acks import AckBook
from crawler.frontier.meta import DELIVERY, LEASE, PARENT, PRIVATE, REQUEST_ID
from crawler.frontier.notes import CrawlNotes
from crawler.frontier.process import FrontierProcess, frontier_process
from crawler.frontier.queue import LeasedQueue

__all__ = ["FrontierScheduler"]

logger = logging.getLogger(__name__)

ROLES = ("submit", "worker")
_PLAN = "frontier_push"  # meta: the dupefilter checks of a push that has to be tried again
TICK = 0.1  # seconds between acknowledgements (and polls of an idle crawl, backing off to 1)
BATCH = 8  # requests popped in one round-trip at most


class _Settle:
    """A leased request's errback (or none), then the scheduler told the request is over."""

    def __init__(self, original: Callable[..., Any] | None, over: Callable[[], None]) -> None:
        self.original = original
        self.over = over

    def __call__(self, failure: Failure) -> Any:
        try:
            return failure if self.original is None else self.original(failure)
        finally:
            self.over()


class FrontierScheduler(Scheduler):  # type: ignore[misc]
    def __init__(
        self,
        frontier: FrontierProcess,
        keys: CrawlKeys,
        role: str,
        crawler: Crawler,
        linger: float = 2.0,
    ) -> None:
        dupefilter = RFPDupeFilter(frontier.server, keys.dupefilter)
        super().__init__(
            frontier.server,
            persist=True,
            queue_key=keys.requests,
            dupefilter=dupefilter,
            dupefilter_key=keys.dupefilter,
        )
        self.frontier = frontier
        self.keys = keys
        self.role = role
        self.crawler = crawler
        self.linger = linger
        self.book = AckBook()
        self._local: deque[Request] = deque()  # leased, not handed to the engine yet
        self._nudged: set[str] = set()
        self._unpushed: list[Request] = []
        self._loop: LoopingCall | None = None
        self._idle_since: float | None = None
        self._next_poll = 0.0
        self._poll_every = TICK
        self.ended = False  # the crawl is over (finished, cancelled or gone)
        self._notes: list[CrawlNotes] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        role = settings.get("PROV_FRONTIER_ROLE")
        if role not in ROLES:
            raise ConfigError(f"PROV_FRONTIER_ROLE={role!r}: use submit or worker")
        frontier = frontier_process(settings)
        keys = frontier.board.keys(str(settings.get("PROV_CRAWL_ID")))
        scheduler = cls(frontier, keys, role, crawler, frontier.options.linger)
        scheduler.stats = crawler.stats
        return scheduler

    # -- Scrapy's scheduler interface ------------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = LeasedQueue(self.server, spider, self.keys, self.frontier)
        if self.role == "worker":
            for name, error in (("seed_errors", True), ("seed_notes", False)):
                if isinstance(getattr(spider, name, None), dict):
                    notes = CrawlNotes(self.frontier, self.keys.crawl_id, error=error)
                    setattr(spider, name, notes)
                    self._notes.append(notes)
            self.crawler.signals.connect(self._keep_open, signal=signals.spider_idle)
            self._loop = LoopingCall(self._on_tick)
            self._loop.start(TICK, now=False)

    def close(self, reason: str) -> Deferred[None] | None:
        if self.role != "worker":
            return None
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        return deferred_from_coro(self._close())

    def has_pending_requests(self) -> bool:
        return bool(self._local)

    def __len__(self) -> int:
        return len(self._local)

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.get(LEASE)
        if lease in self._nudged:  # a request leased by the tick, passed through engine.crawl
            self._nudged.discard(lease)
            self._local.append(request)
            return True
        parent = request.meta.get(PARENT)
        held = self.book.held.get(lease) if isinstance(lease, str) else None
        if held is not None:  # the downloader turned a held request into this one
            retried = request.meta.get("retry_times", 0) > held.request.meta.get("retry_times", 0)
            self._over(held.request.meta[LEASE], "" if retried else "done")
            parent = held.request.meta.get(REQUEST_ID)
            if isinstance(request.errback, _Settle):
                request.errback = request.errback.original
        for key in PRIVATE:
            request.meta.pop(key, None)
        if parent:
            request.meta[PARENT] = parent
        if self.role == "submit":
            return self._push_waiting(request)
        try:
            return self._push(request)
        except FrontierUnavailable:
            self._unpushed.append(request)  # no lease ends until it is pushed
            return True

    def next_request(self) -> Request | None:
        if self.role != "worker" or self.ended:
            return None
        if not self._local:
            try:
                self._fill(min(BATCH, self.frontier.free))
            except FrontierUnavailable:
                return None
        if not self._local:
            return None
        request = self._local.popleft()
        lease = request.meta[LEASE]
        self.book.hand_out(lease, request)
        request.errback = _Settle(request.errback, lambda: self._over(lease, "failed"))
        return request

    # -- called by FrontierSpiderMiddleware -----------------------------------------------------
    def callback_done(self, request: Request) -> None:
        """REQUEST's callback ran and all it yielded is scheduled."""
        lease = request.meta.get(LEASE)
        if lease is not None:
            self._over(lease, "done")

    # -- internals ------------------------------------------------------------------------
    def _push(self, request: Request) -> bool:
        """Dupe-filter and push, atomically; False if filtered. Raises FrontierUnavailable
        (then calling it again with the same request retries the same push)."""
        plan = request.meta.pop(_PLAN, None)
        if plan is None:
            parent = request.meta.pop(PARENT, None)
            fingerprint = self.df.request_fingerprint(request)
            derivation = ""
            if request.dont_filter and parent:
                derivation = hashlib.sha1(f"{parent} {fingerprint}".encode()).hexdigest()
            plan = ("" if request.dont_filter else fingerprint, derivation)
            request.meta[REQUEST_ID] = uuid.uuid4().hex
        try:
            pushed = self.queue.push_once(request, *plan)
        except FrontierUnavailable:
            request.meta[_PLAN] = plan
            raise
        if not pushed:
            self.df.log(request, self.spider)
            return False
        self.frontier.count("frontier/pushed")
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        return True

    def _push_waiting(self, request: Request) -> bool:
        """Push a seed, waiting for Redis as long as it is away (the submitting command has
        nothing else to do meanwhile)."""
        said = False
        while True:
            try:
                return self._push(request)
            except FrontierUnavailable as exc:
                if not said:
                    logger.warning("frontier: %s; the seeds wait for it", exc)
                    said = True
                time.sleep(0.2)

    def _fill(self, count: int) -> int:
        """Lease up to COUNT requests into the local buffer; returns how many."""
        if count <= 0:
            return 0
        popped = self.queue.pop_leased(self.frontier.worker_id, count)
        self.frontier.taken += len(popped)
        self.frontier.count("frontier/popped", len(popped))
        for item in popped:
            if item.request is None:  # undecodable: it counts as failed, and is logged
                self.book.hand_out(item.lease, Request("data:,"))
                self._over(item.lease, "failed")
                continue
            item.request.meta[LEASE] = item.lease
            if item.redelivered:
                item.request.meta[DELIVERY] = 2
                self.frontier.count("frontier/redelivered")
            self._local.append(item.request)
        return len(popped)

    def _over(self, lease: str, counter: str) -> None:
        """The request is over; its lease ends once its capture is indexed. It no longer
        counts against the worker's concurrency."""
        recorder = self.frontier.recorder()
        if self.book.over(lease, counter, recorder.recorded if recorder is not None else 0):
            self.frontier.taken -= 1

    def _on_tick(self) -> None:
        try:
            self._flush_unpushed()
            self._acknowledge()
            self._poll_when_idle()
        except FrontierUnavailable as exc:
            logger.debug("frontier: %s", exc)
        except Exception:  # a tick must never die: the crawl would stall for good
            logger.exception("frontier: tick failed")

    def _flush_unpushed(self) -> None:
        while self._unpushed:
            self._push(self._unpushed[0])
            self._unpushed.pop(0)

    def _acknowledge(self) -> None:
        if self._unpushed:
            return
        recorder = self.frontier.recorder()
        ready = self.book.ready(recorder.settled if recorder is not None else 0)
        if not ready:
            return
        for notes in self._notes:
            notes.flush()
        self.frontier.report_unwritten()
        acked = self.frontier.gate.call(
            self.frontier.leases.ack, self.keys, self.frontier.worker_id, ready
        )
        leases = [lease for lease, _ in ready]
        self.book.forget(leases)
        self.frontier.count("frontier/acked", acked)
        if acked < len(ready):
            self.frontier.count("frontier/lost_leases", len(ready) - acked)
            logger.warning(
                "frontier: %d leases of crawl %s were taken back before they ended",
                len(ready) - acked,
                self.keys.crawl_id,
            )

    def _poll_when_idle(self) -> None:
        """An idle engine asks for requests only every few seconds: lease some and hand them
        in through engine.crawl, which wakes it up."""
        busy = bool(self.book) or bool(self._local)
        if busy:
            self._idle_since = None
            self._poll_every = TICK
            return
        now = time.monotonic()
        self._idle_since = self._idle_since or now
        if now < self._next_poll or self.ended:
            return
        counts = self.frontier.gate.call(self.frontier.board.counts, [self.keys.crawl_id])
        if not counts or counts[0].state not in ("seeding", "running"):
            self.ended = True
            return
        got = self._fill(min(BATCH, self.frontier.free)) if counts[0].queued else 0
        self._poll_every = TICK if got else min(self._poll_every * 2, 1.0)
        self._next_poll = now + self._poll_every
        if got:
            first = self._local.popleft()
            self._nudged.add(first.meta[LEASE])
            assert self.crawler.engine is not None
            self.crawler.engine.crawl(first)

    def _keep_open(self) -> None:
        """Scrapy closes an idle spider; a worker's stays open while its crawl may get work,
        and closes after PROV_WORKER_LINGER idle seconds (the worker opens it again later)."""
        idle = time.monotonic() - (self._idle_since or time.monotonic())
        if self.ended or (idle >= self.linger and not self.book and not self._local):
            return
        raise DontCloseSpider

    async def _close(self) -> None:
        """Acknowledge what is over (waiting up to 10 s for the recorder), give back the rest."""
        deadline = time.monotonic() + 10
        while self.book.waiting() and time.monotonic() < deadline:
            try:
                self._flush_unpushed()
                self._acknowledge()
            except FrontierUnavailable as exc:
                logger.debug("frontier: %s", exc)
            await maybe_deferred_to_future(deferLater(reactor, TICK, lambda: None))
        left = len(self.book) + len(self._local) + len(self._nudged)
        self.frontier.taken -= len(self.book.open_leases()) + len(self._local) + len(self._nudged)
        try:  # every lease this worker still has in the crawl, whatever became of its request
            self.frontier.gate.call(
                self.frontier.leases.give_back, self.keys, self.frontier.worker_id
            )
        except FrontierUnavailable:
            logger.warning(
                "frontier: %d requests of crawl %s go back after the lease timeout",
                left,
                self.keys.crawl_id,
            )
        self.book.forget(list(self.book.held))
        self._local.clear()
        self._nudged.clear()
