"""``prov worker``: serve the crawls of the shared frontier, in one Twisted reactor.

Every half second the worker says it is alive, reads the crawls in progress, and starts a
Scrapy crawler for each crawl with queued requests that it does not serve yet: the crawl's own
spider, arguments and settings (as its submitting command set them), with the worker role
(:mod:`crawler.frontier.roles`). A crawler closes after ``PROV_WORKER_LINGER`` idle seconds and
is started again if work comes back. All of them write through the worker's one recorder
(one set of WARC files per worker process). A crawl indexed into another database, or stored
elsewhere, than this worker's is refused (said once). When a crawl it wrote captures for is
drained, the worker closes its current WARC file (with S3: it goes up) so that the submitting
command, maybe on another machine, can read every capture. Every ``lease_timeout / 2`` seconds
it takes back the requests of workers not heard from (after an outage, only once Redis has
answered for a whole lease timeout, so that every live worker had time to say so).

SIGTERM or Ctrl-C: no new requests; what is in flight finishes and is acknowledged, the rest
goes back to the queue; a second signal stops at once (leases then expire). ``--until-idle``:
stop once every crawl in progress is drained (or none is).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
import uuid
from collections.abc import Callable
from types import FrameType
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import install_reactor
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from archive.config import Config
from archive.errors import error_line
from archive.frontier.client import FrontierUnavailable
from archive.frontier.crawls import CrawlCounts, CrawlSpec
from crawler.download.recorder_share import hold_worker_recorder, release_recorder
from crawler.frontier.process import FrontierProcess, frontier_process
from crawler.frontier.roles import worker_settings
from crawler.frontier.submit import database_shown
from crawler.settings_config import load_settings, proxy_environment

__all__ = ["Worker"]

logger = logging.getLogger(__name__)
TICK = 0.5
Emit = Callable[..., None]


class Worker:
    def __init__(self, config: Config, *, concurrency: int, until_idle: bool, emit: Emit) -> None:
        assert config.frontier is not None
        self.config = config
        self.concurrency = concurrency
        self.until_idle = until_idle
        self.emit = emit
        host = socket.gethostname().split(".")[0]
        self.worker_id = f"{host}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.storage = {
            "PROV_HOME": str(config.home),
            "PROV_STORE": config.store_uri,
            "PROV_DATABASE_URL": config.database_url,
            "PROV_REDIS_URL": config.frontier.url,
            "PROV_WORKER_ID": self.worker_id,
            "PROV_WORKER_CONCURRENCY": concurrency,
            "LOG_INSTALL_ROOT_HANDLER": False,
        }
        self.base = load_settings(self.storage)
        self.serving: dict[str, Crawler] = {}
        self.wrote_for: set[str] = set()  # crawls this worker captured for, files not closed
        self.refused: set[str] = set()
        self.stopping = False
        self._idle_ticks = 0
        self._next_reap = 0.0
        self.requests = 0
        self.frontier: FrontierProcess = frontier_process(self.base, config)

    def run(self) -> dict[str, Any]:
        """Serve until stopped; returns what the worker did."""
        logging.getLogger("scrapy").setLevel(self.base.get("LOG_LEVEL", "WARNING"))
        install_reactor(self.base["TWISTED_REACTOR"], self.base["ASYNCIO_EVENT_LOOP"])
        self.process = CrawlerProcess(self.base)
        self.recorder = hold_worker_recorder(self.base, self.worker_id)
        self._loop = LoopingCall(self._tick)
        previous = {s: signal.signal(s, self._signal) for s in (signal.SIGINT, signal.SIGTERM)}
        _reactor().callWhenRunning(self._start)
        self.emit("started", worker=self.worker_id, concurrency=self.concurrency)
        try:
            self.process.start(stop_after_crawl=False, install_signal_handlers=False)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            self._close_recorder()
            self._forget()
        summary = {
            "worker": self.worker_id,
            "captures": self.recorder.stats.get("prov/captures", 0),
            "fetch_failures": self.recorder.stats.get("prov/fetch_failures", 0),
            "write_errors": list(self.recorder.write_errors),
            **{name.split("/", 1)[1]: value for name, value in self.frontier.stats.items()},
            "redis_calls": self.frontier.gate.calls,
        }
        self.emit("stopped", **summary)
        return summary

    def _start(self) -> None:
        self._loop.start(TICK, now=True)

    def _signal(self, _number: int, _frame: FrameType | None) -> None:
        if self.stopping:  # a second signal: stop now, leases expire
            _reactor().callFromThread(_reactor().stop)
            return
        _reactor().callFromThread(self.stop, "signal")

    def stop(self, why: str) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.emit("stopping", why=why, serving=len(self.serving))
        if self._loop.running:
            self._loop.stop()
        if not self.serving:
            _reactor().stop()
            return
        for crawler in list(self.serving.values()):
            deferred_from_coro(crawler.stop_async())

    def _tick(self) -> None:
        try:
            self.frontier.gate.call(self.frontier.leases.heartbeat, self.worker_id)
            active = self.frontier.gate.call(self.frontier.board.active)
            for counts in active:
                self._serve_or_close(counts)
            self._reap(active)
        except FrontierUnavailable as exc:  # stall: the next tick tries again
            logger.debug("worker: %s", exc)
            return
        except Exception as exc:  # the loop must go on: report, try again next tick
            self.emit("error", error=error_line(exc))
            return
        if self.until_idle:
            idle = not self.serving and all(c.drained for c in active)
            self._idle_ticks = self._idle_ticks + 1 if idle else 0
            if self._idle_ticks >= 2:
                self.stop("idle")

    def _serve_or_close(self, counts: CrawlCounts) -> None:
        crawl_id = counts.crawl_id
        if counts.drained and crawl_id in self.wrote_for:
            self.recorder.rollover(crawl_id)  # its WARCs close: readable (uploaded) elsewhere
            self.wrote_for.discard(crawl_id)
        if counts.queued and crawl_id not in self.serving and crawl_id not in self.refused:
            spec = self.frontier.gate.call(self.frontier.board.spec, crawl_id)
            if spec is not None:
                self._serve(spec)

    def _serve(self, spec: CrawlSpec) -> None:
        mine = (database_shown(self.config.database_url), self.config.store_uri)
        if (spec.database, spec.store) != mine:
            self.refused.add(spec.crawl_id)
            self.emit(
                "refused",
                crawl=spec.crawl_id,
                why=f"it indexes into {spec.database} and stores in {spec.store}; this worker "
                f"into {mine[0]} and {mine[1]}",
            )
            return
        settings = load_settings(
            {
                **self.storage,
                **spec.overrides,
                **worker_settings(self.base, spec.crawl_id, self.worker_id, self.concurrency),
            }
        )
        try:
            spider_class = self.process.spider_loader.load(spec.spider)
            crawler = Crawler(spider_class, settings)
            with proxy_environment(spec.proxy):
                done = self.process.crawl(crawler, **spec.args)
        except Exception as exc:  # a crawl this worker cannot run: said once, not retried
            self.refused.add(spec.crawl_id)
            self.emit("refused", crawl=spec.crawl_id, why=error_line(exc))
            return
        self.serving[spec.crawl_id] = crawler
        self.wrote_for.add(spec.crawl_id)
        self.emit("serving", crawl=spec.crawl_id, spider=spec.spider)
        done.addBoth(self._served, spec.crawl_id)

    def _served(self, result: Any, crawl_id: str) -> None:
        crawler = self.serving.pop(crawl_id, None)
        if isinstance(result, Failure):  # said once: a crawl this worker cannot run
            self.refused.add(crawl_id)
            self.emit("error", crawl=crawl_id, error=error_line(result.value or Exception(result)))
        stats = crawler.stats.get_stats() if crawler is not None and crawler.stats else {}
        self.requests += int(stats.get("downloader/request_count", 0))
        self.emit("idle", crawl=crawl_id, requests=stats.get("downloader/request_count", 0))
        if self.stopping and not self.serving:
            _reactor().stop()

    def _reap(self, active: list[CrawlCounts]) -> None:
        timeout = self.frontier.options.lease_timeout
        now = time.monotonic()
        if now < self._next_reap or self.frontier.gate.up_for < timeout:
            return
        self._next_reap = now + timeout / 2
        for counts in active:
            if not counts.in_flight:
                continue
            keys = self.frontier.board.keys(counts.crawl_id)
            moved = self.frontier.gate.call(self.frontier.leases.reap, keys, timeout)
            if moved:
                self.emit("requeued", crawl=counts.crawl_id, requests=moved)

    def _close_recorder(self) -> None:
        if release_recorder(self.worker_id):
            self.recorder.close()  # never raises; with S3 it waits PROV_S3_DRAIN_TIMEOUT

    def _forget(self) -> None:
        try:
            self.frontier.gate.call(self.frontier.leases.forget, self.worker_id)
        except FrontierUnavailable as exc:
            logger.warning("worker: %s", exc)


def _reactor() -> Any:
    """The reactor Scrapy installed (imported late: importing it earlier installs another)."""
    from twisted.internet import reactor

    return reactor
