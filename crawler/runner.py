"""Run a crawl in this process and collect what it captured (used by the CLI).

Twisted's reactor cannot be restarted, so one process runs one crawl; the scheduler runs
crawls as separate processes.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.config import Config
from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from archive.index.rows import Capture
from crawler.download.recorder_share import (
    IndexedSink,
    register_indexed_sink,
    unregister_indexed_sink,
)
from crawler.spiders.capture import CaptureSpider

__all__ = ["CrawlOutcome", "load_settings", "proxy_environment", "run_capture", "run_spider"]

ProgressCallback = Callable[[str, str | None], None]


@dataclass
class CrawlOutcome:
    crawl_id: str
    captures: list[Capture]
    seed_errors: dict[str, str]
    write_errors: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    seed_notes: dict[str, str] = field(default_factory=dict)  # warnings: captured all the same
    unwritten: list[dict[str, Any]] = field(default_factory=list)  # url, seed, error, on_disk


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """prov's settings module (``SCRAPY_SETTINGS_MODULE`` or settings.base), then OVERRIDES."""
    settings = Settings()
    settings.setmodule(os.environ.get("SCRAPY_SETTINGS_MODULE", "settings.base"), "project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, "cmdline")
    return settings


@contextmanager
def proxy_environment(proxy: str | None) -> Iterator[None]:
    """Route every request, robots.txt included, through PROXY via Scrapy's HttpProxyMiddleware."""
    if not proxy:
        yield
        return
    saved = {name: os.environ.get(name) for name in ("http_proxy", "https_proxy", "no_proxy")}
    os.environ.update(http_proxy=proxy, https_proxy=proxy, no_proxy="")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
    if given, gets each group of captures as soon as the recorder has indexed it."""
    crawl_id = uuid.uuid4().hex[:16]
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
