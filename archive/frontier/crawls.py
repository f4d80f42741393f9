"""What a crawl on the frontier is, and how far it got.

A crawl is registered by the command that submits it (``prov archive``, ``prov crawl``, a
watch run) with everything a worker needs to run it exactly as that command would: the
spider, its arguments, the Scrapy settings the command set, the proxy, and where captures are
indexed and stored. Its state is ``seeding`` while the seeds are pushed, ``running`` until the
submitting command has seen it drained (nothing queued, nothing in flight) and finished its
after-crawl stage, then ``finished`` (or ``cancelled``). ``done`` and ``failed`` count
acknowledged requests: a response reached the spider, or none did (a failed fetch after
retries, a robots.txt refusal).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import redis
from redis.typing import EncodableT, FieldT

from archive.frontier.keys import CrawlKeys, crawls_key

__all__ = ["ACTIVE", "CrawlBoard", "CrawlCounts", "CrawlSpec"]

ACTIVE = ("seeding", "running")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


@dataclass(frozen=True)
class CrawlSpec:
    crawl_id: str
    spider: str  # the spider's name: capture or citations
    args: dict[str, Any] = field(default_factory=dict)  # its arguments
    overrides: dict[str, Any] = field(default_factory=dict)  # Scrapy settings the command set
    proxy: str | None = None
    database: str = ""  # where its captures are indexed (shown form: no password)
    store: str = ""  # PROV_STORE

    def fields(self) -> dict[str, str]:
        return {
            "spider": self.spider,
            "args": json.dumps(self.args),
            "overrides": json.dumps(self.overrides),
            "proxy": self.proxy or "",
            "database": self.database,
            "store": self.store,
        }

    @classmethod
    def from_fields(cls, crawl_id: str, values: dict[Any, Any]) -> CrawlSpec:
        got = {_text(k): _text(v) for k, v in values.items()}
        return cls(
            crawl_id,
            got.get("spider", ""),
            json.loads(got.get("args") or "{}"),
            json.loads(got.get("overrides") or "{}"),
            got.get("proxy") or None,
            got.get("database", ""),
            got.get("store", ""),
        )


@dataclass(frozen=True)
class CrawlCounts:
    crawl_id: str
    spider: str
    state: str
    submitted: str
    finished: str | None
    queued: int
    in_flight: int
    done: int
    failed: int

    @property
    def drained(self) -> bool:
        """All seeds pushed, nothing queued, nothing in flight."""
        return self.state == "running" and not self.queued and not self.in_flight

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"drained": self.drained}


class CrawlBoard:
    """The crawls of one prefix. Calls go straight to Redis: wrap them in a Gate."""

    def __init__(self, server: redis.Redis, prefix: str) -> None:
        self.server = server
        self.prefix = prefix

    def keys(self, crawl_id: str) -> CrawlKeys:
        return CrawlKeys(self.prefix, crawl_id)

    def register(self, spec: CrawlSpec, submitted: str, score: float) -> None:
        keys = self.keys(spec.crawl_id)
        pipe = self.server.pipeline()
        fields: dict[FieldT, EncodableT] = {"state": "seeding", "submitted": submitted}
        fields.update(spec.fields())
        pipe.hset(keys.crawl, mapping=fields)
        pipe.zadd(crawls_key(self.prefix), {spec.crawl_id: score})
        pipe.execute()

    def seeded(self, crawl_id: str) -> None:
        """Every seed is pushed: from now on, an empty queue with nothing in flight is the end."""
        self.server.hset(self.keys(crawl_id).crawl, "state", "running")

    def spec(self, crawl_id: str) -> CrawlSpec | None:
        values = self.server.hgetall(self.keys(crawl_id).crawl)
        return CrawlSpec.from_fields(crawl_id, dict(values)) if values else None

    def crawl_ids(self) -> list[str]:
        """Every crawl still known, oldest first (finished ones until they expire)."""
        return [_text(c) for c in self.server.zrange(crawls_key(self.prefix), 0, -1)]

    def counts(self, crawl_ids: Iterable[str]) -> list[CrawlCounts]:
        """One consistent snapshot (MULTI/EXEC) of each crawl's state and counters; crawls
        whose record expired are dropped from the list of crawls."""
        ids = list(crawl_ids)
        if not ids:
            return []
        pipe = self.server.pipeline()
        for crawl_id in ids:
            keys = self.keys(crawl_id)
            pipe.hmget(keys.crawl, ["spider", "state", "submitted", "finished", "done", "failed"])
            pipe.zcard(keys.requests)
            pipe.zcard(keys.redelivered)
            pipe.hlen(keys.inflight)
        answers = pipe.execute()
        found: list[CrawlCounts] = []
        gone: list[str] = []
        for number, crawl_id in enumerate(ids):
            fields, queued, redelivered, in_flight = answers[number * 4 : number * 4 + 4]
            spider, state, submitted, finished, done, failed = (_text(v) for v in fields)
            if not state:
                gone.append(crawl_id)
                continue
            found.append(
                CrawlCounts(
                    crawl_id,
                    spider,
                    state,
                    submitted,
                    finished or None,
                    int(queued) + int(redelivered),
                    int(in_flight),
                    int(done or 0),
                    int(failed or 0),
                )
            )
        if gone:
            self.server.zrem(crawls_key(self.prefix), *gone)
        return found

    def active(self) -> list[CrawlCounts]:
        return [c for c in self.counts(self.crawl_ids()) if c.state in ACTIVE]

    def end(self, crawl_id: str, state: str, finished: str, keep: float) -> None:
        """Mark the crawl finished or cancelled: its work keys go, its counts stay KEEP s."""
        keys = self.keys(crawl_id)
        pipe = self.server.pipeline()
        pipe.hset(keys.crawl, mapping={"state": state, "finished": finished})
        pipe.delete(*keys.work_keys())
        for key in keys.report_keys():
            pipe.expire(key, int(keep))
        pipe.execute()

    def note_seed(self, crawl_id: str, seed: str, message: str, *, error: bool = True) -> None:
        """What happened to a seed that the index cannot say (a robots.txt refusal)."""
        keys = self.keys(crawl_id)
        self.server.hset(keys.seed_errors if error else keys.seed_notes, seed, message)

    def note_unwritten(self, crawl_id: str, entry: dict[str, Any]) -> None:
        self.server.rpush(self.keys(crawl_id).unwritten, json.dumps(entry))

    def report(self, crawl_id: str) -> tuple[dict[str, str], dict[str, str], list[Any]]:
        """(seed errors, seed notes, unwritten captures) the workers noted for the crawl."""
        keys = self.keys(crawl_id)
        pipe = self.server.pipeline()
        pipe.hgetall(keys.seed_errors)
        pipe.hgetall(keys.seed_notes)
        pipe.lrange(keys.unwritten, 0, -1)
        errors, notes, unwritten = pipe.execute()
        return (
            {_text(k): _text(v) for k, v in errors.items()},
            {_text(k): _text(v) for k, v in notes.items()},
            [json.loads(_text(e)) for e in unwritten],
        )
