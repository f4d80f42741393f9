"""WARC/1.1 records, built from a captured exchange and written as gzip members.

Records are serialised here rather than through warcio's writer because warcio re-parses and
re-serialises the HTTP header block and digests chunked payloads with their framing; prov
must store the header block exactly as received and digest the payload as WARC 1.1 section
6.3.2 says (transfer-encoding removed, content-encoding kept). warcio and other tools read
the result.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from isal import isal_zlib

from archive.digests import digest_of
from archive.timestamps import warc_date

__all__ = [
    "DEFAULT_GZIP_LEVEL",
    "REVISIT_IDENTICAL",
    "REVISIT_NOT_MODIFIED",
    "RecordIdFactory",
    "WarcRecord",
    "conversion_record",
    "gzip_member",
    "metadata_record",
    "new_record_id",
    "request_record",
    "response_record",
    "revisit_record",
    "warc_fields",
    "warcinfo_record",
]

_ISAL_MAX_LEVEL = 3

RecordIdFactory = Callable[[], str]
WARC_VERSION = b"WARC/1.1"


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass
class WarcRecord:
    warc_type: str
    record_id: str
    date: datetime
    headers: list[tuple[str, str]]  # named WARC headers after Type, Record-ID and Date
    block: bytes
    content_type: str | None = None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def to_bytes(self) -> bytes:
        lines = [
            WARC_VERSION,
            b"WARC-Type: " + self.warc_type.encode(),
            b"WARC-Record-ID: " + self.record_id.encode(),
            b"WARC-Date: " + warc_date(self.date).encode(),
        ]
        lines.extend(f"{name}: {value}".encode() for name, value in self.headers)
        if self.content_type:
            lines.append(b"Content-Type: " + self.content_type.encode())
        lines.append(b"Content-Length: " + str(len(self.block)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.block + b"\r\n\r\n"


DEFAULT_GZIP_LEVEL = 2


def gzip_member(data: bytes, level: int = DEFAULT_GZIP_LEVEL) -> bytes:
    """One complete gzip member, so an index can point at a record by offset and length.

    Levels 0 to 3 use ISA-L (the ``isal`` package): at level 2 about ten times faster than
    zlib's level 6 on web pages, for files some 15% larger (bench/README.md). Levels 4 to 9
    use zlib. Either way the output is ordinary gzip.
    """
    compressor: Any
    if level <= _ISAL_MAX_LEVEL:
        compressor = isal_zlib.compressobj(level, isal_zlib.DEFLATED, 31)
    else:
        compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    return bytes(compressor.compress(data) + compressor.flush())


def warc_fields(fields: Iterable[tuple[str, str]]) -> bytes:
    """The ``application/warc-fields`` body of warcinfo and metadata records."""
    out = []
    for name, value in fields:
        clean = " ".join(str(value).split())
        out.append(f"{name}: {clean}\r\n")
    return "".join(out).encode("utf-8")


def _common(target_uri: str, warcinfo_id: str | None) -> list[tuple[str, str]]:
    headers = [("WARC-Target-URI", target_uri)]
    if warcinfo_id:
        headers.append(("WARC-Warcinfo-ID", warcinfo_id))
    return headers


def warcinfo_record(
    filename: str, fields: Iterable[tuple[str, str]], record_id: str, date: datetime
) -> WarcRecord:
    block = warc_fields(fields)
    headers = [("WARC-Filename", filename), ("WARC-Block-Digest", digest_of(block))]
    return WarcRecord("warcinfo", record_id, date, headers, block, "application/warc-fields")


def request_record(
    target_uri: str,
    request_bytes: bytes,
    record_id: str,
    date: datetime,
    concurrent_to: str,
    warcinfo_id: str | None,
    ip: str | None,
) -> WarcRecord:
    headers = _common(target_uri, warcinfo_id)
    headers.append(("WARC-Concurrent-To", concurrent_to))
    if ip:
        headers.append(("WARC-IP-Address", ip))
    headers.append(("WARC-Block-Digest", digest_of(request_bytes)))
    payload_start = request_bytes.find(b"\r\n\r\n")
    if payload_start >= 0 and payload_start + 4 < len(request_bytes):
        headers.append(("WARC-Payload-Digest", digest_of(request_bytes[payload_start + 4 :])))
    return WarcRecord(
        "request", record_id, date, headers, request_bytes, "application/http;msgtype=request"
    )


def response_record(
    target_uri: str,
    wire: bytes,
    payload: bytes,
    record_id: str,
    date: datetime,
    warcinfo_id: str | None,
    ip: str | None,
    truncated: str | None,
    payload_digest: str | None = None,
) -> WarcRecord:
    headers = _common(target_uri, warcinfo_id)
    if ip:
        headers.append(("WARC-IP-Address", ip))
    headers.append(("WARC-Block-Digest", digest_of(wire)))
    headers.append(("WARC-Payload-Digest", payload_digest or digest_of(payload)))
    if truncated:
        headers.append(("WARC-Truncated", truncated))
    return WarcRecord(
        "response", record_id, date, headers, wire, "application/http;msgtype=response"
    )


def metadata_record(
    target_uri: str,
    fields: Iterable[tuple[str, str]],
    record_id: str,
    date: datetime,
    warcinfo_id: str | None,
    refers_to: str | None,
) -> WarcRecord:
    headers = _common(target_uri, warcinfo_id)
    if refers_to:
        headers.append(("WARC-Concurrent-To", refers_to))
    block = warc_fields(fields)
    headers.append(("WARC-Block-Digest", digest_of(block)))
    return WarcRecord("metadata", record_id, date, headers, block, "application/warc-fields")


def conversion_record(
    target_uri: str,
    block: bytes,
    content_type: str,
    record_id: str,
    date: datetime,
    warcinfo_id: str | None,
    refers_to: str,
) -> WarcRecord:
    """An alternative form of a response's content (here: extracted text and metadata)."""
    headers = _common(target_uri, warcinfo_id)
    headers.append(("WARC-Refers-To", refers_to))
    headers.append(("WARC-Block-Digest", digest_of(block)))
    headers.append(("WARC-Payload-Digest", digest_of(block)))
    return WarcRecord("conversion", record_id, date, headers, block, content_type)


REVISIT_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def revisit_record(
    target_uri: str,
    head: bytes,
    profile: str,
    payload_digest: str,
    refers_to: tuple[str, str, str],
    record_id: str,
    date: datetime,
    warcinfo_id: str | None,
    ip: str | None,
) -> WarcRecord:
    """A re-capture that stores only the HTTP head: the payload is the one of REFERS_TO,
    given as (record id, target URI, WARC-Date) of the original response."""
    original_id, original_uri, original_date = refers_to
    headers = _common(target_uri, warcinfo_id)
    if ip:
        headers.append(("WARC-IP-Address", ip))
    headers += [
        ("WARC-Profile", profile),
        ("WARC-Refers-To", original_id),
        ("WARC-Refers-To-Target-URI", original_uri),
        ("WARC-Refers-To-Date", original_date),
        ("WARC-Block-Digest", digest_of(head)),
        ("WARC-Payload-Digest", payload_digest),
    ]
    return WarcRecord(
        "revisit", record_id, date, headers, head, "application/http;msgtype=response"
    )
