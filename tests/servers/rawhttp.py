"""A scripted HTTP/1.1 server that logs the exact bytes it received and sent.

Each route is a handler `handler(request, writer)`. The writer sends raw bytes, sleeps (noticing
server shutdown and client disconnects) and closes the connection, so a handler can send partial
bodies, stall, or cut a response short. Every byte sent through the writer is logged against the
request that caused it.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from tests.servers.base import TCPService, abort_socket
from tests.servers.wire import (
    POLL_SECONDS,
    READ_SIZE,
    ClientGone,
    Header,
    IncompleteMessage,
    ServerStopping,
    SocketReader,
    body_length,
    has_token,
    header_value,
    parse_head,
    read_message,
    send_all,
)

TLSConfig = tuple[str | Path, str | Path]


@dataclass(frozen=True)
class Request:
    """A parsed request; `raw` holds its exact bytes (head and body)."""

    method: str
    target: str
    version: str
    headers: list[Header]
    body: bytes
    raw: bytes

    @property
    def path(self) -> str:
        """The target without its query (absolute-form targets reduced to their path)."""
        return urlsplit(self.target).path or "/"

    @property
    def query(self) -> str:
        return urlsplit(self.target).query

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)


@dataclass
class Exchange:
    """One request and every byte sent in answer to it."""

    connection_id: int
    request: Request
    sent: bytearray = field(default_factory=bytearray)
    done: threading.Event = field(default_factory=threading.Event)
    error: str | None = None

    @property
    def sent_bytes(self) -> bytes:
        return bytes(self.sent)


class CorpusPage(NamedTuple):
    path: str
    original_url: str | None
    body: bytes


Handler = Callable[[Request, "ResponseWriter"], None]


class _Connection:
    def __init__(self, sock: socket.socket, reader: SocketReader, connection_id: int) -> None:
        self.sock = sock
        self.reader = reader
        self.connection_id = connection_id
        self.closed = False

    def close(self, *, abort: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        if abort:
            abort_socket(self.sock)
            return
        if isinstance(self.sock, ssl.SSLSocket):
            with contextlib.suppress(OSError, ValueError):
                self.sock.settimeout(0.2)
                self.sock.unwrap()  # sends close_notify; the peer's answer is not awaited long
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


class ResponseWriter:
    """What a handler uses to answer: raw sends, stoppable sleeps, deliberate closes."""

    def __init__(self, server: RawHTTPServer, conn: _Connection, exchange: Exchange) -> None:
        self.server = server
        self.exchange = exchange
        self._conn = conn

    @property
    def closed(self) -> bool:
        return self._conn.closed

    @property
    def stopping(self) -> bool:
        return self.server.stopping.is_set()

    def send(self, data: bytes) -> None:
        """Send and log `data`; ClientGone if the peer went away, ServerStopping on stop()."""
        if self._conn.closed:
            raise ClientGone("the connection was already closed")
        send_all(self._conn.sock, data, self.server.stopping, self.exchange.sent)

    def client_gone(self) -> bool:
        """True once the client has closed its side; early request bytes are kept for later."""
        sock = self._conn.sock
        if self._conn.closed or self._conn.reader.eof:
            return True
        try:
            pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
            if not pending and not select.select([sock], [], [], 0)[0]:
                return False
            data = sock.recv(READ_SIZE)
        except TimeoutError:
            return False
        except (OSError, ValueError):
            return True
        if not data:
            self._conn.reader.eof = True
            return True
        self._conn.reader.buffer += data
        return False

    def sleep(self, seconds: float) -> None:
        """Wait; raise ServerStopping on stop() and ClientGone when the client disconnects."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if self.server.stopping.wait(min(0.05, remaining)):
                raise ServerStopping
            if self.client_gone():
                raise ClientGone("client disconnected while the handler waited")

    def close(self, *, abort: bool = False) -> None:
        """Close the connection now (abort=True sends a TCP reset instead of a FIN)."""
        self._conn.close(abort=abort)


def not_found(request: Request, writer: ResponseWriter) -> None:
    body = b"<html><body><h1>404 Not Found</h1></body></html>\n"
    head = (
        f"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    writer.send(head if request.method == "HEAD" else head + body)


def static_route(response: bytes) -> Handler:
    """A handler that sends fixed response bytes (only the head when answering HEAD)."""
    head_end = response.find(b"\r\n\r\n") + 4
    start_line, headers = parse_head(response[:head_end])
    status = int(start_line.split(" ", 2)[1])
    close_delimited = body_length(headers, request_method="GET", status=status) is None

    def handler(request: Request, writer: ResponseWriter) -> None:
        writer.send(response[:head_end] if request.method == "HEAD" else response)
        if close_delimited and request.method != "HEAD":
            writer.close()

    return handler


class RawHTTPServer(TCPService):
    """Threaded HTTP/1.1 server on 127.0.0.1 with scripted routes and byte-exact logs."""

    name = "rawhttp"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: TLSConfig | None = None,
        idle_timeout: float = 30.0,
    ) -> None:
        super().__init__(host=host, port=port)
        self.idle_timeout = idle_timeout
        self.routes: dict[str, Handler] = {}
        self.default_handler: Handler = not_found
        self.corpus: list[CorpusPage] = []
        self.errors: list[str] = []
        self._tls: ssl.SSLContext | None = None
        if tls is not None:
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(str(tls[0]), str(tls[1]))
            self._tls.set_alpn_protocols(["http/1.1"])
        self._exchanges: list[Exchange] = []

    # -- addresses ---------------------------------------------------------------------------
    @property
    def scheme(self) -> str:
        return "https" if self._tls is not None else "http"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.authority}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- routes ------------------------------------------------------------------------------
    def route(self, path: str, handler: Handler | bytes) -> None:
        """Serve `path` (query ignored when matching) with a handler or fixed response bytes."""
        self.routes[path] = static_route(handler) if isinstance(handler, bytes) else handler

    def corpus_pages(self) -> list[CorpusPage]:
        """(path, original_url, file bytes) of every corpus page installed on this server."""
        return list(self.corpus)

    # -- logs --------------------------------------------------------------------------------
    @property
    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def exchanges_for(self, path: str) -> list[Exchange]:
        """Exchanges whose path matches (or whose full target matches, if `path` has a query)."""
        if "?" in path:
            return [e for e in self.exchanges if e.request.target == path]
        return [e for e in self.exchanges if e.request.path == path]

    def sent_for(self, path: str) -> list[bytes]:
        """Exact bytes sent in answer to each request for `path`, oldest first."""
        return [e.sent_bytes for e in self.exchanges_for(path)]

    def received_for(self, path: str) -> list[bytes]:
        """Exact bytes (head and body) of each request for `path`, oldest first."""
        return [e.request.raw for e in self.exchanges_for(path)]

    def clear_log(self) -> None:
        with self._lock:
            self._exchanges.clear()
            self.errors.clear()

    # -- internals ---------------------------------------------------------------------------
    def _handshake(self, sock: socket.socket) -> socket.socket | None:
        assert self._tls is not None
        tls_sock = self._tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        tls_sock.settimeout(POLL_SECONDS)
        deadline = time.monotonic() + 10
        while not self.stopping.is_set() and time.monotonic() < deadline:
            try:
                tls_sock.do_handshake()
                return tls_sock
            except TimeoutError:
                continue
            except (OSError, ValueError):
                break
        tls_sock.close()
        return None

    def handle_connection(self, sock: socket.socket, connection_id: int) -> None:
        if self._tls is not None:
            wrapped = self._handshake(sock)
            if wrapped is None:
                return
            sock = wrapped
            self.track(connection_id, sock)
        reader = SocketReader(sock, self.stopping, self.idle_timeout)
        conn = _Connection(sock, reader, connection_id)
        try:
            while not conn.closed and self._serve_one(conn):
                pass
        except (ClientGone, ServerStopping, IncompleteMessage, TimeoutError, OSError, ValueError):
            pass
        finally:
            conn.close()

    def _serve_one(self, conn: _Connection) -> bool:
        """Answer one request; False when the connection must end."""
        message = read_message(conn.reader)
        if message is None or not message.complete:
            return False
        method, _, rest = message.start_line.partition(" ")
        target, _, version = rest.partition(" ")
        request = Request(method, target, version, message.headers, message.body, message.raw)
        exchange = Exchange(conn.connection_id, request)
        with self._lock:
            self._exchanges.append(exchange)
        writer = ResponseWriter(self, conn, exchange)
        handler = self.routes.get(request.path, self.default_handler)
        try:
            handler(request, writer)
        except (ClientGone, ServerStopping):
            return False
        except Exception as exc:  # a broken handler is reported, never silently swallowed
            exchange.error = f"{type(exc).__name__}: {exc}"
            self.errors.append(f"{request.method} {request.target}: {exchange.error}")
            traceback.print_exc(file=sys.stderr)
            return False
        finally:
            exchange.done.set()
        return not conn.closed and not _must_close(request, exchange.sent_bytes)


def _must_close(request: Request, sent: bytes) -> bool:
    """Whether the connection ends after this exchange (HTTP/1.1 persistence rules)."""
    if has_token(request.headers, "Connection", "close"):
        return True
    if request.version == "HTTP/1.0" and not has_token(request.headers, "Connection", "keep-alive"):
        return True
    head_end = sent.find(b"\r\n\r\n")
    if head_end < 0:
        return True
    start_line, headers = parse_head(sent[: head_end + 4])
    if has_token(headers, "Connection", "close"):
        return True
    if start_line.startswith("HTTP/1.0") and not has_token(headers, "Connection", "keep-alive"):
        return True
    status = int(start_line.split(" ", 2)[1])
    return body_length(headers, request_method=request.method, status=status) is None
