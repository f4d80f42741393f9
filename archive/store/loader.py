"""Load one stored record by (uri, offset, length): one ranged read, one gzip member."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from archive.http_response import ResponseParser
from archive.store.base import Store, StoreError

__all__ = ["LoadedRecord", "load_record", "parse_record"]


@dataclass
class LoadedRecord:
    headers: list[tuple[str, str]]
    block: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    @property
    def warc_type(self) -> str:
        return self.header("WARC-Type") or ""

    def http_response(self) -> ResponseParser:
        """The HTTP response in the block, parsed (payload de-chunked, content-encoding kept)."""
        parser = ResponseParser(self.header("WARC-Method") or "GET")
        parser.feed(self.block)
        parser.connection_closed()
        return parser


def parse_record(member: bytes) -> LoadedRecord:
    try:
        data = zlib.decompressobj(31).decompress(member)
    except zlib.error as exc:
        raise StoreError(f"not a gzip member: {exc}") from None
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"WARC/"):
        raise StoreError("not a WARC record")
    headers = []
    for line in head.decode("utf-8", "replace").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    record = LoadedRecord(headers, b"")
    length = int(record.header("Content-Length") or 0)
    record.block = rest[:length]
    if len(record.block) != length:
        raise StoreError(f"record block is {len(record.block)} bytes, header says {length}")
    return record


def load_record(store: Store, uri: str, offset: int, length: int) -> LoadedRecord:
    return parse_record(store.read_range(uri, offset, length))
