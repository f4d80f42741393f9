"""An HTTP/1.1 client connection that records every byte it sends and receives.

Scrapy's own handler rebuilds responses from Twisted's parsed headers, which loses the raw
header block (case, order, duplicates, hop-by-hop headers). This protocol writes the request
bytes itself and feeds the received bytes, unchanged, to
:class:`archive.http_response.ResponseParser`.
One exchange runs at a time per connection; finished connections go back to
:class:`ConnectionPool` for keep-alive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from time import monotonic
from typing import Any

from twisted.internet import defer
from twisted.internet.protocol import Factory, Protocol, connectionDone
from twisted.python.failure import Failure

from archive.capture.exchange import (
    TRUNCATED_DISCONNECT,
    TRUNCATED_LENGTH,
    TRUNCATED_TIME,
    TRUNCATED_UNSPECIFIED,
    Exchange,
    TLSInfo,
)
from archive.errors import ProvError
from archive.http_response import HTTPParseError, ResponseParser, header_value
from crawler.download.tls import tls_info

__all__ = ["ConnectionPool", "ExchangeFailed", "PoolKey", "RecordingHTTPProtocol", "TunnelFailed"]

logger = logging.getLogger(__name__)

PoolKey = tuple[str, str, int, str]  # scheme, host, port, proxy


class ExchangeFailed(ProvError):
    """No usable response. ``reused_idle`` marks a kept-alive connection that was closed
    by the server before answering, which is safe to retry once."""

    def __init__(self, message: str, *, kind: str, reused_idle: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.reused_idle = reused_idle


class TunnelFailed(ProvError):
    pass


class RecordingHTTPProtocol(Protocol):
    def __init__(self, key: PoolKey, on_idle: Callable[[RecordingHTTPProtocol], None]) -> None:
        self.key = key
        self._on_idle = on_idle
        self.exchange: Exchange | None = None
        self.parser: ResponseParser | None = None
        self.used = 0
        self.peer_ip: str | None = None
        self._deferred: defer.Deferred[Exchange] | None = None
        self._timer: Any = None  # IDelayedCall
        self._max_size = 0
        self._started = 0.0
        self._tunnel: defer.Deferred[None] | None = None
        self._tunnel_buffer = b""
        self._tls_checked = False
        self._tls: TLSInfo | None = None
        self.closed = False

    @property
    def tx(self) -> Any:
        """The transport, untyped: Twisted's zope interfaces do not type-check without a plugin."""
        return self.transport

    # -- connection life ---------------------------------------------------------------
    def connectionMade(self) -> None:
        self.peer_ip = getattr(self.tx.getPeer(), "host", None)

    def open_tunnel(self, host: str, port: int, auth: bytes | None) -> defer.Deferred[None]:
        """Send CONNECT through an HTTP proxy; fires when the proxy answered 200."""
        lines = [f"CONNECT {host}:{port} HTTP/1.1", f"Host: {host}:{port}"]
        request = "\r\n".join(lines).encode("ascii") + b"\r\n"
        if auth:
            request += b"Proxy-Authorization: " + auth + b"\r\n"
        self._tunnel = defer.Deferred()
        self.tx.write(request + b"\r\n")
        return self._tunnel

    def start_tls(self, creator: Any) -> None:
        self.tx.startTLS(creator)

    # -- one exchange ------------------------------------------------------------------
    def run(
        self,
        exchange: Exchange,
        wire_bytes: bytes,
        origin_bytes: bytes,
        timeout: float,
        max_size: int,
    ) -> defer.Deferred[Exchange]:
        """Send ``wire_bytes``; the exchange records ``origin_bytes``, what reaches the origin.

        The two differ only for plain http through a forward proxy (absolute-form target and
        the proxy's own headers on the wire).
        """
        from twisted.internet import reactor

        clock: Any = reactor
        self.used += 1
        self.exchange = exchange
        self.parser = ResponseParser(exchange.method)
        exchange.parser = self.parser
        exchange.peer_ip = self.peer_ip
        exchange.request_bytes = origin_bytes
        self._max_size = max_size
        self._started = monotonic()
        self._deferred = defer.Deferred(lambda _d: self._cancel())
        if timeout > 0:
            self._timer = clock.callLater(timeout, self._time_out, timeout)
        self.tx.write(wire_bytes)
        return self._deferred

    def dataReceived(self, data: bytes) -> None:
        if self._tunnel is not None:
            self._tunnel_data(data)
            return
        parser, exchange = self.parser, self.exchange
        if parser is None or exchange is None:
            self._abort()  # bytes nobody asked for: the connection is not reusable
            return
        if not self._tls_checked:  # the handshake is over once response bytes arrive
            self._tls_checked = True
            self._tls = tls_info(self.tx)
        exchange.tls = self._tls
        try:
            parser.feed(data)
        except HTTPParseError as exc:
            exchange.error = f"bad HTTP response: {exc}"
            if parser.has_head:  # the head is recorded; the body is cut at the bad framing
                exchange.truncated = TRUNCATED_UNSPECIFIED
            self._abort()
            self._finish(failed=ExchangeFailed(exchange.error, kind="protocol"))
            return
        if parser.complete:
            self._finish(reusable=self._keep_alive(parser))
        elif self._max_size and parser.body_bytes_received > self._max_size:
            exchange.truncated = TRUNCATED_LENGTH
            self._abort()
            self._finish()

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.closed = True
        if self._tunnel is not None:
            tunnel, self._tunnel = self._tunnel, None
            tunnel.errback(TunnelFailed(f"proxy closed the connection: {reason.getErrorMessage()}"))
            return
        parser, exchange = self.parser, self.exchange
        if parser is None or exchange is None or self._deferred is None:
            return
        if parser.connection_closed():
            self._finish()
        elif parser.has_head:
            exchange.truncated = TRUNCATED_DISCONNECT
            exchange.error = (
                f"connection closed after {parser.body_bytes_received} bytes of the body"
            )
            self._finish()
        else:
            got = len(parser.wire)
            reused = self.used > 1 and got == 0
            message = (
                "connection closed before a response"
                + (f" ({got} bytes received)" if got else "")
                + f": {reason.getErrorMessage()}"
            )
            exchange.error = message
            self._finish(failed=ExchangeFailed(message, kind="closed", reused_idle=reused))

    # -- internals ---------------------------------------------------------------------
    def _tunnel_data(self, data: bytes) -> None:
        self._tunnel_buffer += data
        if b"\r\n\r\n" not in self._tunnel_buffer:
            return
        head, _, rest = self._tunnel_buffer.partition(b"\r\n\r\n")
        tunnel, self._tunnel = self._tunnel, None
        assert tunnel is not None
        status_line = head.split(b"\r\n", 1)[0]
        parts = status_line.split(b" ", 2)
        if len(parts) >= 2 and parts[1] == b"200" and not rest:
            tunnel.callback(None)
        else:
            self._abort()
            tunnel.errback(TunnelFailed(f"proxy refused CONNECT: {status_line[:200]!r}"))

    @staticmethod
    def _keep_alive(parser: ResponseParser) -> bool:
        connection = (header_value(parser.headers, b"connection") or b"").lower()
        if b"close" in connection:
            return False
        if parser.version == b"HTTP/1.0":
            return b"keep-alive" in connection
        return not parser.leftover

    def _time_out(self, timeout: float) -> None:
        self._timer = None
        exchange, parser = self.exchange, self.parser
        if exchange is None or parser is None:
            return
        if parser.has_head:
            exchange.truncated = TRUNCATED_TIME
            exchange.error = f"download took longer than {timeout:g} s; body cut"
            self._abort()
            self._finish()
        else:
            exchange.error = f"no response within {timeout:g} s"
            self._abort()
            self._finish(failed=ExchangeFailed(exchange.error, kind="timeout"))

    def _cancel(self) -> None:
        if self.exchange is not None and self.exchange.error is None:
            self.exchange.error = "download cancelled"
        self._deferred = None  # a cancelled Deferred has fired already
        self._clear()
        self._abort()

    def _abort(self) -> None:
        if self.transport is not None and not self.closed:
            self.closed = True
            self.tx.abortConnection()

    def _clear(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        self.exchange = None
        self.parser = None

    def _finish(self, reusable: bool = False, failed: ExchangeFailed | None = None) -> None:
        exchange, deferred = self.exchange, self._deferred
        if exchange is None or deferred is None:
            return
        exchange.duration_ms = int((monotonic() - self._started) * 1000)
        self._deferred = None
        self._clear()
        if reusable and not self.closed:
            self._on_idle(self)
        elif not self.closed:
            self.closed = True
            self.tx.loseConnection()
        if failed is not None:
            deferred.errback(failed)
        else:
            deferred.callback(exchange)


class _ProtocolFactory(Factory):
    def __init__(self, key: PoolKey, on_idle: Callable[[RecordingHTTPProtocol], None]) -> None:
        self.key = key
        self.on_idle = on_idle

    def buildProtocol(self, addr: Any) -> RecordingHTTPProtocol:
        protocol = RecordingHTTPProtocol(self.key, self.on_idle)
        protocol.factory = self
        return protocol


class ConnectionPool:
    """Idle keep-alive connections by (scheme, host, port, proxy)."""

    def __init__(self, max_idle_per_key: int = 8) -> None:
        self.max_idle_per_key = max_idle_per_key
        self._idle: dict[PoolKey, list[RecordingHTTPProtocol]] = {}

    def factory(self, key: PoolKey) -> _ProtocolFactory:
        return _ProtocolFactory(key, self.put)

    def take(self, key: PoolKey) -> RecordingHTTPProtocol | None:
        idle = self._idle.get(key, [])
        while idle:
            protocol = idle.pop()
            if not protocol.closed:
                return protocol
        return None

    def put(self, protocol: RecordingHTTPProtocol) -> None:
        idle = self._idle.setdefault(protocol.key, [])
        if len(idle) >= self.max_idle_per_key:
            protocol.closed = True
            if protocol.transport is not None:
                protocol.tx.loseConnection()
            return
        idle.append(protocol)

    def close_all(self) -> None:
        for idle in self._idle.values():
            for protocol in idle:
                if protocol.transport is not None and not protocol.closed:
                    protocol.closed = True
                    protocol.tx.loseConnection()
        self._idle.clear()
