"""Index rows and CDXJ lines rebuilt from a WARC file alone (used by recovery and reindex).

The WARC files are the record: every column of a capture row can be recomputed from the
response (or failure) record and the metadata record that accompanies it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from archive.http_response import media_type
from archive.surts import surt_of
from archive.timestamps import parse_warc_date, timestamp14, warc_date
from archive.warc.cdxj import capture_cdxj
from archive.warc.conversion import text_row

__all__ = ["IndexedRecord", "index_warc", "index_warc_path"]


@dataclass
class IndexedRecord:
    row: dict[str, Any]
    cdxj: str | None
    table: str = "captures"  # or "texts", for conversion records


def _fields(block: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() not in fields:
            fields[name.strip()] = value.strip()
    return fields


def index_warc(stream: IO[bytes], filename: str, uri: str) -> Iterator[IndexedRecord]:
    """Rows for the responses and failures in one WARC file, in file order."""
    crawl_id = ""
    rows_by_id: dict[str, dict[str, Any]] = {}
    pending: list[IndexedRecord] = []
    iterator = ArchiveIterator(stream, check_digests=False)
    for record in iterator:
        headers = record.rec_headers
        kind = headers.get_header("WARC-Type")
        if kind == "warcinfo":
            crawl_id = _fields(record.content_stream().read()).get("isPartOf", crawl_id)
            continue
        if kind not in ("response", "metadata", "revisit", "resource", "conversion"):
            continue
        url = headers.get_header("WARC-Target-URI")
        moment = parse_warc_date(headers.get_header("WARC-Date"))
        record_id = headers.get_header("WARC-Record-ID")
        if kind == "conversion":
            block = record.raw_stream.read()
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
            row = text_row(block, record_id, warc_date(moment))
            row.update(warc=uri, offset=offset, length=length)
            pending.append(IndexedRecord(row, None, "texts"))
            continue
        # get_record_length() reads the record to its end: read what is needed first
        fields = _fields(record.content_stream().read()) if kind == "metadata" else {}
        offset, length = iterator.get_record_offset(), iterator.get_record_length()
        if kind == "metadata":
            refers = headers.get_header("WARC-Concurrent-To")
            target = rows_by_id.get(refers) if refers else None
            if target is None and refers is None:
                target = _base_row(url, moment, record_id, crawl_id)
                target.update(record_type="metadata", warc=None, offset=None, length=None)
                pending.append(IndexedRecord(target, None))
            if target is not None:
                target.update(
                    seed=fields.get("seed"),
                    hop_path=fields.get("hop-path", ""),  # the recorder leaves out empty ones
                    via=fields.get("via", ""),
                    error=fields.get("fetch-error"),
                    truncated=fields.get("truncated") or target.get("truncated"),
                    crawl_id=fields.get("crawl-id") or target["crawl_id"],
                    request_id=fields.get("frontier-request"),
                )
            continue
        row = _base_row(url, moment, record_id, crawl_id)
        http = record.http_headers
        status = int(http.get_statuscode()) if http is not None else None
        mime = (
            media_type(http.get_header("Content-Type").encode("latin-1"))
            if (http is not None and http.get_header("Content-Type"))
            else (headers.get_header("Content-Type") if http is None else None)
        )
        location = http.get_header("Location") if http is not None else None
        row.update(
            status=status,
            mime=mime,
            etag=http.get_header("ETag") if http is not None else None,
            last_modified=http.get_header("Last-Modified") if http is not None else None,
            refers_to=headers.get_header("WARC-Refers-To"),
            refers_to_date=headers.get_header("WARC-Refers-To-Date"),
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            record_type=kind,
            truncated=headers.get_header("WARC-Truncated"),
            ip=headers.get_header("WARC-IP-Address"),
            warc=uri,
            offset=offset,
            length=length,
            location=location,
        )
        rows_by_id[record_id] = row
        line = capture_cdxj(row, filename=filename, offset=offset, length=length)
        pending.append(IndexedRecord(row, line))
    yield from pending


def _base_row(url: str, moment: Any, record_id: str, crawl_id: str) -> dict[str, Any]:
    return {
        "url": url,
        "surt": surt_of(url),
        "timestamp": timestamp14(moment),
        "warc_date": warc_date(moment),
        "method": "GET",
        "record_id": record_id,
        "crawl_id": crawl_id,
        "status": None,
        "mime": None,
        "payload_digest": None,
        "error": None,
        "truncated": None,
        "ip": None,
        "seed": None,
        "hop_path": None,
        "via": None,
        "location": None,
        "etag": None,
        "last_modified": None,
        "refers_to": None,
        "refers_to_date": None,
    }


def index_warc_path(path: Path, uri: str, filename: str | None = None) -> list[IndexedRecord]:
    with path.open("rb") as stream:
        return list(index_warc(stream, filename or path.name, uri))
