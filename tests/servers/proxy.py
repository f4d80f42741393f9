"""An HTTP forward proxy for tests: absolute-form requests and CONNECT tunnels.

A host map sends real-looking host names to local servers, so a crawl of
`http://www.example-news.test/...` reaches a RawHTTPServer on 127.0.0.1. Responses are relayed
byte for byte as they stream (framing is parsed only to know where a response ends).
"""

from __future__ import annotations

import contextlib
import select
import socket
from collections.abc import Mapping
from urllib.parse import urlsplit

from tests.servers.base import TCPService
from tests.servers.wire import (
    READ_SIZE,
    ClientGone,
    IncompleteMessage,
    Message,
    ServerStopping,
    SocketReader,
    has_token,
    read_message,
    send_all,
)

Address = tuple[str, int]
NEWS_HOST = "www.example-news.test"
SOURCE_HOST = "sources.example.test"
TEST_HOSTNAMES = (NEWS_HOST, SOURCE_HOST)
"""Real-looking names the forward_proxy fixture maps to local servers (see conftest_servers)."""
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_HOP_BY_HOP = {b"proxy-connection", b"proxy-authorization"}


def _error(status: str, text: str) -> bytes:
    body = f"prov test proxy: {text}\n".encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


class ForwardProxy(TCPService):
    """Forward proxy on 127.0.0.1:0; `requests` lists every target asked for, in order.

    `host_map` keys are "host:port" or "host" (the first wins); values are (host, port) to
    connect to instead. Unmapped names other than loopback get 502 unless `allow_direct`.
    """

    name = "proxy"

    def __init__(
        self,
        host_map: Mapping[str, Address] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        allow_direct: bool = False,
        connect_timeout: float = 5.0,
        idle_timeout: float = 60.0,
    ) -> None:
        super().__init__(host=host, port=port)
        self.host_map: dict[str, Address] = {k.lower(): v for k, v in (host_map or {}).items()}
        self.allow_direct = allow_direct
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.requests: list[str] = []
        self.entries: list[tuple[str, str]] = []  # (method, target)

    @property
    def url(self) -> str:
        """The proxy URL, for http_proxy/https_proxy or Scrapy's meta["proxy"]."""
        return f"http://{self.authority}"

    base_url = url

    def map_host(self, name: str, address: Address) -> None:
        """Send `name` ("host" or "host:port") to `address` from now on."""
        self.host_map[name.lower()] = address

    def resolve(self, host: str, port: int) -> Address | None:
        host = host.lower().strip("[]")
        mapped = self.host_map.get(f"{host}:{port}") or self.host_map.get(host)
        if mapped is not None:
            return mapped
        if host in _LOOPBACK or self.allow_direct:
            return (host, port)
        return None

    def clear_log(self) -> None:
        self.requests.clear()
        self.entries.clear()

    # -- connections ------------------------------------------------------------------------
    def handle_connection(self, sock: socket.socket, connection_id: int) -> None:
        reader = SocketReader(sock, self.stopping, self.idle_timeout)
        try:
            while True:
                request = read_message(reader)
                if request is None or not request.complete:
                    return
                method, _, rest = request.start_line.partition(" ")
                target = rest.rpartition(" ")[0]
                self.requests.append(target)
                self.entries.append((method, target))
                if method == "CONNECT":
                    self._tunnel(sock, reader, target)
                    return
                if not target.lower().startswith("http://"):
                    self._send(sock, _error("400 Bad Request", "absolute-form http:// only"))
                    return
                if not self._forward(sock, request, method, target):
                    return
        except (ClientGone, ServerStopping, IncompleteMessage, TimeoutError, OSError, ValueError):
            return
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def _send(self, sock: socket.socket, data: bytes) -> None:
        send_all(sock, data, self.stopping)

    def _connect(self, address: Address) -> socket.socket | None:
        try:
            return socket.create_connection(address, timeout=self.connect_timeout)
        except OSError:
            return None

    def _forward(self, client: socket.socket, request: Message, method: str, target: str) -> bool:
        """Relay one absolute-form request; True when the client connection stays usable."""
        parts = urlsplit(target)
        address = self.resolve(parts.hostname or "", parts.port or 80)
        upstream = self._connect(address) if address is not None else None
        if upstream is None:
            self._send(client, _error("502 Bad Gateway", f"cannot reach {parts.netloc}"))
            return True
        origin = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = request.head.split(b"\r\n")
        kept = [
            line for line in lines[1:] if line.split(b":", 1)[0].strip().lower() not in _HOP_BY_HOP
        ]
        version = request.start_line.rpartition(" ")[2]
        head = b"\r\n".join([f"{method} {origin} {version}".encode("latin-1"), *kept])
        try:
            send_all(upstream, head + request.body, self.stopping)
            upstream_reader = SocketReader(upstream, self.stopping, self.idle_timeout)
            relayed = bytearray()

            def relay(piece: bytes) -> None:
                relayed.extend(piece[:1])
                self._send(client, piece)

            try:
                while True:
                    response = read_message(
                        upstream_reader, response_to=method, sink=relay, keep_body=False
                    )
                    if response is None:
                        if not relayed:
                            self._send(client, _error("502 Bad Gateway", "empty reply"))
                        return False
                    if not (100 <= response.status < 200 and response.status != 101):
                        break
            except IncompleteMessage as exc:  # upstream closed mid-head: pass on what came
                if exc.args and exc.args[0]:
                    self._send(client, exc.args[0])
                return False
        finally:
            with contextlib.suppress(OSError):
                upstream.close()
        return (
            response.complete
            and not response.close_delimited
            and not has_token(response.headers, "Connection", "close")
            and not has_token(request.headers, "Connection", "close")
            and not has_token(request.headers, "Proxy-Connection", "close")
        )

    def _tunnel(self, client: socket.socket, reader: SocketReader, authority: str) -> None:
        host, _, port_text = authority.rpartition(":")
        address = self.resolve(host, int(port_text)) if port_text.isdigit() else None
        upstream = self._connect(address) if address is not None else None
        if upstream is None:
            self._send(client, _error("502 Bad Gateway", f"cannot reach {authority}"))
            return
        try:
            self._send(client, b"HTTP/1.1 200 Connection established\r\n\r\n")
            upstream.settimeout(0.1)
            if reader.buffer:
                send_all(upstream, reader.take(len(reader.buffer)), self.stopping)
            self._pump(client, upstream)
        finally:
            with contextlib.suppress(OSError):
                upstream.close()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        """Copy bytes both ways until both sides have closed (half-closes passed on)."""
        peers = {client: upstream, upstream: client}
        open_for_reading = {client, upstream}
        while open_for_reading and not self.stopping.is_set():
            ready, _, _ = select.select(list(open_for_reading), [], [], 0.1)
            for sock in ready:
                try:
                    data = sock.recv(READ_SIZE)
                except TimeoutError:
                    continue
                except OSError:
                    data = b""
                if data:
                    send_all(peers[sock], data, self.stopping)
                    continue
                open_for_reading.discard(sock)
                with contextlib.suppress(OSError):
                    peers[sock].shutdown(socket.SHUT_WR)
