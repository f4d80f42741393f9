"""Re-captures that cost little: conditional requests built from the previous capture.

For each GET, the newest complete 200 capture of the same URL is looked up in the index (on a
thread, off the reactor), unless the set of SURT keys with captures, read once per crawl,
says there is none (a URL first captured during this crawl is therefore fetched in full).
Its ``ETag`` and ``Last-Modified`` become ``If-None-Match`` and
``If-Modified-Since``, and the capture itself goes to the download handler in
``request.meta["prov_previous"]``, so that a 304 or an identical payload is stored as a revisit
record referring to it. Switched off by ``PROV_CONDITIONAL_REQUESTS = False``. The robots.txt
fetch of Scrapy's robots middleware is always unconditional: its rules are read from the body
(a 304 has none, and would let every URL through).
"""

from __future__ import annotations

from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from archive.index.rows import PreviousCapture
from archive.surts import surt_of
from crawler.settings_config import config_from_settings

__all__ = ["META_KEY", "ConditionalRequestMiddleware"]

META_KEY = "prov_previous"
_VALIDATORS = (b"If-None-Match", b"If-Modified-Since")


KNOWN_SURTS_LIMIT = 2_000_000  # above this many, ask the index for every URL instead


class ConditionalRequestMiddleware:
    def __init__(self, index: CaptureIndex) -> None:
        self.index = index
        self._known: set[str] | None = None  # SURTs with a capture, read once per crawl
        self._known_loaded = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("PROV_CONDITIONAL_REQUESTS", True):
            raise NotConfigured("PROV_CONDITIONAL_REQUESTS is off")
        config = config_from_settings(crawler.settings)
        return cls(CaptureIndex(open_engine(config.database_url)))

    async def process_request(self, request: Request) -> None:
        # meta and headers are copied to redirected requests: decide afresh for every URL
        request.meta.pop(META_KEY, None)
        for name in _VALIDATORS:
            request.headers.pop(name, None)
        if request.method != "GET" or request.meta.get("prov_unconditional"):
            return
        if request.meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == (
            "/robots.txt"
        ):
            return  # the robots.txt rules come from its body: a 304 has none
        if not self._known_loaded:
            self._known = await maybe_deferred_to_future(
                deferToThread(self.index.revisitable_surts, KNOWN_SURTS_LIMIT)
            )
            self._known_loaded = True
        if self._known is not None and surt_of(request.url) not in self._known:
            return  # never captured before: nothing to revisit, no query
        previous: PreviousCapture | None = await maybe_deferred_to_future(
            deferToThread(self.index.previous_capture, request.url)
        )
        if previous is None:
            return
        request.meta[META_KEY] = previous
        if previous.etag:
            request.headers[b"If-None-Match"] = previous.etag.encode("latin-1")
        if previous.last_modified:
            request.headers[b"If-Modified-Since"] = previous.last_modified.encode("latin-1")
