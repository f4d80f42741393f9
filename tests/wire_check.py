"""Independent checks of captured bytes: our test's own dechunking and digests, plus warcio."""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def split_http(message: bytes) -> tuple[bytes, bytes]:
    head, _, body = message.partition(b"\r\n\r\n")
    return head + b"\r\n\r\n", body


def dechunk(body: bytes) -> bytes:
    """Entity body of a (possibly incomplete) chunked body, written independently of prov."""
    out = bytearray()
    rest = body
    while rest:
        line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            break
        size = int(line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


def entity_body(message: bytes) -> bytes:
    head, body = split_http(message)
    if b"transfer-encoding: chunked" in head.lower():
        return dechunk(body)
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return body[: int(line.split(b":")[1])]
    return body


@dataclass
class StoredRecord:
    warc_type: str
    url: str
    headers: dict[str, str]
    block: bytes
    offset: int
    length: int
    path: Path


def read_records(paths: list[Path]) -> list[StoredRecord]:
    """Every record, with its exact block bytes cut out of its own gzip member."""
    records = []
    for path in paths:
        data = path.read_bytes()
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                record.raw_stream.read()
                offset, length = iterator.get_record_offset(), iterator.get_record_length()
                member = gzip.decompress(data[offset : offset + length])
                _head, _, rest = member.partition(b"\r\n\r\n")
                size = int(record.rec_headers.get_header("Content-Length"))
                records.append(
                    StoredRecord(
                        record.rec_type,
                        record.rec_headers.get_header("WARC-Target-URI") or "",
                        dict(record.rec_headers.headers),
                        rest[:size],
                        offset,
                        length,
                        path,
                    )
                )
    return records
