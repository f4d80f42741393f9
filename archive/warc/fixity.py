"""Fixity of one WARC file, streamed: every gzip member decompressed (CRC checked), every
record's block digest and payload digest recomputed and compared with its headers.

The payload digest follows WARC 1.1 section 6.3.2 as prov writes it: for a response, the
entity body with chunked transfer-coding removed and content-coding kept
(:class:`archive.http_response.ResponseParser`); for a request, the bytes after the header
block; for other records, the block. A damaged member is reported and the reader resyncs at
the next gzip header, so one flipped byte does not hide the rest of the file. A file with no
record at all (0 bytes, not gzip) is damaged too: a WARC holds at least one record.

A response whose own framing is broken (a server sent a chunk size that is not hex) is a
faithful record, not damage: its block digest holds, and its payload digest covers the message
body as received (older records: the chunks decoded before the break). Such a record passes,
with a :attr:`RecordCheck.note`; a flipped byte still fails its block digest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from archive.http_response import HTTPParseError, ResponseParser

__all__ = ["FileCheck", "RecordCheck", "check_record", "check_stream", "digest_matches"]

_READ = 1 << 20
_MAGIC = b"\x1f\x8b\x08"


@dataclass
class RecordCheck:
    offset: int
    length: int
    record_id: str | None
    warc_type: str
    payload_digest: str | None  # as the header states it
    problem: str | None = None
    note: str | None = None  # not a problem: a malformed response recorded as received


@dataclass
class FileCheck:
    records: dict[int, RecordCheck] = field(default_factory=dict)  # by member offset
    problems: list[tuple[int, str]] = field(default_factory=list)  # (offset, what)
    size: int = 0

    @property
    def corrupt(self) -> bool:
        return bool(self.problems) or any(r.problem for r in self.records.values())


def digest_matches(stated: str, data: bytes) -> bool | None:
    """Does ``algorithm:value`` (base32 or hex) describe DATA? None if it cannot be told."""
    algorithm, sep, value = stated.partition(":")
    try:
        raw = hashlib.new(algorithm.strip().lower().replace("-", ""), data).digest()
    except ValueError:
        return None
    value = value.strip()
    if not sep or not value:
        return None
    if len(value) == 2 * len(raw):
        try:
            return binascii.unhexlify(value) == raw
        except binascii.Error:
            return False
    return value.upper().rstrip("=") == base64.b32encode(raw).decode("ascii").rstrip("=")


def _headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return headers


def _payloads(warc_type: str, content_type: str, block: bytes) -> tuple[list[bytes], str | None]:
    """The payloads a stated digest may cover (the writer's, then older ones), and the framing
    error of a malformed HTTP response."""
    if "application/http" in content_type and warc_type in ("response", "revisit"):
        parser = ResponseParser("GET")
        try:
            parser.feed(block)
        except HTTPParseError:
            if parser.framing_error is None:
                raise
            return [parser.payload, parser.decoded_prefix], parser.framing_error
        parser.connection_closed()
        return [parser.payload], None
    if "application/http" in content_type and warc_type == "request":
        start = block.find(b"\r\n\r\n")
        return [block[start + 4 :] if start >= 0 else b""], None
    return [block], None


def check_record(offset: int, length: int, data: bytes) -> RecordCheck:
    """Check one decompressed record DATA that sat at OFFSET (LENGTH compressed bytes)."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"WARC/"):
        return RecordCheck(offset, length, None, "", None, "not a WARC record")
    headers = _headers(head)
    record = RecordCheck(
        offset,
        length,
        headers.get("warc-record-id"),
        headers.get("warc-type", ""),
        headers.get("warc-payload-digest"),
    )
    try:
        size = int(headers.get("content-length", ""))
    except ValueError:
        record.problem = "no valid Content-Length"
        return record
    block = rest[:size]
    if len(block) != size:
        record.problem = f"block is {len(block)} bytes, Content-Length says {size}"
        return record
    stated = headers.get("warc-block-digest")
    if stated and digest_matches(stated, block) is False:
        record.problem = "block digest mismatch"
        return record
    if record.payload_digest and record.warc_type != "revisit":
        try:
            payloads, framing = _payloads(record.warc_type, headers.get("content-type", ""), block)
        except HTTPParseError as exc:
            record.problem = f"HTTP message unparseable: {exc}"
            return record
        if framing is not None and not stated:
            payloads = payloads[:1]  # without a block digest only the full body is vouched for
        if not any(digest_matches(record.payload_digest, p) is not False for p in payloads):
            record.problem = "payload digest mismatch"
        elif framing is not None:
            record.note = f"malformed response, recorded as received: {framing}"
    return record


def check_stream(
    stream: IO[bytes], progress: Callable[[int], None] | None = None, *, live: bool = False
) -> FileCheck:
    """Check every record of the WARC in STREAM. LIVE: a file still being written, whose
    last member may be incomplete."""
    result = FileCheck()
    position = 0  # offset of the member being read
    raw = bytearray()  # its compressed bytes so far
    out = bytearray()
    decomp = zlib.decompressobj(31)
    resyncing = False
    quiet = False  # after a damaged member, until a good one: false starts are not reported
    buffer = b""
    eof = False
    while True:
        if not buffer and not eof:
            buffer = stream.read(_READ)
            eof = not buffer
            result.size += len(buffer)
            if progress is not None and buffer:
                progress(len(buffer))
        if resyncing:  # look for the next gzip header after the damaged member's start
            data = bytes(raw) + buffer
            found = data.find(_MAGIC, 1)
            if found < 0:
                keep = data[-2:]
                position += len(data) - len(keep)
                raw, buffer = bytearray(keep), b""
                if eof:
                    break
                continue
            position += found
            raw, buffer, resyncing = bytearray(), data[found:], False
            out, decomp = bytearray(), zlib.decompressobj(31)
        if not buffer:
            if eof:
                break
            continue
        try:
            out += decomp.decompress(buffer)
        except zlib.error as exc:
            if not quiet:
                result.problems.append((position, f"damaged gzip member ({exc})"))
            quiet = True
            raw += buffer
            buffer, resyncing = b"", True
            continue
        if decomp.eof:
            used = len(buffer) - len(decomp.unused_data)
            length = len(raw) + used
            result.records[position] = check_record(position, length, bytes(out))
            quiet = False
            position += length
            buffer = decomp.unused_data
            raw, out, decomp = bytearray(), bytearray(), zlib.decompressobj(31)
        else:
            raw += buffer
            buffer = b""
    if (raw or resyncing) and not live and not quiet:
        result.problems.append((position, "incomplete gzip member at the end of the file"))
    if not result.records and not result.problems and not live:
        what = "empty file" if result.size == 0 else "no complete gzip member"
        result.problems.append((0, f"not a WARC file: {what}"))
    return result
