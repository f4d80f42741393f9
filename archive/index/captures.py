"""Capture rows: written only after the bytes they point at are durable; read by lookups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from archive.capture import Capture
from archive.exchange import PreviousCapture
from archive.index.schema import captures, crawls, warc_files
from archive.surts import surt_of


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
                conn.execute(insert(captures), fresh)
        return len(fresh)

    def clear(self) -> None:
        """Forget every capture (before a rebuild from the WARC files)."""
        with self.engine.begin() as conn:
            conn.execute(delete(captures))

    def previous_capture(self, url: str) -> PreviousCapture | None:
        """Newest complete 200 capture of exactly URL (a revisit resolves to its original)."""
        query = (
            select(captures)
            .where(
                captures.c.surt == surt_of(url),
                captures.c.url == url,
                captures.c.status.in_((200, 304)),
                captures.c.record_type.in_(("response", "revisit")),
                captures.c.truncated.is_(None),
                captures.c.payload_digest.is_not(None),
            )
            .order_by(captures.c.warc_date.desc(), captures.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        original = row["refers_to"] or row["record_id"]
        return PreviousCapture(
            record_id=original,
            url=row["url"],
            warc_date=row["refers_to_date"] or row["warc_date"],
            payload_digest=row["payload_digest"],
            etag=row["etag"],
            last_modified=row["last_modified"],
        )

    def lookup(self, url: str) -> list[Capture]:
        """Every capture of URL (same SURT key, so http/https and www. variants), oldest first."""
        query = (
            select(captures)
            .where(captures.c.surt == surt_of(url))
            .order_by(captures.c.warc_date, captures.c.id)
        )
        with self.engine.connect() as conn:
            return [Capture.from_row(row) for row in conn.execute(query)]

    def for_crawl(self, crawl_id: str) -> list[Capture]:
        query = (
            select(captures)
            .where(captures.c.crawl_id == crawl_id)
            .order_by(captures.c.warc_date, captures.c.id)
        )
        with self.engine.connect() as conn:
            return [Capture.from_row(row) for row in conn.execute(query)]

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
