"""Politeness toward a host, held across every worker: a shared token bucket in Redis.

Each host has a bucket of one token, refilled every ``delay`` seconds (so request starts are at
least that far apart, whichever worker sends them), and a count of running requests capped at
``concurrency``. A request takes a lease before its download and gives it back after; a lease
also expires on its own after ``ttl`` seconds, so a worker killed mid-download frees its place.
The decision is one Lua script on Redis's clock: granted, or how long to wait.
"""

from __future__ import annotations

import redis

from archive.frontier.keys import host_keys

__all__ = ["POLL", "HostBuckets"]

POLL = 0.05  # seconds between tries while the host's requests are all running

# KEYS: bucket, running. ARGV: lease, concurrency, delay, ttl, poll.
_TAKE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', t)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return ARGV[5] end
local ready = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if t < ready then return tostring(ready - t) end
redis.call('HSET', KEYS[1], 'next', tostring(t + tonumber(ARGV[3])))
redis.call('ZADD', KEYS[2], t + tonumber(ARGV[4]), ARGV[1])
redis.call('EXPIRE', KEYS[1], 86400)
redis.call('EXPIRE', KEYS[2], 86400)
return '0'
"""


class HostBuckets:
    def __init__(self, server: redis.Redis, prefix: str) -> None:
        self.server = server
        self.prefix = prefix
        self._take = server.register_script(_TAKE)

    def take(self, host: str, lease: str, concurrency: int, delay: float, ttl: float) -> float:
        """0 if LEASE may start a request to HOST now, else the seconds to wait first."""
        wait = self._take(
            keys=list(host_keys(self.prefix, host)),
            args=[lease, max(1, concurrency), max(0.0, delay), ttl, POLL],
        )
        return float(wait)

    def give_back(self, host: str, lease: str) -> None:
        self.server.zrem(host_keys(self.prefix, host)[1], lease)
