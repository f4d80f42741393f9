"""The Scrapy settings that put a crawler on one side of a crawl on the shared frontier."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings

__all__ = ["submit_settings", "worker_settings"]

SCHEDULER = "crawler.frontier.scheduler.FrontierScheduler"


def submit_settings(crawl_id: str) -> dict[str, Any]:
    """The submitting command's crawler: it pushes the seeds and downloads nothing."""
    return {
        "SCHEDULER": SCHEDULER,
        "PROV_FRONTIER_ROLE": "submit",
        "PROV_CRAWL_ID": crawl_id,
        "PROV_ARCHIVE_ENABLED": False,
    }


def worker_settings(
    base: Settings, crawl_id: str, worker_id: str, concurrency: int
) -> dict[str, Any]:
    """A worker's crawler for one crawl: leased pops, shared robots.txt and politeness, and
    the worker's recorder (its crawl's captures carry the crawl's id)."""
    downloader = dict(base.getdict("DOWNLOADER_MIDDLEWARES"))
    downloader.update(
        {
            "crawler.download.robots_once.RobotsTxtOnceMiddleware": None,
            "crawler.frontier.robots.SharedRobotsTxtMiddleware": 100,
            "crawler.frontier.politeness.HostPolitenessMiddleware": 960,  # last before download
        }
    )
    spider = dict(base.getdict("SPIDER_MIDDLEWARES"))
    spider["crawler.frontier.spidermw.FrontierSpiderMiddleware"] = 1  # outermost
    return {
        "SCHEDULER": SCHEDULER,
        "PROV_FRONTIER_ROLE": "worker",
        "PROV_CRAWL_ID": crawl_id,
        "PROV_WORKER_ID": worker_id,
        "PROV_WORKER_CONCURRENCY": concurrency,
        "CONCURRENT_REQUESTS": concurrency,
        "DOWNLOADER_MIDDLEWARES": downloader,
        "SPIDER_MIDDLEWARES": spider,
    }
