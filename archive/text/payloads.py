"""What the text stage extracts: which captures want text, their response records as stored,
and the extraction of one record (run in a worker process).

The stage's thread reads a record's gzip member with one ranged read and inflates only as much
of it as holds the headers the extraction key needs (Content-Type, Content-Encoding); the
worker gets the member as stored (a quarter of the payload's size to hand over) and does the
rest: inflate, de-chunk, undo the content-coding, extract.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from archive.http_response import HTTPParseError, ResponseParser, header_value
from archive.index.rows import Capture
from archive.store import Store, StoreError
from archive.store.loader import parse_record
from archive.text.decoding import ContentCodingError, decode_content
from archive.text.extraction import extract

__all__ = [
    "EXTRACTABLE",
    "StoredResponse",
    "decoded_payload",
    "extract_page",
    "extract_response",
    "payload_of",
    "read_response",
    "wants_text",
]

EXTRACTABLE = ("text/html", "application/xhtml+xml", "application/pdf", "application/x-pdf")
_STEP = 16 * 1024  # bytes inflated at a time while looking for the headers


@dataclass(frozen=True)
class StoredResponse:
    """A response record as stored (its gzip member), with the headers its text depends on."""

    url: str
    member: bytes
    content_type: str | None
    content_encoding: str | None
    error: str | None = None


def wants_text(capture: Capture) -> bool:
    """A 2xx response (not a revisit: its text is its original's) of an HTML or PDF type; a
    page requisite (hop E: images, styles, scripts, frames) only when it declares one."""
    if capture.mime is None and (capture.hop_path or "").endswith("E"):
        return False
    return (
        capture.record_type == "response"
        and capture.status is not None
        and 200 <= capture.status < 300
        and capture.warc is not None
        and (capture.mime is None or capture.mime in EXTRACTABLE)
    )


def _response_head(member: bytes) -> ResponseParser:
    """The response parsed as far as its head, inflating MEMBER only that far."""
    inflater = zlib.decompressobj(31)
    data = inflater.decompress(member, _STEP)
    while b"\r\n\r\n" not in data and inflater.unconsumed_tail:
        data += inflater.decompress(inflater.unconsumed_tail, _STEP)
    if not data.startswith(b"WARC/") or b"\r\n\r\n" not in data:
        raise StoreError("not a WARC record")
    method = b"HEAD" if b"\r\nWARC-Method: HEAD" in data.partition(b"\r\n\r\n")[0] else b"GET"
    parser = ResponseParser(method.decode("ascii"))
    parser.feed(data.partition(b"\r\n\r\n")[2])
    while not parser.has_head and inflater.unconsumed_tail:
        parser.feed(inflater.decompress(inflater.unconsumed_tail, _STEP))
    if not parser.has_head:
        raise HTTPParseError("no complete response head in the record")
    return parser


def read_response(store: Store, capture: Capture) -> StoredResponse:
    """CAPTURE's response record with one ranged read; failures in ``error``."""
    assert capture.warc is not None and capture.offset is not None and capture.length
    try:
        member = store.read_range(capture.warc, capture.offset, capture.length)
        head = _response_head(member)
    except (StoreError, ValueError, zlib.error) as exc:
        malformed = isinstance(exc, HTTPParseError)
        why = f"the response was malformed: {exc}" if malformed else f"record unreadable: {exc}"
        return StoredResponse(capture.url, b"", None, None, why)
    content_type = header_value(head.headers, b"content-type")
    encoding = header_value(head.headers, b"content-encoding")
    return StoredResponse(
        capture.url,
        member,
        content_type.decode("latin-1") if content_type else None,
        encoding.decode("latin-1") if encoding else None,
    )


def payload_of(response: StoredResponse) -> bytes:
    """RESPONSE's payload with its content-coding removed; StoreError or ValueError (a
    ContentCodingError among them) when that cannot be done."""
    payload = parse_record(response.member).http_response().payload
    return decode_content(payload, response.content_encoding)


def decoded_payload(response: StoredResponse) -> bytes | None:
    """RESPONSE's payload with its content-coding removed (None if that cannot be done)."""
    if response.error:
        return None
    try:
        return payload_of(response)
    except (StoreError, ValueError):  # unreadable, malformed, a coding that does not decode
        return None


def extract_page(body: bytes, url: str, content_type: str | None) -> dict[str, Any]:
    """Worker: extract a payload the crawl holds (content-coding removed). Never raises."""
    return extract(body, url, content_type).to_dict()


def extract_response(response: StoredResponse) -> dict[str, Any]:
    """Worker: inflate and parse the record, undo content-encoding, extract. Never raises."""
    if response.error:
        return {"text": "", "error": response.error, "extractor": "", "options": {}}
    try:
        payload = parse_record(response.member).http_response().payload
    except HTTPParseError as exc:
        error = f"the response was malformed: {exc}"
        return {"text": "", "error": error, "extractor": "", "options": {}}
    except (StoreError, ValueError) as exc:
        return {"text": "", "error": f"record unreadable: {exc}", "extractor": "", "options": {}}
    try:
        body = decode_content(payload, response.content_encoding)
    except ContentCodingError as exc:
        return {"text": "", "error": str(exc), "extractor": "", "options": {}}
    return extract(body, response.url, response.content_type).to_dict()
