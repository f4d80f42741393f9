"""Closed WARC files (and their CDXJ) from the spool to S3, on a thread of their own.

The recorder hands each file over as it closes (:meth:`Uploader.submit`); the crawl never
waits for S3. A failed upload (endpoint down, slow, refusing) is retried with bounded
exponential backoff for as long as the process runs; at the end of a crawl
:meth:`Uploader.drain` waits a bounded time. Nothing is lost meanwhile: a file leaves the
spool only after its object is verified, and whatever is still in the spool goes up at the
next start or with ``prov upload``. Several processes may upload from one spool: each file
is locked (``flock``) while it is uploaded, and puts are conditional.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ProvError
from archive.index.captures import CaptureIndex
from archive.index.files import CONFLICT, UPLOADED, file_states, set_state
from archive.store.base import Store
from archive.store.s3.client import describe
from archive.store.s3.put import ObjectExists, UploadMismatch, VerifiedPut
from archive.store.s3.store import S3Store
from archive.timestamps import utcnow, warc_date
from archive.warc.cdxj import cdxj_path_for, write_cdxj
from archive.warc.file import fsync_directory
from archive.warc.indexer import index_warc_path

__all__ = ["Busy", "PendingFile", "UploadStats", "Uploader", "pending_files", "start_uploads"]

logger = logging.getLogger(__name__)
ORPHAN_AGE = 60.0  # a closed file the index does not know yet may be mid-close: wait this long


class Busy(ProvError):
    """Another process is uploading this file."""


@dataclass(frozen=True)
class PendingFile:
    name: str
    size: int
    state: str
    error: str | None = None


@dataclass
class UploadStats:
    uploaded: list[str] = field(default_factory=list)
    already_there: int = 0
    bytes: int = 0
    seconds: float = 0.0
    conflicts: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # last error per waiting file


def pending_files(store: S3Store, index: CaptureIndex, uploader: Uploader | None = None) -> list[
    PendingFile
]:
    """Spool files whose upload is not verified yet (oldest name first)."""
    states = file_states(index.engine)
    errors = uploader.stats.errors if uploader else {}
    pending = []
    for path in store.spool_files():
        state = states.get(path.name, "unindexed")
        if state == UPLOADED:
            continue
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            continue  # uploaded meanwhile
        pending.append(PendingFile(path.name, size, state, errors.get(path.name)))
    return pending


class Uploader:
    def __init__(self, store: S3Store, index: CaptureIndex) -> None:
        options = store.options
        self.store = store
        self.index = index
        self.keep_spool = options.keep_spool
        # hold_spool: verified files stay in the spool until release_spool() (the text stage
        # after a crawl reads them there, not from S3)
        self.hold_spool = False
        self.retry_max_delay = options.retry_max_delay
        self.put = VerifiedPut(
            store.client,
            store.bucket,
            part_size=options.part_size,
            lock_mode=options.lock_mode,
            lock_days=options.lock_days,
        )
        self.stats = UploadStats()
        self.last_error: str | None = None
        self._queue: deque[str] = deque()
        self._queued: set[str] = set()
        self._busy = False
        self._stop = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    # -- the thread ---------------------------------------------------------------------

    def start(self) -> Uploader:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="prov-uploader", daemon=True)
                self._thread.start()
        return self

    def submit(self, path: Path) -> None:
        """Queue a closed spool file for upload (never blocks)."""
        with self._cond:
            if path.name not in self._queued:
                self._queued.add(path.name)
                self._queue.append(path.name)
                self._cond.notify_all()

    def submit_pending(self) -> int:
        """Queue every spool file not uploaded yet; returns how many."""
        now = time.time()
        waiting = pending_files(self.store, self.index)
        count = 0
        if not self.keep_spool and not self.hold_spool:  # verified, but not removed yet
            states = file_states(self.index.engine)
            for path in self.store.spool_files():
                if states.get(path.name) == UPLOADED:
                    self.submit(path)
        for item in waiting:
            path = self.store.spool / item.name
            if item.state == "unindexed" and _age(path, now) < ORPHAN_AGE:
                continue  # its writer may still be closing it
            self.submit(path)
            count += 1
        return count

    def _run(self) -> None:
        failures = 0
        while True:
            with self._cond:
                while not self._queue and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                name = self._queue.popleft()
                self._busy = True
            ok = self._attempt(name)
            with self._cond:
                self._busy = False
                if ok:
                    self._queued.discard(name)
                    failures = 0
                else:
                    self._queue.append(name)
                    failures += 1
                    delay = min(self.retry_max_delay, 0.25 * 2 ** min(failures, 16))
                    self._cond.notify_all()
                    self._cond.wait_for(lambda: self._stop, timeout=delay)
                self._cond.notify_all()

    def _attempt(self, name: str) -> bool:
        """One try at NAME; True when it needs no more tries (uploaded, gone, or conflict)."""
        try:
            self.upload_one(name)
        except Busy:
            return False
        except (ObjectExists, UploadMismatch) as exc:
            self._conflict(name, str(exc))
            return True
        except Exception as exc:
            message = describe(exc, self.store.bucket)
            if message != self.last_error:
                logger.warning("upload of %s waits: %s", name, message)
            self.last_error = self.stats.errors[name] = message
            return False
        return True

    def drain(self, timeout: float) -> bool:
        """Wait up to TIMEOUT seconds for the queue to empty; True if it did."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0 or self._thread is None:
                    return False
                self._cond.wait(min(left, 0.5))
            return True

    def stop(self, wait: float = 5.0) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(wait)

    @property
    def stopped(self) -> bool:
        return self._stop

    @property
    def idle(self) -> bool:
        with self._cond:
            return not self._queue and not self._busy

    # -- one file -----------------------------------------------------------------------

    def upload_one(self, name: str) -> None:
        """Upload NAME and its CDXJ, verify both, mark it uploaded, then drop the spool copy."""
        path = self.store.spool / name
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return  # another process uploaded it
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy(name) from None
            if not path.exists():
                return
            uri = self.store.uri_for(name)
            size = path.stat().st_size
            if file_states(self.index.engine).get(name) != UPLOADED:
                cdxj = self._ensure_indexed(path, uri)
                started = time.monotonic()
                result = self.put.put_file(path, self.store.key_for(name))
                self.put.put_file(cdxj, self.store.key_for(cdxj.name))
                set_state(
                    self.index.engine, name, UPLOADED, uri=uri, size=size, closed=_now()
                )
                self.stats.seconds += time.monotonic() - started
                self.stats.uploaded.append(name)
                self.stats.bytes += size
                self.stats.already_there += result.already_there
                self.stats.errors.pop(name, None)
                logger.info("uploaded %s (%d bytes, verified sha256)", uri, size)
            if not self.keep_spool and not self.hold_spool:
                _remove(path)

    def release_spool(self) -> int:
        """Remove the spool copies of files verified in the bucket; returns how many."""
        self.hold_spool = False
        if self.keep_spool:
            return 0
        states = file_states(self.index.engine)
        removed = 0
        for path in self.store.spool_files():
            if states.get(path.name) == UPLOADED:
                _remove(path)
                removed += 1
        return removed

    def _ensure_indexed(self, path: Path, uri: str) -> Path:
        """The CDXJ of PATH, rebuilt (with any index rows missing) if a crash lost it."""
        cdxj = cdxj_path_for(path)
        states = file_states(self.index.engine)
        if cdxj.exists() and path.name in states:
            return cdxj
        from archive.index.texts import TextIndex

        records = index_warc_path(path, uri, path.name)
        self.index.add_captures([r.row for r in records if r.table == "captures"])
        TextIndex(self.index.engine).add_texts([r.row for r in records if r.table == "texts"])
        write_cdxj(cdxj, [r.cdxj for r in records if r.cdxj])
        if path.name not in states:
            set_state(
                self.index.engine,
                path.name,
                "recovered",
                uri=uri,
                size=path.stat().st_size,
                closed=_now(),
            )
        return cdxj

    def _conflict(self, name: str, message: str) -> None:
        logger.error("not uploaded: %s", message)
        self.stats.conflicts[name] = message
        path = self.store.spool / name
        set_state(
            self.index.engine,
            name,
            CONFLICT,
            uri=self.store.uri_for(name),
            size=path.stat().st_size if path.exists() else 0,
            closed=_now(),
        )


def _remove(path: Path) -> None:
    cdxj_path_for(path).unlink(missing_ok=True)
    path.unlink(missing_ok=True)
    fsync_directory(path.parent)


def _now() -> str:
    return warc_date(utcnow())


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


# -- one uploader per spool in a process ---------------------------------------------------

_uploaders: dict[Path, Uploader] = {}
_lock = threading.Lock()


def start_uploads(store: Store, index: CaptureIndex) -> Uploader | None:
    """The process's uploader for an S3 STORE (None for local stores), started, with
    every pending spool file queued."""
    if not isinstance(store, S3Store):
        return None
    with _lock:
        uploader = _uploaders.get(store.spool)
        if uploader is None or uploader.stopped:
            uploader = _uploaders[store.spool] = Uploader(store, index)
    uploader.submit_pending()
    return uploader.start()
