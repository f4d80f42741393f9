"""The capture recorder: exchanges in, WARC records and index rows out, on one writer thread.

Compression and disk writes happen off the caller's thread (zlib releases the GIL, so on a
crawl this uses the second core). Index rows are group-committed: the WARC file is fsynced
first, then the rows pointing into it are inserted, so a row never points at bytes that are
not durably on disk. A write error (disk full, file too large) cuts the failed capture off
again, abandons the current file as ``.open`` for :mod:`archive.warc.recovery` (deleted if it
holds no capture), records the URL in :attr:`CaptureRecorder.unwritten` and goes on with a new
file for the next capture. A capture whose records are on disk but whose row could not be
indexed is ``unwritten`` with ``on_disk``: its file stays ``.open`` and the next start indexes
it. Nothing here raises: every failure ends up in ``write_errors`` and ``unwritten``.

For crawls on the shared frontier a worker acknowledges a request only once its capture is
durable and indexed: :attr:`CaptureRecorder.recorded` counts the exchanges handed in, and
:attr:`CaptureRecorder.settled` how many of the first ones are indexed (or known unwritten).
:meth:`CaptureRecorder.rollover` closes the current file if it holds captures of a crawl, so
that a crawl that ended on every worker has its WARCs closed (and, with S3, uploaded).

Each group of captures, once indexed, goes to ``on_indexed`` (the text stage, which then runs
beside the crawl); it may block, which holds the recorder and in turn the crawl back.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from archive.capture.exchange import Exchange
from archive.capture.records import build_capture
from archive.errors import error_line
from archive.index.captures import CaptureIndex
from archive.index.rows import Capture
from archive.timestamps import utcnow, warc_date
from archive.warc.cdxj import INDEXED_TYPES, capture_cdxj, cdxj_path_for, write_cdxj
from archive.warc.file import WarcWriter
from archive.warc.record import RecordIdFactory, new_record_id

__all__ = ["CaptureRecorder"]

logger = logging.getLogger(__name__)

_STOP = object()


class _Rollover:
    def __init__(self, crawl_id: str) -> None:
        self.crawl_id = crawl_id


def _size_of(exchange: Exchange) -> int:
    wire = len(exchange.parser.wire) if exchange.parser is not None else 0
    return len(exchange.request_bytes) + wire


class CaptureRecorder:
    def __init__(
        self,
        writer: WarcWriter,
        index: CaptureIndex,
        *,
        uri_for: Callable[[str], str],
        crawl_id: str,
        sync_interval: float = 0.5,
        max_pending: int = 256,
        max_queued_bytes: int = 64 * 1024 * 1024,
        new_id: RecordIdFactory = new_record_id,
        on_file_closed: Callable[[Path], None] | None = None,
        after_close: Callable[[], object] | None = None,
        on_indexed: Callable[[list[Capture]], object] | None = None,
    ) -> None:
        self.writer = writer
        self.on_file_closed = on_file_closed  # e.g. the S3 uploader's submit
        self.after_close = after_close  # e.g. wait a bounded time for pending uploads
        self.on_indexed = on_indexed  # e.g. the text stage's submit
        self.index = index
        self.uri_for = uri_for
        self.crawl_id = crawl_id
        self.sync_interval = sync_interval
        self.max_pending = max_pending
        self.new_id = new_id
        self.write_errors: list[str] = []
        self.unwritten: list[dict[str, Any]] = []  # url, seed, error (and on_disk) of each
        self.stats: dict[str, int] = defaultdict(int)
        self._queue: queue.Queue[object] = queue.Queue()
        self.max_queued_bytes = max_queued_bytes
        self._queued_bytes = 0
        self._room = threading.Condition()
        self._pending: list[dict[str, Any]] = []
        self._pending_since = 0.0
        self._cdxj: dict[str, list[str]] = defaultdict(list)
        self._thread = threading.Thread(target=self._run, name="prov-recorder", daemon=True)
        self._fatal: BaseException | None = None
        self.recorded = 0  # exchanges handed to record()
        self.settled = 0  # of those, how many are indexed or known unwritten
        self._processed = 0
        self._file_crawls: set[str] = set()  # crawls with captures in the current file
        writer.on_closed = self._file_closed

    def start(self) -> CaptureRecorder:
        self._thread.start()
        return self

    def record(self, exchange: Exchange) -> None:
        """Queue an exchange; blocks while the writer is MAX_QUEUED_BYTES behind, so memory
        stays bounded however large the responses are (one larger exchange still passes)."""
        exchange.context.setdefault("crawl-id", self.crawl_id)
        size = _size_of(exchange)
        with self._room:
            while (
                self._fatal is None
                and self._queued_bytes
                and self._queued_bytes + size > self.max_queued_bytes
            ):
                self._room.wait()
            self.recorded += 1
            if self._fatal is not None:
                self._unwritten(exchange, f"capture recorder stopped: {error_line(self._fatal)}")
                self.settled = self.recorded
                return
            self._queued_bytes += size
            self._queue.put(exchange)  # under the lock: none is queued once the thread stops

    def rollover(self, crawl_id: str) -> None:
        """Close the current file (it is then uploaded) if it holds captures of CRAWL_ID."""
        self._queue.put(_Rollover(crawl_id))

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join()
        if self.after_close is not None:
            self.after_close()
        if self._fatal is not None:
            self.write_errors.append(f"capture recorder stopped: {error_line(self._fatal)}")

    def _run(self) -> None:
        try:
            while True:
                timeout = None
                if self._pending:
                    timeout = max(0.0, self._pending_since + self.sync_interval - time.monotonic())
                try:
                    item = self._queue.get(timeout=timeout)
                except queue.Empty:
                    self._sync()
                    continue
                if item is _STOP:
                    break
                if isinstance(item, _Rollover):
                    if item.crawl_id in self._file_crawls:
                        self._sync()
                        self._close_writer()
                    continue
                assert isinstance(item, Exchange)
                self._write(item)
                self._processed += 1
                with self._room:
                    self._queued_bytes -= _size_of(item)
                    self._room.notify_all()
                if len(self._pending) >= self.max_pending or self._sync_due():
                    self._sync()
                elif not self._pending:
                    self.settled = self._processed
            self._sync()
            self._close_writer()
        except BaseException as exc:  # the crawl must hear about it, not a dead thread
            logger.error("capture recorder stopped: %s", error_line(exc))
            with self._room:
                self._fatal = exc
                self._room.notify_all()
            self._drain_after_fatal()

    def _sync_due(self) -> bool:
        """A backlog that never lets the queue run empty still commits every SYNC_INTERVAL."""
        return bool(self._pending) and (
            time.monotonic() >= self._pending_since + self.sync_interval
        )

    def _drain_after_fatal(self) -> None:
        """Report what was queued when the thread stopped (it is not written)."""
        assert self._fatal is not None
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, Exchange):
                self._unwritten(item, f"capture recorder stopped: {error_line(self._fatal)}")
            self.settled = self.recorded

    def _write(self, exchange: Exchange) -> None:
        if self.writer.full:
            self._sync()  # rows for a file are indexed before it is closed (or left open)
        try:
            warc = self.writer.ensure_file()
            built = build_capture(exchange, self.writer.warcinfo_id, self.new_id)
            locations = self.writer.write_capture(built.records)
        except OSError as exc:
            self._write_failed(exchange, exc)
            return
        primary = next(loc for loc in locations if loc.record_id == built.primary.record_id)
        row = built.row
        row["crawl_id"] = row["crawl_id"] or self.crawl_id
        if built.primary.warc_type in ("response", "revisit"):
            row.update(warc=self.uri_for(warc.name), offset=primary.offset, length=primary.length)
        else:
            row.update(warc=None, offset=None, length=None)
        if built.primary.warc_type in INDEXED_TYPES:
            self._cdxj[warc.name].append(
                capture_cdxj(
                    row, filename=warc.name, offset=primary.offset, length=primary.length
                )
            )
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append(row)
        self._file_crawls.add(row["crawl_id"])
        self.stats["warc/records_written"] += len(locations)
        self.stats["warc/bytes_written"] += sum(loc.length for loc in locations)
        self.stats["prov/captures" if row["status"] is not None else "prov/fetch_failures"] += 1

    def _write_failed(self, exchange: Exchange, exc: OSError) -> None:
        where = f" ({Path(exc.filename).name})" if exc.filename else ""
        message = f"WARC write failed: {exc.strerror or exc}{where}"
        logger.error("%s: %s", exchange.url, message)
        self.write_errors.append(message)
        self.stats["warc/write_errors"] += 1
        self._sync()  # rows for the complete records before this one, if the file still syncs
        self.writer.abandon_current()
        self._unwritten(exchange, message)

    def _unwritten(self, exchange: Exchange, message: str) -> None:
        seed = exchange.context.get("seed") or exchange.url
        crawl_id = exchange.context.get("crawl-id") or self.crawl_id
        entry = {"url": exchange.url, "seed": seed, "error": message, "crawl_id": crawl_id}
        self.unwritten.append(entry)

    def _error(
        self,
        what: str,
        exc: BaseException,
        rows: Sequence[dict[str, Any]] = (),
        *,
        on_disk: bool = False,
    ) -> None:
        message = f"{what}: {error_line(exc)}"
        logger.error(message)
        self.write_errors.append(message)
        self.unwritten.extend(
            {"url": r["url"], "seed": r.get("seed") or r["url"], "error": message}
            | {"crawl_id": r.get("crawl_id") or self.crawl_id}
            | ({"on_disk": True} if on_disk else {})
            for r in rows
        )

    def _sync(self) -> None:
        try:
            self._commit()
        finally:
            self.settled = self._processed

    def _commit(self) -> None:
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        try:
            self.writer.sync()
        except OSError as exc:  # not durable: no rows; recovery indexes what reached the disk
            self._error("WARC sync failed", exc, rows)
            self.writer.abandon_current()
            return
        try:
            self.index.add_captures(rows)
        except Exception as exc:  # durable but not indexed: the file stays open for recovery
            self._error("index write failed", exc, rows, on_disk=True)
            self.writer.abandon_current()
            return
        if self.on_indexed is not None:
            try:
                self.on_indexed([Capture.from_row(row) for row in rows])
            except Exception as exc:  # the captures are stored; only their text waits
                logger.error("handing captures to the text stage failed: %s", error_line(exc))

    def _file_closed(self, path: Path) -> None:
        self._file_crawls.clear()
        lines = self._cdxj.pop(path.name, [])
        try:
            write_cdxj(cdxj_path_for(path), lines)  # prov reindex rebuilds it if this fails
            self.index.record_warc_file(
                path.name,
                self.uri_for(path.name),
                self.crawl_id,
                path.stat().st_size,
                warc_date(utcnow()),
                "closed",
            )
        except Exception as exc:
            self._error(f"recording {path.name} failed", exc)
        if self.on_file_closed is not None:
            self.on_file_closed(path)

    def _close_writer(self) -> None:
        try:
            self.writer.close()
        except OSError as exc:  # left open: recovery finishes it
            self.write_errors.append(f"closing WARC failed: {error_line(exc)}")
            self.writer.abandon_current()

