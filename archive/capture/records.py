"""From one :class:`~archive.capture.exchange.Exchange` to its WARC records and its index row."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from archive.capture.exchange import Exchange
from archive.digests import digest_of
from archive.http_response import ResponseParser, header_value, media_type
from archive.surts import surt_of
from archive.timestamps import timestamp14, warc_date
from archive.warc.record import (
    REVISIT_IDENTICAL,
    REVISIT_NOT_MODIFIED,
    RecordIdFactory,
    WarcRecord,
    metadata_record,
    request_record,
    response_record,
    revisit_record,
)

__all__ = ["CaptureRecords", "build_capture"]


@dataclass
class CaptureRecords:
    records: list[WarcRecord]
    primary: WarcRecord  # the record the index row points at (response, or metadata for failures)
    row: dict[str, Any]


def _context_fields(exchange: Exchange) -> list[tuple[str, str]]:
    fields = [(name, value) for name, value in exchange.context.items() if value]
    fields.append(("fetch-time-ms", str(exchange.duration_ms)))
    if exchange.via_proxy:
        fields.append(("proxy", exchange.via_proxy))
    if exchange.parser is not None and exchange.parser.interim:
        fields.append(("interim-responses", str(len(exchange.parser.interim))))
    if exchange.parser is not None and exchange.parser.framing_error:
        fields.append(("framing-error", exchange.parser.framing_error))
        fields.append(("payload-digest-over", "message body as received, framing included"))
    if exchange.tls is not None:
        fields.append(("tls-version", exchange.tls.version))
        fields.append(("tls-cipher", exchange.tls.cipher))
        fields.extend(
            ("tls-certificate", base64.b64encode(der).decode("ascii"))
            for der in exchange.tls.certificate_chain_der
        )
    if exchange.truncated:
        fields.append(("truncated", exchange.truncated))
    if exchange.error:
        fields.append(("fetch-error", exchange.error))
    return fields


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


def _revisit(
    exchange: Exchange,
    parser: ResponseParser,
    payload_digest: str,
    warcinfo_id: str | None,
    new_id: RecordIdFactory,
) -> WarcRecord | None:
    """A revisit record when the server said 304, or sent the previous payload again."""
    previous = exchange.previous
    if previous is None or exchange.truncated:
        return None
    refers = (previous.record_id, previous.url, previous.warc_date)
    if parser.status == 304:
        profile, block, digest = REVISIT_NOT_MODIFIED, bytes(parser.wire), previous.payload_digest
    elif parser.status == 200 and payload_digest == previous.payload_digest:
        profile, digest = REVISIT_IDENTICAL, payload_digest
        block = bytes(parser.wire[: parser.head_length])
    else:
        return None
    return revisit_record(
        exchange.url,
        block,
        profile,
        digest,
        refers,
        new_id(),
        exchange.started,
        warcinfo_id,
        exchange.peer_ip,
    )


def build_capture(
    exchange: Exchange, warcinfo_id: str | None, new_id: RecordIdFactory
) -> CaptureRecords:
    """The records of one capture, in write order, and its index row (location left blank)."""
    parser = exchange.parser
    row: dict[str, Any] = {
        "url": exchange.url,
        "surt": surt_of(exchange.url),
        "timestamp": timestamp14(exchange.started),
        "warc_date": warc_date(exchange.started),
        "method": exchange.method,
        "error": exchange.error,
        "truncated": exchange.truncated,
        "ip": exchange.peer_ip,
        "crawl_id": exchange.context.get("crawl-id", ""),
        "request_id": exchange.context.get("frontier-request"),
        "seed": exchange.context.get("seed"),
        "hop_path": exchange.context.get("hop-path"),
        "via": exchange.context.get("via"),
        "location": None,
        "etag": None,
        "last_modified": None,
        "refers_to": None,
        "refers_to_date": None,
    }
    records: list[WarcRecord] = []
    metadata_id = new_id()
    if exchange.has_response and parser is not None:
        payload = parser.payload
        payload_digest = digest_of(payload)
        primary = _revisit(exchange, parser, payload_digest, warcinfo_id, new_id) or (
            response_record(
                exchange.url,
                bytes(parser.wire),
                payload,
                new_id(),
                exchange.started,
                warcinfo_id,
                exchange.peer_ip,
                exchange.truncated,
                payload_digest,
            )
        )
        records.append(primary)
        location = header_value(parser.headers, b"location")
        row.update(
            status=parser.status,
            mime=media_type(header_value(parser.headers, b"content-type")),
            payload_digest=primary.header("WARC-Payload-Digest"),
            record_type=primary.warc_type,
            location=_text(location),
            etag=_text(header_value(parser.headers, b"etag")),
            last_modified=_text(header_value(parser.headers, b"last-modified")),
            refers_to=primary.header("WARC-Refers-To"),
            refers_to_date=primary.header("WARC-Refers-To-Date"),
        )
        if primary.warc_type == "revisit" and exchange.previous is not None:
            row["etag"] = row["etag"] or exchange.previous.etag
            row["last_modified"] = row["last_modified"] or exchange.previous.last_modified
    else:
        primary = metadata_record(
            exchange.url,
            _context_fields(exchange),
            metadata_id,
            exchange.started,
            warcinfo_id,
            None,
        )
        row.update(status=None, mime=None, payload_digest=None, record_type="metadata")
    if exchange.request_bytes:
        records.append(
            request_record(
                exchange.url,
                exchange.request_bytes,
                new_id(),
                exchange.started,
                primary.record_id,
                warcinfo_id,
                exchange.peer_ip,
            )
        )
    if primary.warc_type in ("response", "revisit"):
        records.append(
            metadata_record(
                exchange.url,
                _context_fields(exchange),
                metadata_id,
                exchange.started,
                warcinfo_id,
                primary.record_id,
            )
        )
    else:
        records.insert(0, primary)
    row["record_id"] = primary.record_id
    return CaptureRecords(records, primary, row)
