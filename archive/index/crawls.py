"""Crawls as ``prov crawls`` lists them: newest first, with their captures counted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, case, func, select

from archive.index.schema import captures, crawls

__all__ = ["CrawlIndex"]


class CrawlIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def recent(self, limit: int) -> list[dict[str, Any]]:
        """The LIMIT newest crawls: id, kind, started, finished, result, and how many of
        their captures got a response (``captures``) and how many none (``fetch_failures``);
        duplicates left by stopped workers are not counted."""
        query = select(crawls).order_by(crawls.c.started.desc(), crawls.c.id).limit(limit)
        with self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
            ids = [row["id"] for row in rows]
            counted = select(
                captures.c.crawl_id,
                func.count(captures.c.status),
                func.sum(case((captures.c.status.is_(None), 1), else_=0)),
            ).where(captures.c.crawl_id.in_(ids), captures.c.duplicate_of.is_(None))
            counts = {
                crawl: (int(got or 0), int(failed or 0))
                for crawl, got, failed in conn.execute(counted.group_by(captures.c.crawl_id))
            }
        return [
            {
                "crawl_id": row["id"],
                "kind": row["kind"],
                "started": row["started"],
                "finished": row["finished"],
                "result": row["result"],
                "captures": counts.get(row["id"], (0, 0))[0],
                "fetch_failures": counts.get(row["id"], (0, 0))[1],
            }
            for row in rows
        ]
