"""Scrapy download handler for http and https that archives every exchange as it happens.

Each download (including every redirect hop, robots.txt and failed fetches) is handed to the
:class:`~archive.capture.recorder.CaptureRecorder` before Scrapy sees the response, so a capture
never depends on what spiders or middlewares do later.

Limits come from Scrapy's own settings, with archival semantics: a body longer than
``DOWNLOAD_MAXSIZE`` (or ``download_maxsize`` in meta) is cut and stored with
``WARC-Truncated: length``; a download slower than ``DOWNLOAD_TIMEOUT`` is cut and stored
with ``WARC-Truncated: time`` if headers had arrived, or recorded as a failure otherwise. A
URL longer than ``URLLENGTH_LIMIT`` is recorded as a failure without being fetched (Scrapy's
own middleware, which drops it silently, is off).
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any, Self
from urllib.parse import urldefrag, urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import error as tx_error
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP6ClientEndpoint, wrapClientTLS

from archive.capture.exchange import Exchange
from archive.capture.recorder import CaptureRecorder
from archive.egress import EgressRefused, IPAddress
from archive.errors import error_line
from archive.timestamps import utcnow, warc_date
from archive.urls import too_long, without_userinfo
from crawler.download.conditional import META_KEY as PREVIOUS_KEY
from crawler.download.connection import (
    ConnectionPool,
    ExchangeFailed,
    PoolKey,
    RecordingHTTPProtocol,
)
from crawler.download.context import capture_context
from crawler.download.egress import EgressPolicy
from crawler.download.recorder_share import acquire_recorder, release_recorder
from crawler.download.request_bytes import build_request_bytes
from crawler.download.tls import PermissiveTLSCreator, permissive_context

__all__ = ["RecordingDownloadHandler"]

logger = logging.getLogger(__name__)
_PORTS = {"http": 80, "https": 443}


class RecordingDownloadHandler(BaseDownloadHandler):
    lazy = False

    def __init__(
        self,
        crawler: Crawler,
        *,
        recorder: CaptureRecorder,
        default_timeout: float,
        default_maxsize: int,
        max_idle_per_host: int,
        url_limit: int = 0,
        egress: EgressPolicy | None = None,
        worker_crawl: str | None = None,
    ) -> None:
        super().__init__(crawler)
        self.worker_crawl = worker_crawl  # a worker's crawler: the crawl its captures belong to
        self.crawler = crawler
        self.recorder = recorder
        self.default_timeout = default_timeout
        self.default_maxsize = default_maxsize
        self.url_limit = url_limit
        self.pool = ConnectionPool(max_idle_per_host)
        self._tls_context = permissive_context()
        self.egress = egress

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("PROV_ARCHIVE_ENABLED", True):
            raise NotConfigured("PROV_ARCHIVE_ENABLED is off")
        return cls(
            crawler,
            recorder=acquire_recorder(crawler),
            default_timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
            default_maxsize=settings.getint("DOWNLOAD_MAXSIZE"),
            max_idle_per_host=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            url_limit=settings.getint("URLLENGTH_LIMIT"),
            egress=EgressPolicy.from_settings(settings),
            worker_crawl=settings.get("PROV_CRAWL_ID") if settings.get("PROV_WORKER_ID") else None,
        )

    async def download_request(self, request: Request) -> Response:
        url = urldefrag(request.url)[0]
        exchange = Exchange(url, request.method, utcnow(), context=capture_context(request))
        if self.worker_crawl:
            exchange.context["crawl-id"] = self.worker_crawl
        exchange.previous = request.meta.get(PREVIOUS_KEY)
        proxy = request.meta.get("proxy")
        exchange.via_proxy = without_userinfo(proxy) if proxy else None
        refused = too_long(request.url, self.url_limit)
        if refused:  # before any connection: recorded like any failed fetch
            exchange.error = refused
            self.recorder.record(exchange)
            raise IgnoreRequest(refused)
        try:
            address = await self.egress.address_for(url, bool(proxy)) if self.egress else None
            await self._fetch(request, exchange, proxy, address)
        except Exception as exc:
            exchange.error = exchange.error or _describe(exc, url)
            self.recorder.record(exchange)
            raise _scrapy_error(exc, exchange.error) from exc
        self.recorder.record(exchange)
        return _to_response(request, exchange)

    async def _fetch(
        self, request: Request, exchange: Exchange, proxy: str | None, address: IPAddress | None
    ) -> None:
        """ADDRESS: connect there (checked by the egress policy), not to the URL's host."""
        timeout = float(request.meta.get("download_timeout") or self.default_timeout)
        maxsize = int(request.meta.get("download_maxsize", self.default_maxsize))
        parts = urlsplit(request.url)
        scheme = parts.scheme.lower()
        key: PoolKey = (scheme, parts.hostname or "", parts.port or _PORTS[scheme], proxy or "")
        to_proxy = bool(proxy) and scheme == "http"
        origin_bytes = build_request_bytes(request)
        wire_bytes = build_request_bytes(request, to_proxy=True) if to_proxy else origin_bytes
        for attempt in range(2):
            protocol = self.pool.take(key) if attempt == 0 else None
            if protocol is None:
                protocol = await self._connect(key, request, timeout, address)
            try:
                sent = protocol.run(exchange, wire_bytes, origin_bytes, timeout, maxsize)
                await maybe_deferred_to_future(sent)
                return
            except ExchangeFailed as exc:
                if not exc.reused_idle or attempt:
                    raise
                exchange.error = None  # the server dropped an idle connection: retry fresh

    async def _connect(
        self, key: PoolKey, request: Request, timeout: float, address: IPAddress | None
    ) -> RecordingHTTPProtocol:
        from twisted.internet import reactor

        scheme, host, port, proxy = key
        if proxy:
            proxy_parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
            connect_host, connect_port = proxy_parts.hostname or "", proxy_parts.port or 80
        elif address is not None:  # checked by the egress policy: no second lookup
            connect_host, connect_port = str(address), port
        else:
            connect_host, connect_port = host, port
        ipv6 = address is not None and address.version == 6
        endpoint_class = TCP6ClientEndpoint if ipv6 else TCP4ClientEndpoint
        endpoint: Any = endpoint_class(reactor, connect_host, connect_port, timeout=timeout)
        creator: Any = PermissiveTLSCreator(host, self._tls_context)
        if scheme == "https" and not proxy:
            endpoint = wrapClientTLS(creator, endpoint)
        protocol: RecordingHTTPProtocol = await maybe_deferred_to_future(
            endpoint.connect(self.pool.factory(key))
        )
        if scheme == "https" and proxy:
            auth = request.headers.get(b"Proxy-Authorization")
            await maybe_deferred_to_future(protocol.open_tunnel(host, port, auth))
            protocol.start_tls(creator)
        return protocol

    async def close(self) -> None:
        self.pool.close_all()
        if not release_recorder(self.crawler) or self.worker_crawl:
            return  # a worker's recorder is closed by the worker, at its end
        recorder = self.recorder
        recorder.close()  # never raises: its failures are in write_errors and unwritten
        try:
            recorder.index.finish_crawl(
                recorder.crawl_id,
                warc_date(utcnow()),
                "write errors" if recorder.write_errors else "ok",
            )
        except Exception as exc:  # a full disk: the crawl row stays unfinished
            recorder.write_errors.append(f"index write failed: {error_line(exc)}")
        stats = self.crawler.stats
        assert stats is not None
        for name, value in recorder.stats.items():
            stats.set_value(name, value)
        stats.set_value("prov/write_errors", list(recorder.write_errors))
        stats.set_value("prov/unwritten", list(recorder.unwritten))


def _describe(exc: Exception, url: str) -> str:
    host = urlsplit(url).hostname
    if isinstance(exc, tx_error.DNSLookupError):
        return f"DNS lookup failed: no address for {host}"
    if isinstance(exc, tx_error.ConnectionRefusedError):
        return f"connection refused by {host}"
    if isinstance(exc, tx_error.TimeoutError):
        return f"connection to {host} timed out"
    message = str(exc).strip() or type(exc).__name__
    return " ".join(message.split())


def _scrapy_error(exc: Exception, message: str) -> Exception:
    if isinstance(exc, EgressRefused):
        return IgnoreRequest(message)  # recorded; never retried
    if isinstance(exc, tx_error.DNSLookupError):
        return CannotResolveHostError(message)
    if isinstance(exc, tx_error.ConnectionRefusedError):
        return DownloadConnectionRefusedError(message)
    if isinstance(exc, tx_error.TimeoutError) or (
        isinstance(exc, ExchangeFailed) and exc.kind == "timeout"
    ):
        return DownloadTimeoutError(message)
    return DownloadFailedError(message)


def _to_response(request: Request, exchange: Exchange) -> Response:
    parser = exchange.parser
    assert parser is not None
    headers = Headers()
    for name, value in parser.headers:
        if name.lower() != b"transfer-encoding":
            headers.appendlist(name, value)
    body = parser.payload
    flags = [f"truncated:{exchange.truncated}"] if exchange.truncated else []
    response_class = responsetypes.from_args(headers=headers, url=request.url, body=body[:4096])
    ip = None
    if exchange.peer_ip:
        try:
            ip = ipaddress.ip_address(exchange.peer_ip)
        except ValueError:
            ip = None
    return response_class(
        url=request.url,
        status=parser.status,
        headers=headers,
        body=body,
        flags=flags,
        request=request,
        ip_address=ip,
        protocol=parser.version.decode("ascii", "replace"),
    )
