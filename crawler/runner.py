"""Run a crawl in this process and collect what it captured (used by the CLI).

Twisted's reactor cannot be restarted, so one process runs one crawl; the scheduler runs
crawls as separate processes. With ``PROV_REDIS_URL`` a crawl is submitted to the shared
frontier and fetched by ``prov worker`` processes.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess

from archive.config import Config
from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from crawler.download.recorder_share import (
    IndexedSink,
    register_indexed_sink,
    unregister_indexed_sink,
)
from crawler.outcome import CrawlOutcome
from crawler.settings_config import load_settings, proxy_environment
from crawler.spiders.capture import CaptureSpider

__all__ = ["CrawlOutcome", "load_settings", "proxy_environment", "run_capture", "run_spider"]

ProgressCallback = Callable[[str, str | None], None]


def run_spider(
    spider_class: type[Spider],
    config: Config,
    spider_args: dict[str, Any],
    *,
    proxy: str | None = None,
    overrides: dict[str, Any] | None = None,
    indexed: IndexedSink | None = None,
) -> CrawlOutcome:
    """Run one spider to its end in this process; the captures come from the index. INDEXED,
    if given, gets each group of captures as soon as the recorder has indexed it. With
    ``PROV_REDIS_URL`` the crawl runs on the shared frontier's workers instead, and this
    returns once they drained it (:mod:`crawler.frontier.submit`); INDEXED then gets all the
    captures the workers indexed for the crawl at its end."""
    if config.frontier is not None:
        from crawler.frontier.submit import run_on_frontier

        outcome = run_on_frontier(
            spider_class,
            config,
            spider_args,
            proxy=proxy,
            overrides=overrides,
            notice=_warn,
        )
        if indexed is not None and outcome.captures:
            indexed(outcome.captures)
        return outcome
    crawl_id = config.new_crawl_id()
    settings = load_settings(
        {
            "PROV_CRAWL_ID": crawl_id,
            "PROV_HOME": str(config.home),
            "PROV_STORE": config.store_uri,
            "PROV_DATABASE_URL": config.database_url,
            **(overrides or {}),
        }
    )
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL", "WARNING"))
    if indexed is not None:
        register_indexed_sink(crawl_id, indexed)
    try:
        with proxy_environment(proxy):
            settings.set("LOG_INSTALL_ROOT_HANDLER", False, "cmdline")
            process = CrawlerProcess(settings)
            crawler = process.create_crawler(spider_class)
            process.crawl(crawler, **spider_args)
            process.start()
    finally:
        unregister_indexed_sink(crawl_id)
    spider = crawler.spider
    seed_errors: dict[str, str] = dict(getattr(spider, "seed_errors", {}))
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    index = CaptureIndex(open_engine(config.database_url))
    return CrawlOutcome(
        crawl_id,
        index.for_crawl(crawl_id),
        seed_errors,
        list(stats.get("prov/write_errors", [])),
        stats,
        dict(getattr(spider, "seed_notes", {})),
        list(stats.get("prov/unwritten", [])),
    )


def _warn(message: str) -> None:
    sys.stderr.write(f"prov: warning: {message}\n")
    sys.stderr.flush()


def run_capture(
    urls: list[str],
    config: Config,
    *,
    requisites: bool = False,
    proxy: str | None = None,
    overrides: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
    indexed: IndexedSink | None = None,
) -> CrawlOutcome:
    args = {"urls": urls, "requisites": requisites, "progress": progress}
    return run_spider(
        CaptureSpider, config, args, proxy=proxy, overrides=overrides, indexed=indexed
    )
