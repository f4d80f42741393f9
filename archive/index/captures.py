"""Capture rows: written only after the bytes they point at are durable; read by lookups.

Captures of a crawl on the shared frontier carry the id of the request they answer. A request
is captured once: if a worker stopped before acknowledging a request it had captured, the
request went to another worker, and a second success for it (the other worker's, or the
first one's found later when its WARC file is repaired) is indexed with ``duplicate_of``
naming the capture the crawl keeps. The WARC files keep both; :meth:`CaptureIndex.for_crawl`
leaves duplicates out, :meth:`CaptureIndex.lookup` shows every capture.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from archive.index.chunked import rows_matching
from archive.index.rows import CAPTURE_FIELDS, Capture, PreviousCapture
from archive.index.schema import captures, crawls, warc_files
from archive.surts import surt_of

__all__ = ["CaptureIndex"]

# A capture a re-capture may revisit: complete, a 200 (or a 304 revisit of one), with a digest.
_REVISITABLE = (
    "status IN (200, 304) AND record_type IN ('response', 'revisit') "
    "AND truncated IS NULL AND payload_digest IS NOT NULL"
)
_PREVIOUS = text(
    "SELECT record_id, url, warc_date, payload_digest, etag, last_modified, refers_to, "
    f"refers_to_date FROM captures WHERE surt = :surt AND url = :url AND {_REVISITABLE} "
    "ORDER BY warc_date DESC, id DESC LIMIT 1"
)
_REVISITABLE_SURTS = text(f"SELECT DISTINCT surt FROM captures WHERE {_REVISITABLE} LIMIT :n")
_COLUMNS = ", ".join(f'"{name}"' for name in CAPTURE_FIELDS)  # "offset" is a keyword
_LOOKUP = text(f"SELECT {_COLUMNS} FROM captures WHERE surt = :surt ORDER BY warc_date, id")

_SUCCESS = ("response", "revisit")


def _is_success(row: dict[str, Any]) -> bool:
    return row.get("record_type") in _SUCCESS and not row.get("error")


def _mark_duplicates(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Set ``duplicate_of`` on a success for a request that already has one."""
    wanted = {r["request_id"] for r in rows if r["request_id"] and _is_success(r)}
    if not wanted:
        return
    query = select(captures.c.request_id, captures.c.record_id).where(
        captures.c.request_id.in_(wanted),
        captures.c.record_type.in_(_SUCCESS),
        captures.c.error.is_(None),
        captures.c.duplicate_of.is_(None),
    )
    kept: dict[str, str] = {request: record for request, record in conn.execute(query).all()}
    for row in rows:
        request = row["request_id"]
        if not request or not _is_success(row):
            continue
        if request in kept:
            row["duplicate_of"] = kept[request]
        else:
            kept[request] = row["record_id"]


class CaptureIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_captures(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert rows whose record id is not indexed yet; returns how many were new."""
        if not rows:
            return 0
        with self.engine.begin() as conn:
            ids = [row["record_id"] for row in rows if row.get("record_id")]
            known = set()
            if ids:
                known = set(
                    conn.scalars(select(captures.c.record_id).where(captures.c.record_id.in_(ids)))
                )
            fresh = [row for row in rows if row.get("record_id") not in known]
            if fresh:
                for row in fresh:
                    row.setdefault("request_id", None)
                    row.setdefault("duplicate_of", None)
                _mark_duplicates(conn, fresh)
                conn.execute(insert(captures), fresh)
        return len(fresh)

    def clear(self) -> None:
        """Forget every capture (before a rebuild from the WARC files)."""
        with self.engine.begin() as conn:
            conn.execute(delete(captures))

    def previous_capture(self, url: str) -> PreviousCapture | None:
        """Newest complete 200 capture of exactly URL (a revisit resolves to its original).

        Asked once per request of a crawl, so the statement is plain SQL: building it with
        Core expressions cost over a millisecond a call, the query itself a few microseconds.
        """
        with self.engine.connect() as conn:
            row = conn.execute(_PREVIOUS, {"surt": surt_of(url), "url": url}).mappings().first()
        if row is None:
            return None
        return PreviousCapture(
            record_id=row["refers_to"] or row["record_id"],
            url=row["url"],
            warc_date=row["refers_to_date"] or row["warc_date"],
            payload_digest=row["payload_digest"],
            etag=row["etag"],
            last_modified=row["last_modified"],
        )

    def revisitable_surts(self, limit: int) -> set[str] | None:
        """SURT keys that have a capture a re-capture may revisit; None if more than LIMIT
        (then ask :meth:`previous_capture` for every URL)."""
        with self.engine.connect() as conn:
            found = set(conn.scalars(_REVISITABLE_SURTS, {"n": limit + 1}))
        return None if len(found) > limit else found

    def lookup(self, url: str) -> list[Capture]:
        """Every capture of URL (same SURT key, so http/https and www. variants), oldest first."""
        return [Capture(**row) for row in self.lookup_json(url)]

    def lookup_json(self, url: str) -> list[dict[str, Any]]:
        """:meth:`lookup` as capture objects (``Capture.to_json``) straight from the rows:
        what the HTTP API answers, without building a ``Capture`` per row (a third of the
        time of a lookup of 20 captures)."""
        with self.engine.connect() as conn:
            rows = conn.execute(_LOOKUP, {"surt": surt_of(url)})
            return [dict(zip(CAPTURE_FIELDS, row, strict=True)) for row in rows]

    def for_crawl(self, crawl_id: str) -> list[Capture]:
        """The crawl's captures, oldest first (one per request: duplicates left out)."""
        query = (
            select(captures)
            .where(captures.c.crawl_id == crawl_id, captures.c.duplicate_of.is_(None))
            .order_by(captures.c.warc_date, captures.c.id)
        )
        with self.engine.connect() as conn:
            return [Capture.from_row(row) for row in conn.execute(query)]

    def crawl_progress(self, crawl_id: str) -> tuple[int, str | None]:
        """How many captures :meth:`for_crawl` would give, and the URL of its last one,
        without reading the rows (a job's progress is polled while its crawl grows)."""
        keep = (captures.c.crawl_id == crawl_id, captures.c.duplicate_of.is_(None))
        latest = (
            select(captures.c.url)
            .where(*keep)
            .order_by(captures.c.warc_date.desc(), captures.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            count = conn.execute(select(func.count()).where(*keep)).scalar_one()
            return count, conn.execute(latest).scalar()

    def since(self, timestamp: str) -> list[Capture]:
        """Every capture made at TIMESTAMP (14 digits) or later, oldest first."""
        query = (
            select(captures)
            .where(captures.c.timestamp >= timestamp)
            .order_by(captures.c.warc_date, captures.c.id)
        )
        with self.engine.connect() as conn:
            return [Capture.from_row(row) for row in conn.execute(query)]

    def by_record_ids(self, record_ids: Iterable[str]) -> list[Capture]:
        """The captures whose primary record is one of RECORD_IDS."""
        with self.engine.connect() as conn:
            rows = rows_matching(conn, captures, captures.c.record_id, record_ids)
            return [Capture.from_row(row) for row in rows]

    def all_captures(self) -> Iterable[Capture]:
        with self.engine.connect() as conn:
            for row in conn.execute(select(captures).order_by(captures.c.id)):
                yield Capture.from_row(row)

    def start_crawl(self, crawl_id: str, kind: str, started: str, seeds: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(crawls).values(id=crawl_id, kind=kind, started=started, seeds=seeds)
            )

    def finish_crawl(self, crawl_id: str, finished: str, result: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(crawls)
                .where(crawls.c.id == crawl_id)
                .values(finished=finished, result=result)
            )

    def record_warc_file(
        self, name: str, uri: str, crawl_id: str | None, size: int, closed: str, state: str
    ) -> None:
        with self.engine.begin() as conn:
            exists = conn.scalar(select(warc_files.c.name).where(warc_files.c.name == name))
            values = {
                "uri": uri,
                "crawl_id": crawl_id,
                "size": size,
                "closed": closed,
                "state": state,
            }
            if exists:
                conn.execute(update(warc_files).where(warc_files.c.name == name).values(values))
            else:
                conn.execute(insert(warc_files).values(name=name, **values))
