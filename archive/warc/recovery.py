"""Repair WARC files left ``.open`` by a process that died, and index what they hold.

A file is repaired only if no live process holds its lock. It is cut after its last complete
gzip member (each member is one whole record), and before a capture whose records are not all
there (a response whose metadata record never followed: its fetch was never indexed nor
acknowledged, so it was not part of the archive yet), fsynced, indexed (rows for records the index
does not know yet) and renamed to its final name, with its CDXJ beside it; its responses are
queued for the text stage (:mod:`archive.index.text_queue`). A file that holds
no complete record but its ``warcinfo`` (or nothing at all: a write that failed on a full
disk) is deleted instead: an empty or header-only file is never renamed into place.
"""

from __future__ import annotations

import fcntl
import logging
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from archive.errors import error_line
from archive.index.captures import CaptureIndex
from archive.index.text_queue import TextQueue
from archive.index.texts import TextIndex
from archive.timestamps import utcnow, warc_date
from archive.warc.cdxj import cdxj_path_for, write_cdxj
from archive.warc.file import OPEN_SUFFIX, fsync_directory
from archive.warc.indexer import index_warc_path

__all__ = ["RepairedFile", "complete_captures", "complete_members", "repair_open_files"]

logger = logging.getLogger(__name__)
_READ = 1 << 20


@dataclass(frozen=True)
class RepairedFile:
    path: Path
    kept_bytes: int
    dropped_bytes: int
    new_rows: int
    removed: bool = False  # it held no record but its warcinfo: deleted, not renamed
    error: str | None = None  # not repaired (a full disk): it stays open for the next start


def complete_members(path: Path) -> tuple[int, int]:
    """Offset just after the last complete gzip member of PATH, and how many complete
    members precede it ((0, 0) if there is none)."""
    good_end = 0
    count = 0
    position = 0
    decomp = zlib.decompressobj(31)
    with path.open("rb") as stream:
        buffer = b""
        while True:
            if not buffer:
                buffer = stream.read(_READ)
                if not buffer:
                    return good_end, count
            try:
                decomp.decompress(buffer, 0)
            except zlib.error:
                return good_end, count
            if decomp.eof:
                consumed = len(buffer) - len(decomp.unused_data)
                position += consumed
                good_end = position
                count += 1
                buffer = decomp.unused_data
                decomp = zlib.decompressobj(31)
            else:
                position += len(buffer)
                buffer = b""


def complete_captures(path: Path, end: int) -> int:
    """Offset just after the last complete capture in the first END bytes of PATH: a response
    or revisit record counts once the metadata record naming it (WARC-Concurrent-To) follows."""
    waiting: dict[str, int] = {}  # record id -> offset, of responses without their metadata
    with path.open("rb") as stream:
        iterator = ArchiveIterator(LimitReader(stream, end), check_digests=False)
        for record in iterator:
            headers = record.rec_headers
            kind = headers.get_header("WARC-Type")
            if kind in ("response", "revisit"):
                waiting[headers.get_header("WARC-Record-ID")] = iterator.get_record_offset()
            elif kind == "metadata":
                waiting.pop(headers.get_header("WARC-Concurrent-To") or "", None)
    return min(waiting.values(), default=end)


def repair_open_files(
    directory: Path, index: CaptureIndex, uri_for: Callable[[str], str]
) -> list[RepairedFile]:
    repaired = []
    for open_path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        try:
            result = _repair_one(open_path, index, uri_for)
        except (OSError, SQLAlchemyError) as exc:  # a full disk: it stays open for next time
            logger.error("could not repair %s: %s", open_path.name, error_line(exc))
            size = open_path.stat().st_size if open_path.exists() else 0
            repaired.append(RepairedFile(open_path, size, 0, 0, error=error_line(exc)))
            continue
        if result is not None:
            repaired.append(result)
    return repaired


def _warcinfo_end(path: Path) -> int:
    """Offset just after the first gzip member (the warcinfo record)."""
    decomp = zlib.decompressobj(31)
    with path.open("rb") as stream:
        head = stream.read(_READ)
    decomp.decompress(head)
    return len(head) - len(decomp.unused_data) if decomp.eof else len(head)


def _repair_one(
    open_path: Path, index: CaptureIndex, uri_for: Callable[[str], str]
) -> RepairedFile | None:
    with open_path.open("r+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # a live writer holds it
        size = os.fstat(handle.fileno()).st_size
        end, members = complete_members(open_path)
        if members > 1:
            end = complete_captures(open_path, end)
        if members <= 1 or end <= _warcinfo_end(open_path):  # nothing, or only the warcinfo
            open_path.unlink()
            fsync_directory(open_path.parent)
            logger.warning("removed %s: it held no record (%d bytes)", open_path.name, size)
            return RepairedFile(open_path, 0, size, 0, removed=True)
        if end < size:
            handle.truncate(end)
        handle.flush()
        os.fsync(handle.fileno())
        final_path = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
        name = final_path.name
        records = index_warc_path(open_path, uri_for(name), name)
        rows = [r.row for r in records if r.table == "captures"]
        new_rows = index.add_captures(rows)
        TextIndex(index.engine).add_texts([r.row for r in records if r.table == "texts"])
        responses = (row["record_id"] for row in rows if row["record_type"] == "response")
        TextQueue(index.engine).add(responses, warc_date(utcnow()))  # their run never got to it
        write_cdxj(cdxj_path_for(final_path), [r.cdxj for r in records if r.cdxj])
        open_path.replace(final_path)
        fsync_directory(final_path.parent)
        index.record_warc_file(name, uri_for(name), None, end, warc_date(utcnow()), "recovered")
    logger.warning(
        "repaired %s: kept %d bytes, dropped %d, indexed %d new captures",
        final_path.name,
        end,
        size - end,
        new_rows,
    )
    return RepairedFile(final_path, end, size - end, new_rows)
