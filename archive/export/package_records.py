"""The records of a package's WARC, read once from the ZIP: each gzip member's offset, its
headers, the SHA-256 of the decompressed record, its fixity (block and payload digests,
:func:`archive.warc.fixity.check_record`), and the extracted texts of conversion records."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from archive.warc.fixity import check_record

__all__ = ["PackageRecord", "WarcScan", "scan_warc"]

_READ = 1 << 20


@dataclass
class PackageRecord:
    offset: int
    length: int
    headers: dict[str, str]
    sha256: str  # of the decompressed record
    problem: str | None
    text: str | None = None  # conversion records: the extracted text

    @property
    def record_id(self) -> str:
        return self.headers.get("warc-record-id", "")


@dataclass
class WarcScan:
    records: dict[str, PackageRecord] = field(default_factory=dict)  # by record id
    by_offset: dict[int, PackageRecord] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _members(stream: IO[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """(offset, compressed length, decompressed bytes) of each gzip member of STREAM."""
    position = 0
    pending = b""
    while True:
        decompressor = zlib.decompressobj(31)
        out = bytearray()
        used = 0
        while not decompressor.eof:
            data = pending or stream.read(_READ)
            pending = b""
            if not data:
                if used or out:
                    raise ValueError(f"incomplete gzip member at offset {position}")
                return
            try:
                out += decompressor.decompress(data)
            except zlib.error as exc:
                raise ValueError(f"damaged gzip member at offset {position}: {exc}") from None
            used += len(data) - len(decompressor.unused_data)
            pending = decompressor.unused_data
        yield position, used, bytes(out)
        position += used


def _headers(data: bytes) -> dict[str, str]:
    head = data.partition(b"\r\n\r\n")[0]
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return headers


def _extracted_text(data: bytes) -> str | None:
    block = data.partition(b"\r\n\r\n")[2]
    name, _, value = block.decode("utf-8", "replace").partition(":")
    if name != "prov-extraction":
        return None
    try:
        text = json.loads(value)["extraction"].get("text")
    except (ValueError, KeyError, AttributeError):
        return None
    return text if isinstance(text, str) else ""


def scan_warc(stream: IO[bytes], name: str) -> WarcScan:
    """Read every record of the WARC NAME in STREAM (problems named with NAME and offset)."""
    scan = WarcScan()
    try:
        for offset, length, data in _members(stream):
            check = check_record(offset, length, data)
            headers = _headers(data)
            record = PackageRecord(
                offset, length, headers, hashlib.sha256(data).hexdigest(), check.problem
            )
            if headers.get("warc-type") == "conversion":
                record.text = _extracted_text(data)
            if check.problem:
                scan.problems.append(
                    f"{name}: record {record.record_id or '?'} at offset {offset}: {check.problem}"
                )
            scan.records[record.record_id] = record
            scan.by_offset[offset] = record
    except ValueError as exc:
        scan.problems.append(f"{name}: {exc}")
    if not scan.records and not scan.problems:
        scan.problems.append(f"{name}: no record")
    return scan
