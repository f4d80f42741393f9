"""Incremental HTTP/1.x response parser that keeps every byte as it came off the socket.

The parser is fed raw bytes and records them unchanged in :attr:`ResponseParser.wire`
(status line, header block, body with any chunk framing). It separately decodes the
framing so that the *payload* (entity body with transfer-encoding removed, content-encoding
kept, as WARC 1.1 section 6.3.2 defines it) can be digested and handed to the crawler.
Interim 1xx responses are kept in :attr:`interim` and are not part of the final message.

When the body's framing is invalid (a chunk size that is not hex, a bad ``Content-Length``),
:meth:`ResponseParser.feed` raises :class:`HTTPParseError` and the parser keeps the reason in
:attr:`ResponseParser.framing_error`: the transfer-coding cannot be removed, so from then on
:attr:`ResponseParser.payload` is the message body exactly as received, framing included.
"""

from __future__ import annotations

import enum

from archive.errors import ProvError

__all__ = [
    "Framing",
    "HTTPParseError",
    "ResponseParser",
    "header_value",
    "media_type",
    "parse_head",
]

MAX_HEAD_BYTES = 256 * 1024


class HTTPParseError(ProvError, ValueError):
    """The peer sent bytes that are not an HTTP/1.x response."""


class Framing(enum.Enum):
    NONE = "none"  # HEAD, 1xx, 204, 304: no body
    LENGTH = "length"
    CHUNKED = "chunked"
    CLOSE = "close"  # body ends when the connection closes


class _Chunk(enum.Enum):
    SIZE = 0
    DATA = 1
    DATA_END = 2
    TRAILER = 3


def _split_header_lines(block: bytes) -> list[bytes]:
    lines = block.split(b"\n")
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


def parse_head(head: bytes) -> tuple[bytes, int, bytes, list[tuple[bytes, bytes]]]:
    """Split a response head into (version, status, reason, headers in wire order)."""
    lines = _split_header_lines(head.rstrip(b"\r\n"))
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise HTTPParseError(f"not an HTTP status line: {lines[0][:80]!r}")
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t") and headers:  # obsolete line folding
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip())
            continue
        name, sep, value = line.partition(b":")
        if sep:  # like browsers, skip header lines without a colon
            headers.append((name.strip(), value.strip()))
    reason = parts[2] if len(parts) > 2 else b""
    return parts[0], int(parts[1]), reason, headers


def header_value(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """Last value of a header, case-insensitively."""
    wanted = name.lower()
    found = None
    for key, value in headers:
        if key.lower() == wanted:
            found = value
    return found


class ResponseParser:
    """Feed it bytes with :meth:`feed`; it says when the response is complete."""

    def __init__(self, method: str = "GET") -> None:
        self._head_only = method.upper() == "HEAD"
        self.wire = bytearray()
        self.interim: list[bytes] = []
        self.head_length = 0
        self.version = b""
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.framing = Framing.NONE
        self.complete = False
        self.leftover = b""
        self._expected = 0
        self._chunked_payload = bytearray()
        self._chunk_state = _Chunk.SIZE
        self._chunk_remaining = 0
        self._pos = 0  # parse position in self.wire
        self.framing_error: str | None = None  # why the body's framing cannot be decoded

    @property
    def has_head(self) -> bool:
        return self.head_length > 0

    @property
    def payload(self) -> bytes:
        """Entity body with chunk framing removed (content-encoding kept); the message body as
        received when its framing cannot be decoded (:attr:`framing_error`)."""
        if self.framing_error is not None:
            return bytes(self.wire[self.head_length :])
        if self.framing is Framing.CHUNKED:
            return bytes(self._chunked_payload)
        end = self.head_length + self._expected if self.framing is Framing.LENGTH else None
        return bytes(self.wire[self.head_length : end])

    @property
    def decoded_prefix(self) -> bytes:
        """The chunks decoded before the framing broke (what older prov versions digested)."""
        return bytes(self._chunked_payload)

    @property
    def body_bytes_received(self) -> int:
        return len(self.wire) - self.head_length if self.has_head else 0

    def feed(self, data: bytes) -> None:
        if self.complete:
            self.leftover += data
            return
        self.wire += data
        if not self.has_head:
            self._parse_head()
        if self.has_head and not self.complete and self.framing_error is None:
            try:
                self._parse_body()
            except HTTPParseError as exc:
                self.framing_error = str(exc)
                raise

    def connection_closed(self) -> bool:
        """Tell the parser the peer closed; returns True if that ends the message cleanly."""
        if self.complete:
            return True
        if self.has_head and self.framing is Framing.CLOSE:
            self.complete = True
            return True
        return False

    def _parse_head(self) -> None:
        while True:
            end = self.wire.find(b"\r\n\r\n")
            sep = 4
            if end < 0:
                end, sep = self.wire.find(b"\n\n"), 2
            if end < 0:
                if len(self.wire) > MAX_HEAD_BYTES:
                    raise HTTPParseError(f"response head larger than {MAX_HEAD_BYTES} bytes")
                return
            head = bytes(self.wire[: end + sep])
            version, status, reason, headers = parse_head(head)
            if 100 <= status < 200 and status != 101:
                self.interim.append(head)
                del self.wire[: end + sep]
                continue
            self.version, self.status, self.reason, self.headers = version, status, reason, headers
            self.head_length = end + sep
            self._pos = self.head_length
            try:
                self._choose_framing()
            except HTTPParseError as exc:
                self.framing_error = str(exc)
                raise
            return

    def _choose_framing(self) -> None:
        if self._head_only or self.status in (204, 304) or self.status == 101:
            self.framing = Framing.NONE
        else:
            encoding = header_value(self.headers, b"transfer-encoding")
            length = header_value(self.headers, b"content-length")
            if encoding is not None and encoding.lower().rsplit(b",", 1)[-1].strip() == b"chunked":
                self.framing = Framing.CHUNKED
            elif length is not None and length.strip().isdigit():
                self.framing = Framing.LENGTH
                self._expected = int(length)
            elif length is not None:
                raise HTTPParseError(f"bad Content-Length {length[:40]!r}")
            else:
                self.framing = Framing.CLOSE
        if self.framing is Framing.NONE or (self.framing is Framing.LENGTH and self._expected == 0):
            self._finish(self.head_length)

    def _finish(self, end: int) -> None:
        self.complete = True
        if end < len(self.wire):
            self.leftover = bytes(self.wire[end:])
            del self.wire[end:]

    def _parse_body(self) -> None:
        if self.framing is Framing.LENGTH:
            end = self.head_length + self._expected
            if len(self.wire) >= end:
                self._finish(end)
        elif self.framing is Framing.CHUNKED:
            self._parse_chunks()

    def _parse_chunks(self) -> None:
        wire = self.wire
        while True:
            if self._chunk_state is _Chunk.DATA:
                available = len(wire) - self._pos
                if available <= 0:
                    return
                take = min(available, self._chunk_remaining)
                self._chunked_payload += wire[self._pos : self._pos + take]
                self._pos += take
                self._chunk_remaining -= take
                if self._chunk_remaining:
                    return
                self._chunk_state = _Chunk.DATA_END
                continue
            eol = wire.find(b"\n", self._pos)
            if eol < 0:
                if len(wire) - self._pos > MAX_HEAD_BYTES:
                    raise HTTPParseError("chunk size line too long")
                return
            line = bytes(wire[self._pos : eol]).rstrip(b"\r")
            self._pos = eol + 1
            if self._chunk_state is _Chunk.DATA_END:
                if line:
                    raise HTTPParseError(f"missing CRLF after chunk data: {line[:40]!r}")
                self._chunk_state = _Chunk.SIZE
            elif self._chunk_state is _Chunk.SIZE:
                size_text = line.split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise HTTPParseError(f"bad chunk size {size_text[:40]!r}") from None
                if size == 0:
                    self._chunk_state = _Chunk.TRAILER
                else:
                    self._chunk_remaining = size
                    self._chunk_state = _Chunk.DATA
            elif not line:  # blank line ends the trailer section
                self._finish(self._pos)
                return


def media_type(content_type: bytes | None) -> str | None:
    """``text/html`` of ``text/HTML; charset=utf-8`` (None when there is none)."""
    if not content_type:
        return None
    return content_type.split(b";", 1)[0].strip().lower().decode("latin-1") or None
