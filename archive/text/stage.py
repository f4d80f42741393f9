"""The text stage: extract every capture that wants text from its stored record.

It runs beside a crawl (the capture recorder hands it each group of captures as soon as their
index rows are committed, through a bounded queue, so extraction overlaps the crawl and a
crawl faster than extraction is slowed down rather than queued without end) or on its own
(``prov reextract``, captures left by an interrupted run). On a thread of its own it:

1. reads each response record with one ranged read (as stored: the worker inflates it);
2. reuses the stored result of an earlier extraction of the same input (same extraction key,
   ``archive.text.reuse``), or takes the extraction the crawl asked of its pool for the same
   payload (``extract_page``: the citations spider extracts every page as soon as it arrives,
   to choose the links it follows), or else extracts the payload in a pool of worker
   processes (in this process when it is given one worker);
3. writes one ``conversion`` record per capture, in order, to WARC files of its own
   (``{prefix}-text-...``); a failed extraction is stored the same way, with its reason;
4. every BATCH results (or SYNC_INTERVAL seconds) fsyncs them and only then adds their rows to
   the ``texts`` table and takes their captures off the text queue, so a run killed in between
   leaves them queued for the next one.

Nothing accumulates over a crawl: at most QUEUED captures wait and WINDOW payloads are in
flight; rows go to the index in batches and to ON_ROW, if given.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import RowMapping

from archive.digests import digest_of
from archive.index.captures import CaptureIndex
from archive.index.rows import Capture
from archive.index.text_queue import TextQueue
from archive.index.texts import TextIndex
from archive.orphans import exit_with_parent
from archive.store import Store, StoreError
from archive.store.loader import load_record
from archive.text.payloads import (
    StoredResponse,
    decoded_payload,
    extract_page,
    extract_response,
    read_response,
    wants_text,
)
from archive.text.reuse import extraction_key
from archive.timestamps import Clock, utcnow, warc_date
from archive.warc.cdxj import cdxj_path_for, write_cdxj
from archive.warc.conversion import FIELD, conversion_body, conversion_for, row_from_body
from archive.warc.file import WarcWriter
from archive.warc.record import RecordIdFactory, new_record_id

__all__ = ["TextStage", "TextSummary"]

logger = logging.getLogger(__name__)

BATCH = 256  # rows per index transaction
SYNC_INTERVAL = 0.5  # seconds a finished result may wait for its transaction
QUEUED = 512  # captures waiting for the stage before submit() blocks
CHUNK = 32  # captures read and looked up for reuse together
OFFERED = 256  # extractions the crawl asked for, kept until their captures come (the newest)
_STOP = object()


@dataclass
class TextSummary:
    """What a text stage did: counts, and each failed extraction as (url, reason)."""

    extracted: int = 0
    reused: int = 0
    taken: int = 0  # of ``extracted``: the crawl's own (``extract_page``), not made again
    failed: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: TextSummary) -> None:
        self.extracted += other.extracted
        self.reused += other.reused
        self.taken += other.taken
        self.failed.extend(other.failed)


@dataclass
class _Job:
    capture: Capture
    key: str | None
    result: Future[dict[str, Any]]
    reused_from: str | None = None


def _done(value: dict[str, Any]) -> Future[dict[str, Any]]:
    future: Future[dict[str, Any]] = Future()
    future.set_result(value)
    return future


class TextStage:
    def __init__(
        self,
        store: Store,
        index: CaptureIndex,
        warc_dir: Path,
        *,
        workers: int | None = None,
        reuse: bool = True,
        prefix: str = "prov",
        warcinfo_fields: Iterable[tuple[str, str]] = (),
        clock: Clock = utcnow,
        new_id: RecordIdFactory = new_record_id,
        on_row: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.store, self.index = store, index
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self.window = self.workers * 4  # payloads in flight
        self.reuse = reuse
        self.texts = TextIndex(index.engine)
        self.queue = TextQueue(index.engine)
        self.clock = clock
        self.new_id = new_id
        self.on_row = on_row
        self.summary = TextSummary()
        self.writer = WarcWriter(
            warc_dir,
            prefix=f"{prefix}-text",
            warcinfo_fields=warcinfo_fields,
            clock=clock,
            new_id=new_id,
            on_closed=self._file_closed,
        )
        self._input: queue.Queue[object] = queue.Queue(QUEUED)
        self._thread = threading.Thread(target=self._run, name="prov-text", daemon=True)
        self._error: BaseException | None = None
        self._pool_instance: ProcessPoolExecutor | None = None
        self._rows: list[dict[str, Any]] = []
        self._rows_since = 0.0
        self._offered: OrderedDict[tuple[str, str, str | None], Future[dict[str, Any]]]
        self._offered = OrderedDict()
        self._offered_lock = threading.Lock()
        self._pool_lock = threading.Lock()

    # -- the caller's side ------------------------------------------------------------------
    def start(self) -> TextStage:
        self._thread.start()
        return self

    def submit(self, captures: Iterable[Capture]) -> None:
        """Queue the CAPTURES that want text (in the index's text queue first, so that a run
        killed before their texts are indexed leaves them for the next one). Blocks while
        QUEUED captures wait; returns at once if the stage has failed."""
        todo = [c for c in captures if wants_text(c) and c.record_id]
        if not todo or self._error is not None:
            return
        try:
            self.queue.add((c.record_id for c in todo if c.record_id), warc_date(utcnow()))
        except Exception as exc:  # the crawl goes on; the stage reports it at close()
            self._error = self._error or exc
            return
        for capture in todo:
            while self._error is None:
                try:
                    self._input.put(capture, timeout=0.5)
                    break
                except queue.Full:
                    continue

    def extract_page(
        self, url: str, body: bytes, content_type: str | None
    ) -> Future[dict[str, Any]]:
        """Extract BODY (content-coding removed) at URL for the crawl, in the stage's pool
        (``Extraction.to_dict()``); the capture of the same payload at URL takes the same
        result instead of being extracted again (the newest OFFERED are kept for that)."""
        future = self._pool().submit(extract_page, body, url, content_type)
        with self._offered_lock:
            self._offered[(url, digest_of(body), content_type)] = future
            while len(self._offered) > OFFERED:
                self._offered.popitem(last=False)
        return future

    def _taken(self, capture: Capture, response: StoredResponse) -> Future[dict[str, Any]] | None:
        """The crawl's extraction of RESPONSE's payload, if it asked for one."""
        with self._offered_lock:
            if not any(key[0] == capture.url for key in self._offered):
                return None
        body = decoded_payload(response)
        if body is None:
            return None
        with self._offered_lock:
            return self._offered.pop((capture.url, digest_of(body), response.content_type), None)

    def close(self) -> TextSummary:
        """Wait for every submitted capture, then stop the worker processes (which serve
        ``extract_page`` until then, even if the stage has failed); raises what stopped the
        stage, if anything."""
        self._input.put(_STOP)
        self._thread.join()
        with self._pool_lock:
            if self._pool_instance is not None:
                self._pool_instance.shutdown(cancel_futures=True)
                self._pool_instance = None
        if self._error is not None:
            raise self._error
        return self.summary

    def run(self, captures: Iterable[Capture]) -> TextSummary:
        """Extract CAPTURES (those that want text) and wait for them."""
        self.start()
        try:
            self.submit(captures)
        finally:
            summary = self.close()
        return summary

    # -- the stage's thread -----------------------------------------------------------------
    def _run(self) -> None:
        pending: deque[_Job] = deque()
        stopping = False
        try:
            while not stopping or pending:
                if not stopping:
                    chunk, stopping = self._take(wait=not pending)
                    pending.extend(self._begin(chunk) if chunk else ())
                while pending and (
                    stopping or len(pending) >= self.window or pending[0].result.done()
                ):
                    self._finish(pending.popleft())
                if self._rows and time.monotonic() - self._rows_since >= SYNC_INTERVAL:
                    self._commit()
            self._commit()
            self.writer.close()
        except BaseException as exc:  # a full disk, the index: reported by close()
            logger.error("text stage stopped: %s", exc)
            self._error = exc
            self._drain()
            try:  # the next start indexes what reached the file
                self.writer.abandon_current()
            except OSError as again:
                logger.error("text WARC left as it was: %s", again)

    def _take(self, wait: bool) -> tuple[list[Capture], bool]:
        """Up to CHUNK submitted captures, and whether close() was called."""
        timeout = None if wait and not self._rows else 0.02 if not wait else SYNC_INTERVAL
        try:
            item = self._input.get(timeout=timeout)
        except queue.Empty:
            return [], False
        items = [item]
        while len(items) < CHUNK and item is not _STOP:
            try:
                item = self._input.get_nowait()
            except queue.Empty:
                break
            items.append(item)
        captures = [i for i in items if isinstance(i, Capture)]
        return captures, items[-1] is _STOP

    def _drain(self) -> None:
        while True:
            try:
                self._input.get_nowait()
            except queue.Empty:
                return

    def _begin(self, chunk: list[Capture]) -> list[_Job]:
        loaded = [(capture, read_response(self.store, capture)) for capture in chunk]
        keys = [extraction_key(capture, payload) for capture, payload in loaded]
        earlier: dict[str, RowMapping] = {}
        if self.reuse and any(keys):
            earlier = self.texts.reusable([key for key in keys if key])
        jobs = []
        for (capture, response), key in zip(loaded, keys, strict=True):
            row = earlier.get(key) if key else None
            stored = self._stored_extraction(row) if row is not None else None
            taken = self._taken(capture, response) if stored is None and key else None
            if row is not None and stored is not None:
                jobs.append(_Job(capture, key, _done(stored), row["conversion_record_id"]))
            elif taken is not None:
                self.summary.taken += 1
                jobs.append(_Job(capture, key, taken))
            else:
                jobs.append(_Job(capture, key, self._extract(response)))
        return jobs

    def _extract(self, response: StoredResponse) -> Future[dict[str, Any]]:
        if response.error or self.workers == 1:
            return _done(extract_response(response))
        return self._pool().submit(extract_response, response)

    def _pool(self) -> ProcessPoolExecutor:
        """The worker processes, started at the first extraction that needs them."""
        with self._pool_lock:
            if self._pool_instance is None:
                context = multiprocessing.get_context("spawn")
                self._pool_instance = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=exit_with_parent
                )
            return self._pool_instance

    def _stored_extraction(self, row: RowMapping) -> dict[str, Any] | None:
        """The extraction held by the conversion record of ROW (None if it cannot be read)."""
        try:
            record = load_record(self.store, row["warc"], row["offset"], row["length"])
            name, _, value = record.block.decode("utf-8").partition(":")
            body = json.loads(value) if name == FIELD else None
        except (StoreError, ValueError, TypeError) as exc:
            logger.info("extracting again: %s: %s", row["url"], exc)
            return None
        extraction = body.get("extraction") if isinstance(body, dict) else None
        return extraction if isinstance(extraction, dict) else None

    def _finish(self, job: _Job) -> None:
        extraction = job.result.result()
        body = conversion_body(job.capture, extraction, job.key, job.reused_from)
        self.writer.ensure_file()
        moment = self.clock()
        record = conversion_for(job.capture, body, self.new_id(), moment, self.writer.warcinfo_id)
        location = self.writer.write_capture([record])[0]
        row = row_from_body(body, record.record_id, warc_date(moment))
        row.update(
            warc=self.store.uri_for(location.filename),
            offset=location.offset,
            length=location.length,
        )
        if not self._rows:
            self._rows_since = time.monotonic()
        self._rows.append(row)
        if job.reused_from is not None:
            self.summary.reused += 1
        else:
            self.summary.extracted += 1
        if row["error"]:
            self.summary.failed.append((row["url"], row["error"]))
        if len(self._rows) >= BATCH:
            self._commit()

    def _commit(self) -> None:
        """fsync the text WARC, then index its rows and unqueue their captures."""
        if not self._rows:
            return
        rows, self._rows = self._rows, []
        self.writer.sync()
        self.texts.add_texts(rows)
        self.queue.remove(row["capture_record_id"] for row in rows)
        if self.on_row is not None:
            for row in rows:
                self.on_row(row)

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
