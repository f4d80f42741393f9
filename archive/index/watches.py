"""Watched sources and their runs in the index (``prov schedule``, ``prov scheduler``)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from archive.errors import ProvError
from archive.index.schema import runs, watches
from archive.timestamps import utcnow, warc_date

__all__ = ["RunIndex", "Watch", "WatchError", "WatchIndex"]

KINDS = ("url", "article")


class WatchError(ProvError, ValueError):
    """A watch that cannot be added or found; the message says why."""


@dataclass(frozen=True)
class Watch:
    id: int
    name: str
    kind: str
    url: str
    cron: str | None
    every_seconds: int | None
    paused: bool
    created: str

    @property
    def trigger(self) -> str:
        """The schedule as people write it: ``cron "*/30 * * * *"`` or ``every 600 s``."""
        if self.cron is not None:
            return f'cron "{self.cron}"'
        return f"every {self.every_seconds} s"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "cron": self.cron,
            "every": self.every_seconds,
            "paused": self.paused,
            "created": self.created,
        }

    @classmethod
    def from_row(cls, row: Any) -> Watch:
        m = row._mapping
        return cls(
            m["id"],
            m["name"],
            m["kind"],
            m["url"],
            m["cron"],
            m["every_seconds"],
            bool(m["paused"]),
            m["created"],
        )


class WatchIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self, name: str, kind: str, url: str, *, cron: str | None, every: int | None
    ) -> Watch:
        assert kind in KINDS and (cron is None) != (every is None)
        values = {
            "name": name,
            "kind": kind,
            "url": url,
            "cron": cron,
            "every_seconds": every,
            "paused": 0,
            "created": warc_date(utcnow()),
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(watches).values(**values))
        except IntegrityError:
            raise WatchError(
                f"a watch named {name!r} exists already (prov schedule list)"
            ) from None
        return self.get(name)

    def get(self, name: str) -> Watch:
        with self.engine.connect() as conn:
            row = conn.execute(select(watches).where(watches.c.name == name)).first()
        if row is None:
            raise WatchError(f"no watch named {name!r} (prov schedule list shows them)")
        return Watch.from_row(row)

    def all(self) -> list[Watch]:
        with self.engine.connect() as conn:
            return [Watch.from_row(r) for r in conn.execute(select(watches).order_by(watches.c.id))]

    def names(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.scalars(select(watches.c.name)))

    def remove(self, name: str) -> Watch:
        """Forget the watch; its runs and changes stay in the index."""
        watch = self.get(name)
        with self.engine.begin() as conn:
            conn.execute(delete(watches).where(watches.c.id == watch.id))
        return watch

    def set_paused(self, name: str, paused: bool) -> Watch:
        watch = self.get(name)
        with self.engine.begin() as conn:
            conn.execute(
                update(watches).where(watches.c.id == watch.id).values(paused=int(paused))
            )
        return self.get(name)


class RunIndex:
    """One row per run of one watch: started, finished, exit code, the crawl it made."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(self, watch: Watch, trigger: str, status: str = "running", **extra: Any) -> int:
        values = {
            "watch_id": watch.id,
            "watch": watch.name,
            "trigger": trigger,
            "started": warc_date(utcnow()),
            "status": status,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            **extra,
        }
        with self.engine.begin() as conn:
            key = conn.execute(insert(runs).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def finish(self, run_id: int, **values: Any) -> None:
        values.setdefault("finished", warc_date(utcnow()))
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(**values))

    def last_of(self, watch_id: int) -> dict[str, Any] | None:
        query = (
            select(runs)
            .where(runs.c.watch_id == watch_id, runs.c.status != "skipped")
            .order_by(runs.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row is not None else None
