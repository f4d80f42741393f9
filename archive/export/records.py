"""The exact stored bytes of the records an export needs: each record is one gzip member, read
by offset and length (ranged reads from any store), copied unchanged into the package.

A capture's index row points at its primary record (the response or revisit, or the metadata
record of a failed fetch); the records written with it (its request, its metadata) follow it in
the same file and name it in ``WARC-Concurrent-To``, so they are read member by member after
it. A file's ``warcinfo`` record is its first member.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from archive.store.base import Store, StoreError
from archive.store.loader import parse_record

__all__ = ["Member", "RecordReader"]

WINDOW = 64 * 1024


@dataclass(frozen=True)
class Member:
    """One stored record: its gzip member and the headers an export needs."""

    uri: str
    offset: int
    data: bytes
    record_id: str
    warc_type: str
    concurrent_to: str | None


def _member(uri: str, offset: int, data: bytes) -> Member:
    record = parse_record(data)
    return Member(
        uri,
        offset,
        data,
        record.header("WARC-Record-ID") or "",
        record.warc_type,
        record.header("WARC-Concurrent-To"),
    )


def _first_member(data: bytes) -> int | None:
    """Length of the complete gzip member at the start of DATA (None: DATA holds less)."""
    decompressor = zlib.decompressobj(31)
    try:
        decompressor.decompress(data)
    except zlib.error as exc:
        raise StoreError(f"damaged gzip member: {exc}") from None
    if not decompressor.eof:
        return None
    return len(data) - len(decompressor.unused_data)


class RecordReader:
    """Reads members from STORE; SIZES gives each file's length (for reads near its end)."""

    def __init__(self, store: Store, sizes: dict[str, int]) -> None:
        self.store = store
        self.sizes = sizes

    def at(self, uri: str, offset: int, length: int) -> Member:
        """The record at OFFSET, LENGTH bytes long (an index row's location)."""
        return _member(uri, offset, self.store.read_range(uri, offset, length))

    def next_member(self, uri: str, offset: int) -> Member | None:
        """The record starting at OFFSET, or None at the end of the file."""
        size = self.sizes.get(uri)
        if size is None:
            raise StoreError(f"{uri}: not in the store's file list")
        window = WINDOW
        while True:
            length = min(window, size - offset)
            if length <= 0:
                return None
            data = self.store.read_range(uri, offset, length)
            end = _first_member(data)
            if end is not None:
                return _member(uri, offset, data[:end])
            if offset + length >= size:
                raise StoreError(f"{uri}: incomplete gzip member at offset {offset}")
            window *= 4

    def with_concurrent(self, uri: str, offset: int, length: int) -> list[Member]:
        """The primary record at OFFSET and the records after it that name it concurrent."""
        primary = self.at(uri, offset, length)
        members = [primary]
        position = offset + length
        while True:
            following = self.next_member(uri, position)
            if following is None or following.concurrent_to != primary.record_id:
                return members
            members.append(following)
            position += len(following.data)

    def warcinfo(self, uri: str) -> Member | None:
        first = self.next_member(uri, 0)
        return first if first is not None and first.warc_type == "warcinfo" else None
