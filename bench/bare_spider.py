"""Bare Scrapy baseline: fetch a list of URLs with prov's settings and Scrapy's stock handler.

    python bench/bare_spider.py URLS.txt [--no-robots] [--no-parse]

Loads the same settings module prov uses (``SCRAPY_SETTINGS_MODULE``, default
``settings.base``: CONCURRENT_REQUESTS, CONCURRENT_REQUESTS_PER_DOMAIN, ROBOTSTXT_OBEY,
DOWNLOAD_TIMEOUT, DOWNLOAD_MAXSIZE, RETRY_TIMES, USER_AGENT ...), then drops prov's own
components (download handlers, middlewares, extensions, pipelines: Scrapy's stock ones remain,
``HTTP11DownloadHandler`` among them), parses the <title> of each page and writes nothing.
At the end it prints one JSON line on stdout: ``{"pages": N, "status_200": M, "titles": T}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings


class BareSpider(Spider):
    name = "bare"

    def __init__(self, urls: list[str], parse_pages: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.parse_pages = parse_pages
        self.pages = 0
        self.status_200 = 0
        self.titles = 0

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response) -> None:
        self.pages += 1
        if response.status == 200:
            self.status_200 += 1
        if self.parse_pages and response.css("title::text").get() is not None:
            self.titles += 1


# prov's own components: bare Scrapy runs with Scrapy's stock ones only (the *_BASE settings)
COMPONENT_SETTINGS = (
    "DOWNLOAD_HANDLERS",  # {} -> Scrapy's stock HTTP11DownloadHandler
    "DOWNLOADER_MIDDLEWARES",
    "SPIDER_MIDDLEWARES",
    "EXTENSIONS",
    "ITEM_PIPELINES",
    "ADDONS",
)


def bare_settings(obey_robots: bool) -> Settings:
    """prov's settings (concurrency, timeouts, sizes, retries, user agent) minus prov's code."""
    settings = Settings()
    settings.setmodule(os.environ.get("SCRAPY_SETTINGS_MODULE", "settings.base"), "project")
    for name in COMPONENT_SETTINGS:
        settings.set(name, {}, "cmdline")
    settings.set("ROBOTSTXT_OBEY", obey_robots, "cmdline")
    settings.set("SPIDER_MODULES", [], "cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls_file", type=Path)
    parser.add_argument("--no-robots", action="store_true", help="do not fetch robots.txt")
    parser.add_argument("--no-parse", action="store_true", help="skip the <title> parse")
    args = parser.parse_args(argv)
    urls = [line.strip() for line in args.urls_file.read_text().splitlines() if line.strip()]
    process = CrawlerProcess(bare_settings(obey_robots=not args.no_robots))
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls, parse_pages=not args.no_parse)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, BareSpider)
    result = {"pages": spider.pages, "status_200": spider.status_200, "titles": spider.titles}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
