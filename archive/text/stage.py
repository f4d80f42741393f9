"""The text stage: extract every HTML/PDF capture from its stored record, off the crawl.

It runs after a crawl (or for ``prov reextract``), reads each response record with one ranged
read, extracts in a pool of worker processes, writes one ``conversion`` record per capture to
WARC files of its own (``{prefix}-text-...``), fsyncs them and only then adds the rows to the
``texts`` table. A failed extraction is stored the same way, with its reason.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.http_response import HTTPParseError, header_value
from archive.index.captures import CaptureIndex
from archive.index.rows import Capture
from archive.index.texts import TextIndex
from archive.store import Store, StoreError
from archive.store.loader import load_record
from archive.text.decoding import ContentCodingError, decode_content
from archive.text.extraction import extract
from archive.timestamps import Clock, utcnow, warc_date
from archive.warc.cdxj import cdxj_path_for, write_cdxj
from archive.warc.conversion import conversion_for, text_row
from archive.warc.file import WarcWriter
from archive.warc.record import RecordIdFactory, new_record_id

__all__ = ["Payload", "TextStage", "extract_payload", "load_payload", "wants_text"]

logger = logging.getLogger(__name__)

EXTRACTABLE = ("text/html", "application/xhtml+xml", "application/pdf", "application/x-pdf")


@dataclass(frozen=True)
class Payload:
    url: str
    body: bytes
    content_type: str | None
    content_encoding: str | None
    error: str | None = None


def wants_text(capture: Capture) -> bool:
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


class TextStage:
    def __init__(
        self,
        store: Store,
        index: CaptureIndex,
        warc_dir: Path,
        *,
        workers: int | None = None,
        prefix: str = "prov",
        warcinfo_fields: Iterable[tuple[str, str]] = (),
        clock: Clock = utcnow,
        new_id: RecordIdFactory = new_record_id,
    ) -> None:
        self.store, self.index = store, index
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self.texts = TextIndex(index.engine)
        self.clock = clock
        self.new_id = new_id
        self.writer = WarcWriter(
            warc_dir,
            prefix=f"{prefix}-text",
            warcinfo_fields=warcinfo_fields,
            clock=clock,
            new_id=new_id,
            on_closed=self._file_closed,
        )

    def _file_closed(self, path: Path) -> None:
        write_cdxj(cdxj_path_for(path), [])  # conversion records are not replayable: no lines
        self.index.record_warc_file(
            path.name,
            self.store.uri_for(path.name),
            None,
            path.stat().st_size,
            warc_date(utcnow()),
            "closed",
        )

    def run(
        self, captures: Iterable[Capture], progress: Callable[[Capture], None] | None = None
    ) -> list[dict[str, Any]]:
        """Extract CAPTURES (those that want text); returns the new texts rows."""
        todo = [c for c in captures if wants_text(c)]
        if not todo:
            return []
        rows: list[dict[str, Any]] = []
        try:
            for capture, extraction in self._extract_all(todo):
                rows.append(self._write(capture, extraction))
                if progress is not None:
                    progress(capture)
            self.writer.sync()
            self.texts.add_texts(rows)
        except BaseException:  # a full disk: the next start indexes what reached the file
            self.writer.abandon_current()
            raise
        self.writer.close()
        return rows

    def _extract_all(self, todo: list[Capture]) -> Iterator[tuple[Capture, dict[str, Any]]]:
        payloads = (load_payload(self.store, capture) for capture in todo)
        if self.workers == 1 or len(todo) == 1:
            for capture, payload in zip(todo, payloads, strict=True):
                yield capture, extract_payload(payload)
            return
        context = multiprocessing.get_context("spawn")
        window = self.workers * 4  # payloads in flight: memory stays flat on large crawls
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            pending: deque[tuple[Capture, Future[dict[str, Any]]]] = deque()
            for capture, payload in zip(todo, payloads, strict=True):
                pending.append((capture, pool.submit(extract_payload, payload)))
                if len(pending) >= window:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()

    def _write(self, capture: Capture, extraction: dict[str, Any]) -> dict[str, Any]:
        self.writer.ensure_file()
        moment = self.clock()
        record = conversion_for(
            capture, extraction, self.new_id(), moment, self.writer.warcinfo_id
        )
        location = self.writer.write_capture([record])[0]
        row = text_row(record.block, record.record_id, warc_date(moment))
        row.update(
            warc=self.store.uri_for(location.filename),
            offset=location.offset,
            length=location.length,
        )
        return row
