"""The submitting side of a crawl on the shared frontier (``PROV_REDIS_URL`` set).

``prov archive``, ``prov crawl`` and watch runs call :func:`run_on_frontier` instead of
crawling here. It registers the crawl (the spider, its arguments, the Scrapy settings the
command set, the proxy, where captures are indexed and stored), runs the spider once in the
``submit`` role so its seeds go through scrapy-redis's dupefilter into the crawl's queue, and
waits while workers fetch, until the crawl is drained: every seed pushed, nothing queued,
nothing in flight. Then it waits (up to ``PROV_FRONTIER_FILES_TIMEOUT``) until the WARC files
of the crawl's captures can be read here (workers close theirs when a crawl drains; with S3
they upload them), marks the crawl finished and returns its outcome: the command goes on with
its after-crawl stage (texts, claims, change checks), once. Ctrl-C or SIGTERM while it waits
cancels the crawl (its queue is dropped; workers finish what they hold).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from sqlalchemy.engine import make_url

from archive.config import Config
from archive.errors import ProvError
from archive.frontier.client import FrontierUnavailable
from archive.frontier.crawls import CrawlCounts, CrawlSpec
from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from archive.store import open_store
from archive.store.base import StoreError
from archive.timestamps import utcnow, warc_date
from crawler.frontier.process import FrontierProcess, frontier_process
from crawler.frontier.roles import submit_settings
from crawler.outcome import CrawlOutcome
from crawler.settings_config import load_settings, proxy_environment
from crawler.sigterm import sigterm_raises

__all__ = ["CrawlLost", "database_shown", "run_on_frontier", "spec_overrides"]

logger = logging.getLogger(__name__)
POLL = 0.2
NO_WORKER_NOTICE = 10.0  # seconds without any worker before saying so
_STORAGE = ("PROV_HOME", "PROV_STORE", "PROV_DATABASE_URL", "PROV_REDIS_URL")
_NOT_FOR_WORKERS = ("urls", "progress", "extract")  # seeds are pushed; callbacks stay here


class CrawlLost(ProvError):
    """The crawl was cancelled, or its state is gone from Redis; the message says which."""


class _Terminated(ProvError):
    """SIGTERM arrived while the command waited for its crawl."""


def database_shown(url: str) -> str:
    """The database URL without its password (how crawls and workers compare theirs)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: compare it as given, minus userinfo
        scheme, _, rest = url.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"


def spec_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """The settings a worker applies to the crawl's crawler (its own storage settings stay)."""
    return {
        name: value
        for name, value in overrides.items()
        if name not in _STORAGE and not name.startswith("PROV_S3_")
    }


def run_on_frontier(
    spider_class: type[Spider],
    config: Config,
    spider_args: dict[str, Any],
    *,
    proxy: str | None = None,
    overrides: dict[str, Any] | None = None,
    notice: Callable[[str], None] = logger.warning,
) -> CrawlOutcome:
    """Submit the crawl, wait until workers drained it, return what it captured."""
    assert config.frontier is not None
    crawl_id = config.new_crawl_id()
    storage = {
        "PROV_HOME": str(config.home),
        "PROV_STORE": config.store_uri,
        "PROV_DATABASE_URL": config.database_url,
        "PROV_REDIS_URL": config.frontier.url,
    }
    settings = load_settings({**storage, **(overrides or {}), **submit_settings(crawl_id)})
    frontier = frontier_process(settings, config)
    index = CaptureIndex(open_engine(config.database_url))
    spec = CrawlSpec(
        crawl_id,
        spider_class.name,
        {k: v for k, v in spider_args.items() if k not in _NOT_FOR_WORKERS},
        spec_overrides(overrides or {}),
        proxy,
        database_shown(config.database_url),
        config.store_uri,
    )
    now = utcnow()
    index.start_crawl(crawl_id, spider_class.name, warc_date(now), "[]")
    frontier.gate.call(frontier.board.register, spec, warc_date(now), now.timestamp())
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL", "WARNING"))
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, "cmdline")
    try:
        with proxy_environment(proxy):
            process = CrawlerProcess(settings)
            crawler = process.create_crawler(spider_class)
            process.crawl(crawler, **spider_args)
            process.start()
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        if stats.get("finish_reason") == "shutdown":
            raise _Terminated
        frontier.gate.call(frontier.board.seeded, crawl_id)
        with sigterm_raises(_Terminated):
            progress = _Progress(spider_args.get("progress"), len(spider_args.get("urls") or []))
            counts = _wait_drained(frontier, crawl_id, notice, progress)
    except (KeyboardInterrupt, _Terminated):
        _end(frontier, crawl_id, "cancelled", index)
        raise KeyboardInterrupt from None
    except CrawlLost:
        index.finish_crawl(crawl_id, warc_date(utcnow()), "cancelled")
        raise
    _wait_files(config, index, crawl_id, notice)
    seed_errors, seed_notes, unwritten = frontier.gate.call(frontier.board.report, crawl_id)
    _end(frontier, crawl_id, "finished", index)
    return CrawlOutcome(
        crawl_id,
        index.for_crawl(crawl_id),
        seed_errors,
        list(dict.fromkeys(str(entry.get("error")) for entry in unwritten)),
        {"prov/crawl_id": crawl_id, "frontier/done": counts.done, "frontier/failed": counts.failed},
        seed_notes,
        unwritten,
    )


class _Progress:
    """Advances a command's progress bar (one step a seed) as requests are done."""

    def __init__(self, callback: Callable[[str, str | None], None] | None, steps: int) -> None:
        self.callback = callback
        self.steps = steps
        self.shown = 0

    def __call__(self, counts: CrawlCounts) -> None:
        if self.callback is None:
            return
        while self.shown < min(self.steps, counts.done + counts.failed):
            self.callback("", None)
            self.shown += 1


def _wait_drained(
    frontier: FrontierProcess,
    crawl_id: str,
    notice: Callable[[str], None],
    progress: Callable[[CrawlCounts], None],
) -> CrawlCounts:
    started = time.monotonic()
    outage = said_no_worker = False
    while True:
        try:
            found = frontier.gate.call(frontier.board.counts, [crawl_id])
            workers = None
            if not said_no_worker and time.monotonic() - started > NO_WORKER_NOTICE:
                within = frontier.options.lease_timeout
                workers = frontier.gate.call(frontier.leases.workers, within)
        except FrontierUnavailable as exc:
            if not outage:
                notice(f"{exc}; crawl {crawl_id} waits for it")
                outage = True
            time.sleep(POLL)
            continue
        if outage:
            notice(f"Redis answers again; crawl {crawl_id} goes on")
            outage = False
        if not found:
            raise CrawlLost(
                f"crawl {crawl_id} is gone from Redis at {frontier.options.shown} (was Redis "
                "restarted without persistence? see README, PostgreSQL and Redis)"
            )
        counts = found[0]
        progress(counts)
        if counts.state == "cancelled":
            raise CrawlLost(f"crawl {crawl_id} was cancelled (prov crawls --cancel)")
        if counts.drained:
            return counts
        if workers == []:
            notice(
                f"no prov worker has been heard from in {frontier.options.lease_timeout:g} s: "
                f"crawl {crawl_id} waits for one (start prov worker with the same "
                "PROV_REDIS_URL, PROV_DATABASE_URL and PROV_STORE)"
            )
            said_no_worker = True
        time.sleep(POLL)


def _wait_files(
    config: Config, index: CaptureIndex, crawl_id: str, notice: Callable[[str], None]
) -> None:
    """Wait until every WARC file holding a capture of the crawl can be read here."""
    assert config.frontier is not None
    store = open_store(config)
    uris = {c.warc for c in index.for_crawl(crawl_id) if c.warc}
    deadline = time.monotonic() + config.frontier.files_timeout
    while True:
        missing = sorted(uri for uri in uris if not _readable(store, uri))
        if not missing or time.monotonic() >= deadline:
            break
        uris = set(missing)
        time.sleep(0.5)
    if missing:
        names = ", ".join(uri.rsplit("/", 1)[-1] for uri in missing[:3])
        notice(
            f"{len(missing)} WARC files of crawl {crawl_id} cannot be read here after "
            f"PROV_FRONTIER_FILES_TIMEOUT={config.frontier.files_timeout:g} s ({names}...): "
            "the text of their captures waits for prov reextract"
        )


def _readable(store: Any, uri: str) -> bool:
    try:
        store.read_range(uri, 0, 2)
    except (StoreError, OSError):
        return False
    return True


def _end(frontier: FrontierProcess, crawl_id: str, state: str, index: CaptureIndex) -> None:
    now = warc_date(utcnow())
    index.finish_crawl(crawl_id, now, "ok" if state == "finished" else state)
    keep = frontier.options.keep
    for _ in range(50):
        try:
            frontier.gate.call(frontier.board.end, crawl_id, state, now, keep)
            return
        except FrontierUnavailable:
            time.sleep(POLL)
    logger.error("frontier: could not mark crawl %s %s in Redis", crawl_id, state)
