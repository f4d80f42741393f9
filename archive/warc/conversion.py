"""Extracted text as a WARC ``conversion`` record, and its index row (both ways).

The conversion record's block is ``application/warc-fields`` with one field,
``prov-extraction``, whose value is one line of JSON: the capture it refers to and the full
extraction result (text, metadata, extractor name, version and options, or the error), the
extraction key (``archive.text.reuse``) and, when the result was not extracted again but
copied from an earlier extraction of the same input, ``reused_from``: that extraction's
conversion record. Everything in the ``texts`` table can be rebuilt from these records alone.

Why warc-fields and not ``application/json``: pywb and cdxj-indexer index every record that is
not warc-fields, so a JSON conversion record would be replayed in place of the page it was
extracted from whenever both fall in the same second.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from archive.digests import digest_of
from archive.index.rows import Capture
from archive.surts import surt_of
from archive.warc.record import WarcRecord, conversion_record

__all__ = ["FIELD", "conversion_body", "conversion_for", "row_from_body", "text_row"]

CONVERSION_TYPE = "application/warc-fields"
FIELD = "prov-extraction"


def conversion_body(
    capture: Capture,
    extraction: dict[str, Any],
    key: str | None = None,
    reused_from: str | None = None,
) -> dict[str, Any]:
    """The JSON object a conversion record holds for CAPTURE's EXTRACTION."""
    assert capture.record_id is not None
    body: dict[str, Any] = {
        "refers_to": capture.record_id,
        "url": capture.url,
        "capture_date": capture.warc_date,
        "extraction": extraction,
    }
    if key is not None:
        body["extraction_key"] = key
    if reused_from is not None:
        body["reused_from"] = reused_from
    return body


def conversion_for(
    capture: Capture,
    body: dict[str, Any],
    record_id: str,
    moment: datetime,
    warcinfo_id: str | None,
) -> WarcRecord:
    """The conversion record of BODY (``conversion_body``), referring to CAPTURE's record."""
    assert capture.record_id is not None
    line = json.dumps(body, ensure_ascii=False, sort_keys=True)  # escapes every newline
    block = f"{FIELD}: {line}\r\n".encode()
    return conversion_record(
        capture.url, block, CONVERSION_TYPE, record_id, moment, warcinfo_id, capture.record_id
    )


def text_row(block: bytes, record_id: str, extracted: str) -> dict[str, Any]:
    """The texts-table row for a conversion record's JSON block."""
    name, _, value = block.decode("utf-8").partition(":")
    if name != FIELD:
        raise ValueError(f"not a prov extraction record (field {name[:40]!r})")
    return row_from_body(json.loads(value), record_id, extracted)


def row_from_body(body: dict[str, Any], record_id: str, extracted: str) -> dict[str, Any]:
    """The texts-table row for a conversion record's JSON object."""
    ex = body["extraction"]
    capture_date: str = body["capture_date"]
    stamp = "".join(ch for ch in capture_date if ch.isdigit())[:14]
    content = ex.get("text") or ""
    return {
        "capture_record_id": body["refers_to"],
        "conversion_record_id": record_id,
        "url": body["url"],
        "surt": surt_of(body["url"]),
        "timestamp": stamp,
        "warc_date": capture_date,
        "title": ex.get("title"),
        "author": ex.get("author"),
        "published": ex.get("date"),
        "sitename": ex.get("sitename"),
        "language": ex.get("language"),
        "canonical_url": ex.get("canonical_url"),
        "links": json.dumps(ex.get("links") or [], ensure_ascii=False),
        "encoding": ex.get("encoding"),
        "extractor": ex.get("extractor"),
        "extractor_version": ex.get("extractor_version"),
        "options": json.dumps(ex.get("options") or {}, sort_keys=True),
        "text": content,
        "text_digest": digest_of(content.encode("utf-8")),
        "error": ex.get("error"),
        "extracted": extracted,
        "extraction_key": body.get("extraction_key"),
        "reused_from": body.get("reused_from"),
    }
