"""What the text stage extracts: which captures want text, their payloads read back from the
stored records, and the extraction of one payload (run in a worker process)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.http_response import HTTPParseError, header_value
from archive.index.rows import Capture
from archive.store import Store, StoreError
from archive.store.loader import load_record
from archive.text.decoding import ContentCodingError, decode_content
from archive.text.extraction import extract

__all__ = ["EXTRACTABLE", "Payload", "extract_payload", "load_payload", "wants_text"]

EXTRACTABLE = ("text/html", "application/xhtml+xml", "application/pdf", "application/x-pdf")


@dataclass(frozen=True)
class Payload:
    url: str
    body: bytes
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


def extract_payload(payload: Payload) -> dict[str, Any]:
    """Worker: undo content-encoding, extract. Never raises."""
    if payload.error:
        return {"text": "", "error": payload.error, "extractor": "", "options": {}}
    try:
        body = decode_content(payload.body, payload.content_encoding)
    except ContentCodingError as exc:
        return {"text": "", "error": str(exc), "extractor": "", "options": {}}
    return extract(body, payload.url, payload.content_type).to_dict()


def load_payload(store: Store, capture: Capture) -> Payload:
    """The payload of CAPTURE's response record (one ranged read); failures in ``error``."""
    assert capture.warc is not None and capture.offset is not None and capture.length
    try:
        record = load_record(store, capture.warc, capture.offset, capture.length)
    except (StoreError, ValueError) as exc:
        return Payload(capture.url, b"", None, None, f"record unreadable: {exc}")
    try:
        response = record.http_response()
    except HTTPParseError as exc:
        return Payload(capture.url, b"", None, None, f"the response was malformed: {exc}")
    content_type = header_value(response.headers, b"content-type")
    encoding = header_value(response.headers, b"content-encoding")
    return Payload(
        capture.url,
        response.payload,
        content_type.decode("latin-1") if content_type else None,
        encoding.decode("latin-1") if encoding else None,
    )
