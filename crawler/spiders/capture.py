"""``capture`` spider: capture each given URL now (``scrapy crawl capture -a urls=URL,URL``).

With ``requisites`` it also captures the images, stylesheets, scripts and frames a page
embeds (hop letter E), one level deep.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from twisted.python.failure import Failure

__all__ = ["CaptureSpider"]

_EMBED_XPATH = (
    "//img/@src | //img/@srcset | //script/@src | //link[@rel='stylesheet']/@href"
    " | //link[contains(@rel, 'icon')]/@href | //iframe/@src | //source/@src"
    " | //source/@srcset | //video/@poster | //audio/@src | //embed/@src"
)


class CaptureSpider(Spider):
    name = "capture"

    def __init__(
        self,
        urls: str | list[str] = "",
        requisites: bool | str = False,
        progress: Callable[[str, str | None], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.progress = progress
        self.seed_errors: dict[str, str] = {}
        self.seed_notes: dict[str, str] = {}  # captured, but Scrapy could not decode the body
        self.urls = urls.split(",") if isinstance(urls, str) else list(urls)
        self.urls = [url.strip() for url in self.urls if url.strip()]
        self.requisites = requisites in (True, "1", "true", "yes")

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(
                url,
                callback=self.parse,
                errback=self.failed,
                dont_filter=True,
                meta={"prov_seed": url, "prov_hops": ""},
            )

    def parse(self, response: Response) -> Iterator[Request]:
        if self.progress is not None:
            self.progress(response.meta.get("prov_seed", response.url), None)
        if not self.requisites or not isinstance(response, HtmlResponse):
            return
        seen: set[str] = set()
        for value in response.xpath(_EMBED_XPATH).getall():
            for candidate in value.split(","):
                link = candidate.strip().split(" ")[0]
                if not link or link.startswith(("data:", "javascript:", "#")):
                    continue
                url = response.urljoin(link)
                if url in seen or not url.startswith(("http://", "https://")):
                    continue
                seen.add(url)
                yield Request(
                    url,
                    callback=self.ignore,
                    errback=self.failed,
                    meta={
                        "prov_seed": response.meta.get("prov_seed", response.url),
                        "prov_hops": response.meta.get("prov_hops", "") + "E",
                        "prov_via": response.url,
                    },
                )

    def ignore(self, response: Response) -> None:
        """Embedded resources are captured by the download handler; nothing else to do."""

    def failed(self, failure: Failure) -> None:
        """Fetch failures are in the index already (the download handler recorded them);
        a request refused before download (robots.txt) is noted here for the seed."""
        request = getattr(failure, "request", None)
        message = " ".join(failure.getErrorMessage().split()) or repr(failure.value)
        self.logger.info("fetch failed: %s", message)
        if request is None or request.meta.get("prov_hops"):
            return
        seed = request.meta.get("prov_seed", request.url)
        error = failure.value
        cause = error.__cause__ if isinstance(error, IgnoreRequest) else None
        if isinstance(cause, _DecompressionMaxSizeExceeded):
            # The handler recorded the response as sent (cut at DOWNLOAD_MAXSIZE, if longer:
            # WARC-Truncated: length); only Scrapy's decoding for the spider stopped.
            limit = getattr(cause, "max_size", None) or "DOWNLOAD_MAXSIZE"
            self.seed_notes[seed] = (
                f"decoded, the body is over the size limit ({limit} bytes): archived as sent, "
                "not read by the crawl"
            )
            message = ""
        else:
            self.seed_errors[seed] = message
        if self.progress is not None:
            self.progress(seed, message or None)
