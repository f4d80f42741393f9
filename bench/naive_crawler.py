"""The naive peer: Scrapy + warcio + trafilatura, as a user would first put them together.

    python bench/naive_crawler.py URLS.txt --warc OUT.warc.gz --texts OUT.jsonl [--no-robots]

One process: Scrapy fetches the URL list with prov's settings module minus prov's components
(as ``bare_spider.py`` does: same concurrency, robots.txt, timeouts and user agent, Scrapy's
stock download handler). A downloader middleware rebuilds a WARC ``request`` and ``response``
record pair from each Scrapy ``Response`` with warcio's ``WARCWriter`` (gzip, its defaults),
and the spider's callback calls ``trafilatura.extract()`` with its default options on the page
and writes the text as one JSON line. At the end it prints one JSON line on stdout:
``{"pages": N, "status_200": M, "texts": T}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import trafilatura
from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bare_spider import bare_settings

_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


class WarcioMiddleware:
    """Writes each response Scrapy hands back, and the request for it, with warcio."""

    writer: WARCWriter | None = None

    def process_response(self, request: Request, response: Response) -> Response:
        assert self.writer is not None
        status = f"{response.status} {_REASONS.get(response.status, 'OK')}"
        http_headers = StatusAndHeaders(status, _header_pairs(response.headers), "HTTP/1.1")
        record = self.writer.create_warc_record(
            response.url, "response", payload=BytesIO(response.body), http_headers=http_headers
        )
        split = urlsplit(request.url)
        target = split.path + (f"?{split.query}" if split.query else "")
        request_headers = StatusAndHeaders(
            f"{request.method} {target or '/'} HTTP/1.1",
            [("Host", split.netloc), *_header_pairs(request.headers)],
            is_http_request=True,
        )
        request_record = self.writer.create_warc_record(
            request.url, "request", payload=BytesIO(request.body), http_headers=request_headers
        )
        self.writer.write_request_response_pair(request_record, record)
        return response


class NaiveSpider(Spider):
    name = "naive"

    def __init__(self, urls: list[str], texts: IO[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.texts_out = texts
        self.pages = self.status_200 = self.texts = 0

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response) -> None:
        self.pages += 1
        self.status_200 += response.status == 200
        if not isinstance(response, TextResponse):
            return
        text = trafilatura.extract(response.text)
        if text:
            self.texts += 1
        self.texts_out.write(json.dumps({"url": response.url, "text": text}) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls_file", type=Path)
    parser.add_argument("--warc", type=Path, required=True, help="WARC file to write")
    parser.add_argument("--texts", type=Path, required=True, help="JSON lines of texts to write")
    parser.add_argument("--no-robots", action="store_true", help="do not fetch robots.txt")
    args = parser.parse_args(argv)
    urls = [line.strip() for line in args.urls_file.read_text().splitlines() if line.strip()]
    settings = bare_settings(obey_robots=not args.no_robots)
    settings.set("DOWNLOADER_MIDDLEWARES", {f"{__name__}.WarcioMiddleware": 950}, "cmdline")
    with args.warc.open("wb") as warc, args.texts.open("w", encoding="utf-8") as texts:
        WarcioMiddleware.writer = WARCWriter(warc, gzip=True)
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(NaiveSpider)
        process.crawl(crawler, urls=urls, texts=texts)
        process.start()
    spider = crawler.spider
    assert isinstance(spider, NaiveSpider)
    counts = {"pages": spider.pages, "status_200": spider.status_200, "texts": spider.texts}
    sys.stdout.write(json.dumps(counts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
