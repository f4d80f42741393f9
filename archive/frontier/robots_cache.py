"""robots.txt fetched once per host per crawl, whichever worker needs it first.

A worker that needs a host's rules asks in one script: the stored answer, or the right to
fetch it (a lock, ``SET NX`` with an expiry), or "wait". The one that may fetch does (the fetch
is archived like any capture) and stores the bytes in the crawl's robots hash; the others ask
again until the bytes are there and parse the same ones. If the fetching worker dies, its lock
expires and another one fetches.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from archive.frontier.keys import CrawlKeys

__all__ = ["RobotsAnswer", "RobotsCache"]

_FAILED = b"-"  # the fetch failed: no robots.txt rules apply (Scrapy's own choice)
_OK = b"+"

# KEYS: robots hash, lock. ARGV: netloc, worker, lock ttl (ms).
_ASK = """
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then return {'stored', stored} end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return {'fetch', ''} end
return {'wait', ''}
"""


@dataclass(frozen=True)
class RobotsAnswer:
    action: str  # stored | fetch (this worker fetches it) | wait (another one does)
    fetched: bool = False  # stored: the fetch got a response (else no rules apply)
    body: bytes = b""


class RobotsCache:
    def __init__(self, server: redis.Redis, keys: CrawlKeys) -> None:
        self.server = server
        self.keys = keys
        self._ask = server.register_script(_ASK)

    def ask(self, netloc: str, worker: str, ttl: float) -> RobotsAnswer:
        """The stored answer for NETLOC; or this WORKER is to fetch it (for TTL seconds at
        most); or it is to wait."""
        action, value = self._ask(
            keys=[self.keys.robots, self.keys.robots_lock(netloc)],
            args=[netloc, worker, int(ttl * 1000)],
        )
        kind = action.decode()
        if kind != "stored":
            return RobotsAnswer(kind)
        return RobotsAnswer(kind, value.startswith(_OK), bytes(value[1:]))

    def put(self, netloc: str, body: bytes | None) -> None:
        """Store the fetched BODY (None: the fetch failed) and free the lock."""
        pipe = self.server.pipeline()
        pipe.hset(self.keys.robots, netloc, _FAILED if body is None else _OK + body)
        pipe.delete(self.keys.robots_lock(netloc))
        pipe.execute()
