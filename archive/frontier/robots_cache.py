"""robots.txt fetched once per host per crawl, whichever worker needs it first.

The first worker to need a host's robots.txt takes a lock (``SET NX`` with an expiry), fetches
it (archived like any capture), and stores the answer in the crawl's robots hash; the others
wait for the answer and parse the same bytes. If the fetching worker dies, its lock expires
and another one fetches.
"""

from __future__ import annotations

import redis

from archive.frontier.keys import CrawlKeys

__all__ = ["RobotsCache"]

_FAILED = b"-"  # the fetch failed: no robots.txt rules apply (Scrapy's own choice)
_OK = b"+"


class RobotsCache:
    def __init__(self, server: redis.Redis, keys: CrawlKeys) -> None:
        self.server = server
        self.keys = keys

    def get(self, netloc: str) -> tuple[bool, bytes] | None:
        """(fetched, body) as stored (fetched False: the fetch failed), or None if no worker
        has stored it yet."""
        value = self.server.hget(self.keys.robots, netloc)
        if value is None:
            return None
        assert isinstance(value, bytes)
        return value.startswith(_OK), value[1:]

    def lock(self, netloc: str, worker: str, ttl: float) -> bool:
        """True if WORKER is now the one to fetch NETLOC's robots.txt."""
        taken = self.server.set(self.keys.robots_lock(netloc), worker, nx=True, px=int(ttl * 1000))
        return bool(taken)

    def put(self, netloc: str, body: bytes | None) -> None:
        """Store the fetched BODY (None: the fetch failed) and free the lock."""
        pipe = self.server.pipeline()
        pipe.hset(self.keys.robots, netloc, _FAILED if body is None else _OK + body)
        pipe.delete(self.keys.robots_lock(netloc))
        pipe.execute()
