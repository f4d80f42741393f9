"""WARC files on disk: written as ``NAME.open`` under a lock, renamed only after fsync at close.

A writer rolls over to a new file at a size limit but never between the records of one
capture (request, response and metadata stay together). Names are
``{prefix}-{timestamp}-{serial}-{hostname}-{pid}.warc.gz``, unique across concurrent
processes and hosts. A process that dies leaves ``.open`` files; :mod:`archive.warc.recovery`
repairs them.

Writes are unbuffered, one whole gzip member at a time. A capture whose write fails (disk
full, file too large) is cut off again, so the file ends after its last complete record, and
a file that would hold no record but its ``warcinfo`` is deleted: no empty or header-only
file is left behind.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from archive.timestamps import Clock, timestamp14, utcnow
from archive.warc.record import (
    DEFAULT_GZIP_LEVEL,
    RecordIdFactory,
    WarcRecord,
    gzip_member,
    new_record_id,
    warcinfo_record,
)

__all__ = [
    "OPEN_SUFFIX",
    "RecordLocation",
    "WarcFile",
    "WarcWriter",
    "fsync_directory",
    "open_written",
]

OPEN_SUFFIX = ".open"
DEFAULT_MAX_FILE_SIZE = 1_000_000_000


@dataclass(frozen=True)
class RecordLocation:
    filename: str  # final name, without .open
    offset: int
    length: int
    record_id: str


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_written(path: Path) -> IO[bytes]:
    """Open the WARC file PATH for reading, as ``NAME.open`` while its writer still holds it.

    The writer renames ``NAME.open`` to ``NAME`` when it closes the file, at any moment. The
    open name is tried first: if it is gone, the rename has happened and ``NAME`` is there
    (checking ``NAME`` first could miss both). Raises FileNotFoundError if neither exists.
    """
    try:
        return path.with_name(path.name + OPEN_SUFFIX).open("rb")
    except FileNotFoundError:
        return path.open("rb")


class WarcFile:
    """One WARC being written. Appends gzip members and reports where each one landed."""

    def __init__(self, directory: Path, name: str) -> None:
        self.name = name
        self.final_path = directory / name
        self.open_path = directory / (name + OPEN_SUFFIX)
        self._file = self.open_path.open("xb", buffering=0)
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.size = 0
        self.header_size = 0  # bytes of the warcinfo record

    def append(self, member: bytes) -> tuple[int, int]:
        """Write MEMBER whole at the end (an OSError leaves a partial member: see :meth:`cut`)."""
        offset = self.size
        view = memoryview(member)
        while view:
            written = self._file.write(view)
            view = view[written or 0 :]
        self.size += len(member)
        return offset, len(member)

    def cut(self, size: int) -> None:
        """Drop everything after SIZE bytes (the partial records of a failed write)."""
        os.ftruncate(self._file.fileno(), size)
        self._file.seek(size)
        self.size = size

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> Path:
        self.sync()
        self.open_path.replace(self.final_path)
        fsync_directory(self.final_path.parent)
        self._file.close()  # releases the lock only once the final name is durable
        return self.final_path

    def abandon(self) -> None:
        """Close without renaming, leaving the ``.open`` file for recovery."""
        self._file.close()

    def discard(self) -> None:
        """Close and delete the file (it holds no capture)."""
        self._file.close()
        self.open_path.unlink(missing_ok=True)


class WarcWriter:
    """Rolls WARC files in one directory; call :meth:`write_capture` with a capture's records."""

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str = "prov",
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        warcinfo_fields: Iterable[tuple[str, str]] = (),
        gzip_level: int = DEFAULT_GZIP_LEVEL,
        clock: Clock = utcnow,
        new_id: RecordIdFactory = new_record_id,
        on_closed: Callable[[Path], None] | None = None,
        hostname: str | None = None,
        pid: int | None = None,
    ) -> None:
        if max_file_size <= 0:
            raise ValueError(f"max_file_size must be positive, got {max_file_size}")
        self.directory = directory
        self.prefix = prefix
        self.max_file_size = max_file_size
        self.warcinfo_fields = list(warcinfo_fields)
        self.gzip_level = gzip_level
        self.clock = clock
        self.new_id = new_id
        self.on_closed = on_closed
        self.current: WarcFile | None = None
        self.warcinfo_id: str | None = None
        self._serial = 0
        host = hostname or socket.gethostname()
        self._host = host.split(".")[0].replace("-", "_") or "host"
        self._pid = os.getpid() if pid is None else pid
        directory.mkdir(parents=True, exist_ok=True)

    def _next_name(self) -> str:
        self._serial += 1
        stamp = timestamp14(self.clock())
        return f"{self.prefix}-{stamp}-{self._serial:05d}-{self._host}-{self._pid}.warc.gz"

    def _open_new(self) -> WarcFile:
        while True:
            name = self._next_name()
            if not (self.directory / name).exists():
                try:
                    warc = WarcFile(self.directory, name)
                    break
                except FileExistsError:
                    continue
        record = warcinfo_record(name, self.warcinfo_fields, self.new_id(), self.clock())
        try:
            warc.append(gzip_member(record.to_bytes(), self.gzip_level))
        except OSError:
            warc.discard()
            raise
        warc.header_size = warc.size
        self.warcinfo_id = record.record_id
        self.current = warc
        return warc

    @property
    def full(self) -> bool:
        """The next :meth:`ensure_file` closes the current file and opens a new one."""
        return self.current is not None and self.current.size >= self.max_file_size

    def ensure_file(self) -> WarcFile:
        """The file the next capture goes to (opens or rolls over as needed)."""
        if self.full:
            self.close_current()
        return self.current or self._open_new()

    def write_capture(self, records: list[WarcRecord]) -> list[RecordLocation]:
        """Append the records of one capture to one file; returns their locations. On an
        OSError none of them stays in the file (a file left with no capture is deleted)."""
        warc = self.ensure_file()
        start = warc.size
        locations = []
        try:
            for record in records:
                offset, length = warc.append(gzip_member(record.to_bytes(), self.gzip_level))
                locations.append(RecordLocation(warc.name, offset, length, record.record_id))
        except OSError:
            self._roll_back(warc, start)
            raise
        return locations

    def _roll_back(self, warc: WarcFile, start: int) -> None:
        if start <= warc.header_size:
            warc.discard()
            self.current = None
            return
        with suppress(OSError):  # else recovery cuts it after its last complete member
            warc.cut(start)

    def sync(self) -> None:
        if self.current is not None:
            self.current.sync()

    def close_current(self) -> None:
        """Close the current file under its final name (delete it if it holds no capture)."""
        if self.current is None:
            return
        if self.current.size <= self.current.header_size:
            self.current.discard()
            self.current = None
            return
        path = self.current.close()
        self.current = None
        if self.on_closed is not None:
            self.on_closed(path)

    def abandon_current(self) -> None:
        """Leave the current file ``.open`` for recovery (deleted if it holds no capture)."""
        if self.current is None:
            return
        if self.current.size <= self.current.header_size:
            self.current.discard()
        else:
            self.current.abandon()
        self.current = None

    def close(self) -> None:
        self.close_current()
