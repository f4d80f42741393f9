"""Archive jobs of ``prov serve`` in the index: queued, claimed by a worker, finished."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from archive.index.serve_tables import jobs
from archive.timestamps import utcnow, warc_date

__all__ = ["Job", "JobIndex"]

STATUSES = ("pending", "running", "done", "error")


@dataclass(frozen=True)
class Job:
    id: str
    url: str
    mode: str
    status: str
    created: str
    started: str | None
    finished: str | None
    reused: bool
    captures: list[dict[str, Any]]
    error: str | None
    attempts: int = 0  # claims by a worker (a job a stopped server left running runs again)

    @property
    def crawl_id(self) -> str | None:
        """The id of the crawl of this job's latest run (each run has a crawl of its own),
        None before its first: the job's id with the run's number."""
        return f"{self.id[:24]}{self.attempts:08x}" if self.attempts else None

    def to_json(self) -> dict[str, Any]:
        return {
            "job_id": self.id,
            "url": self.url,
            "mode": self.mode,
            "status": self.status,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "reused": self.reused,
            "captures": self.captures,
            "error": self.error,
            "crawl_id": self.crawl_id,
        }

    @classmethod
    def from_row(cls, row: Any) -> Job:
        return cls(
            id=row["id"],
            url=row["url"],
            mode=row["mode"],
            status=row["status"],
            created=row["created"],
            started=row["started"],
            finished=row["finished"],
            reused=bool(row["reused"]),
            captures=json.loads(row["captures"] or "[]"),
            error=row["error"],
            attempts=row["attempts"],
        )


class JobIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        url: str,
        mode: str,
        token: str | None,
        *,
        done_with: list[dict[str, Any]] | None = None,
    ) -> Job:
        """A new pending job, or one already ``done`` with DONE_WITH (a recent capture)."""
        now = warc_date(utcnow())
        values: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "url": url,
            "mode": mode,
            "status": "pending",
            "token": token,
            "created": now,
            "attempts": 0,
            "reused": 0,
        }
        if done_with is not None:
            values.update(
                status="done", started=now, finished=now, reused=1, captures=json.dumps(done_with)
            )
        with self.engine.begin() as conn:
            conn.execute(insert(jobs).values(values))
        job = self.get(values["id"])
        assert job is not None
        return job

    def get(self, job_id: str) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        return Job.from_row(row) if row is not None else None

    def waiting(self) -> int:
        """Jobs not finished yet (pending or running)."""
        with self.engine.connect() as conn:
            count = conn.scalar(
                select(func.count()).where(jobs.c.status.in_(("pending", "running")))
            )
        return int(count or 0)

    def claim(self, pid: int) -> Job | None:
        """The oldest pending job, marked running (a compare-and-set: one worker gets it)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(jobs.c.id)
                .where(jobs.c.status == "pending")
                .order_by(jobs.c.created, jobs.c.id)
                .limit(1)
            ).first()
            if row is None:
                return None
            claimed = conn.execute(
                update(jobs)
                .where(jobs.c.id == row[0], jobs.c.status == "pending")
                .values(
                    status="running",
                    started=warc_date(utcnow()),
                    pid=pid,
                    attempts=jobs.c.attempts + 1,
                )
            )
            if claimed.rowcount != 1:
                return None
        return self.get(row[0])

    def finish(
        self, job_id: str, status: str, captures: list[dict[str, Any]], error: str | None,
        exit_code: int | None,
    ) -> None:
        assert status in ("done", "error")
        with self.engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(
                    status=status,
                    finished=warc_date(utcnow()),
                    captures=json.dumps(captures),
                    error=error,
                    exit_code=exit_code,
                )
            )

    def requeue_running(self) -> int:
        """At start: jobs a stopped server left running go back to the queue."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(jobs).where(jobs.c.status == "running").values(status="pending", pid=None)
            )
        return int(result.rowcount or 0)
