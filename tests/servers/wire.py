"""Wire-level HTTP/1.1 helpers shared by the test servers, the proxy and the tests' raw clients.

Everything here works on exact bytes: a message is read with its framing (Content-Length,
chunked with extensions and trailers, or close-delimited) and handed back byte for byte, so a
test can compare what a client received with what a server logged as sent.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass

Header = tuple[str, str]
Sink = Callable[[bytes], None]

POLL_SECONDS = 0.1
MAX_HEAD_BYTES = 256 * 1024
READ_SIZE = 65536


class ClientGone(Exception):
    """The peer closed or reset the connection."""


class ServerStopping(Exception):
    """The server is shutting down; handlers unwind with this exception."""


class IncompleteMessage(Exception):
    """The peer closed the connection before a complete message head arrived."""


def parse_head(head: bytes) -> tuple[str, list[Header]]:
    """Split a message head into its start line and (name, value) headers, names as sent."""
    lines = [line.rstrip("\r") for line in head.decode("latin-1").split("\n")]
    headers: list[Header] = []
    for line in lines[1:]:
        if not line:
            continue
        if line[0] in " \t" and headers:  # obsolete line folding
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise ValueError(f"malformed header line: {line!r}")
        headers.append((name, value.strip(" \t")))
    return lines[0], headers


def header_values(headers: list[Header], name: str) -> list[str]:
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def header_value(headers: list[Header], name: str) -> str | None:
    values = header_values(headers, name)
    return values[0] if values else None


def has_token(headers: list[Header], name: str, token: str) -> bool:
    """True when a comma-separated header (Connection, Transfer-Encoding) carries `token`."""
    values = header_values(headers, name)
    tokens = {part.strip().lower() for value in values for part in value.split(",")}
    return token.lower() in tokens


def dechunk(body: bytes) -> bytes:
    """Remove chunked transfer framing (extensions and trailers ignored); tolerant of truncation."""
    out = bytearray()
    pos = 0
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            break
        size = int(body[pos:end].split(b";", 1)[0].strip(), 16)
        if size == 0:
            break
        out += body[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2
    return bytes(out)


class SocketReader:
    """Buffered reads from a plain or TLS socket that poll a stop event between short waits."""

    def __init__(
        self,
        sock: socket.socket,
        stop: threading.Event | None = None,
        idle_timeout: float = 60.0,
    ) -> None:
        self.sock = sock
        self.stop = stop
        self.idle_timeout = idle_timeout
        self.buffer = bytearray()
        self.eof = False
        sock.settimeout(POLL_SECONDS)

    def fill(self) -> bool:
        """Append whatever arrives next to the buffer; False once the peer has closed."""
        if self.eof:
            return False
        waited = 0.0
        while True:
            if self.stop is not None and self.stop.is_set():
                raise ServerStopping
            try:
                data = self.sock.recv(READ_SIZE)
            except TimeoutError:
                waited += POLL_SECONDS
                if waited >= self.idle_timeout:
                    raise
                continue
            except (ConnectionError, ssl.SSLEOFError, ssl.SSLZeroReturnError):
                data = b""
            if not data:
                self.eof = True
                return False
            self.buffer += data
            return True

    def take(self, n: int) -> bytes:
        piece = bytes(self.buffer[:n])
        del self.buffer[:n]
        return piece

    def read_until(self, delimiter: bytes, limit: int = MAX_HEAD_BYTES) -> bytes:
        """Bytes up to and including `delimiter`; IncompleteMessage if the peer closes first."""
        start = 0
        while True:
            index = self.buffer.find(delimiter, start)
            if index >= 0:
                return self.take(index + len(delimiter))
            if len(self.buffer) > limit:
                raise ValueError(f"no {delimiter!r} within {limit} bytes")
            start = max(0, len(self.buffer) - len(delimiter) + 1)
            if not self.fill():
                raise IncompleteMessage(bytes(self.buffer))

    def stream(self, n: int | None, sink: Sink) -> bool:
        """Pass `n` bytes (or everything until EOF when n is None) to sink; False if cut short."""
        remaining = n
        while remaining is None or remaining > 0:
            if not self.buffer and not self.fill():
                return remaining is None
            size = len(self.buffer) if remaining is None else min(remaining, len(self.buffer))
            sink(self.take(size))
            if remaining is not None:
                remaining -= size
        return True


@dataclass
class Message:
    """One HTTP message exactly as it crossed the wire."""

    start_line: str
    headers: list[Header]
    head: bytes
    body: bytes
    complete: bool
    close_delimited: bool

    @property
    def raw(self) -> bytes:
        return self.head + self.body

    @property
    def version(self) -> str:
        first = self.start_line.split(" ", 1)[0]
        return first if first.startswith("HTTP/") else self.start_line.rsplit(" ", 1)[-1]

    @property
    def status(self) -> int:
        """Status code (responses only)."""
        return int(self.start_line.split(" ", 2)[1])

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    @property
    def chunked(self) -> bool:
        return has_token(self.headers, "Transfer-Encoding", "chunked")

    def payload(self) -> bytes:
        """The body with transfer framing removed (content encoding left as sent)."""
        return dechunk(self.body) if self.chunked else self.body


def body_length(
    headers: list[Header], *, request_method: str | None, status: int | None
) -> int | str | None:
    """Framing of a body: a byte count, "chunked", or None for close-delimited (responses)."""
    if status is not None and (
        request_method == "HEAD"
        or 100 <= status < 200
        or status in (204, 304)
        or (request_method == "CONNECT" and 200 <= status < 300)
    ):
        return 0
    if has_token(headers, "Transfer-Encoding", "chunked"):
        return "chunked"
    length = header_value(headers, "Content-Length")
    if length is not None:
        return int(length.split(",")[0].strip())
    return 0 if status is None else None


def read_message(
    reader: SocketReader,
    *,
    response_to: str | None = None,
    sink: Sink | None = None,
    keep_body: bool = True,
) -> Message | None:
    """Read one request (response_to=None) or one response to a `response_to` request.

    Returns None when the peer closed cleanly before sending anything. Each raw piece is also
    passed to `sink` as it is read, so a proxy can relay a response while it streams.
    """
    while reader.buffer[:2] == b"\r\n" and response_to is None:  # stray CRLF between requests
        del reader.buffer[:2]
    if not reader.buffer and not reader.fill():
        return None
    head = reader.read_until(b"\r\n\r\n")
    start_line, headers = parse_head(head)
    status = int(start_line.split(" ", 2)[1]) if response_to is not None else None
    parts: list[bytes] = []

    def consume(piece: bytes) -> None:
        if keep_body:
            parts.append(piece)
        if sink is not None:
            sink(piece)

    if sink is not None:
        sink(head)
    framing = body_length(headers, request_method=response_to, status=status)
    complete = True
    if framing == "chunked":
        complete = _read_chunked(reader, consume)
    elif isinstance(framing, int):
        complete = reader.stream(framing, consume)
    else:
        reader.stream(None, consume)
    return Message(start_line, headers, head, b"".join(parts), complete, framing is None)


def _read_chunked(reader: SocketReader, consume: Sink) -> bool:
    try:
        while True:
            line = reader.read_until(b"\r\n")
            consume(line)
            size = int(line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                while True:
                    trailer = reader.read_until(b"\r\n")
                    consume(trailer)
                    if trailer == b"\r\n":
                        return True
            if not reader.stream(size + 2, consume):
                return False
    except IncompleteMessage as exc:
        if exc.args and exc.args[0]:
            consume(reader.take(len(reader.buffer)))
        return False


def read_response(sock: socket.socket, method: str = "GET", timeout: float = 10.0) -> Message:
    """Client helper: read one complete response from `sock` (for tests using raw sockets)."""
    previous_timeout = sock.gettimeout()
    reader = SocketReader(sock, idle_timeout=timeout)
    try:
        message = read_message(reader, response_to=method)
    finally:
        sock.settimeout(previous_timeout)
    if message is None:
        raise IncompleteMessage(b"")
    if reader.buffer:
        raise ValueError(f"{len(reader.buffer)} unexpected bytes after the response")
    return message


def recv_all(sock: socket.socket, timeout: float = 10.0) -> bytes:
    """Client helper: every byte until the peer closes."""
    sock.settimeout(timeout)
    chunks: list[bytes] = []
    while True:
        try:
            data = sock.recv(READ_SIZE)
        except (ConnectionError, ssl.SSLEOFError, ssl.SSLZeroReturnError):
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def send_all(
    sock: socket.socket,
    data: bytes,
    stop: threading.Event | None = None,
    log: bytearray | None = None,
) -> None:
    """Send every byte despite the short polling timeout, appending what was sent to `log`.

    A piece is logged just before it is handed to the socket (so a peer can never have received
    bytes the log lacks) and whatever the socket did not take is removed again. Raises
    ClientGone when the peer has gone away and ServerStopping once `stop` is set.
    """
    view = memoryview(data)
    offset = 0
    while offset < len(view):
        if stop is not None and stop.is_set():
            raise ServerStopping
        piece = view[offset : offset + READ_SIZE]
        if log is not None:
            log += piece
        count = 0
        try:
            count = sock.send(piece)
        except TimeoutError:
            pass
        except (OSError, ValueError) as exc:
            raise ClientGone(str(exc)) from exc
        finally:
            if log is not None and count < len(piece):
                del log[len(log) - (len(piece) - count) :]
        offset += count
