"""Leases on requests: the visibility timeout scrapy-redis does not have.

scrapy-redis pops a request off the crawl's queue and forgets it, so a worker that dies loses
what it held. Here a pop *moves* each request, atomically, into the crawl's in-flight hash
under a fresh lease id, owned by the worker. The worker acknowledges a lease once the request
is over and its captures are in the index (:meth:`Leases.ack`; the lease must still be its
own). Workers write their heartbeat into a sorted set every second; any worker may take back
the leases of an owner not heard from for ``PROV_FRONTIER_LEASE_TIMEOUT`` seconds
(:meth:`Leases.reap`), which puts the requests on the crawl's ``redelivered`` queue, popped
before the others. Liveness is per worker, not per request, so a long download or a request
waiting for its host's turn never expires while its worker lives. All times are Redis's own
(``TIME``), so the clocks of the machines do not matter.

A push checks scrapy-redis's dupefilter set (and, for a request not dupe-filtered, the set of
what its parent already yielded) and adds to the queue in one script: it is never half done,
so a worker stopped between the two cannot leave a request marked seen but not queued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import redis

from archive.frontier.keys import CrawlKeys, workers_key

__all__ = ["Leased", "Leases"]

_NOW = "local now = redis.call('TIME')\nlocal t = tonumber(now[1]) + tonumber(now[2]) / 1e6\n"

# KEYS: dupefilter, derived, requests. ARGV: fingerprint, derivation ('' for none), score, data.
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[2] ~= '' and redis.call('SADD', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1
"""

# KEYS: crawl, redelivered, requests, inflight, owners. ARGV: worker, count, lease ids...
_POP = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'running' and state ~= 'seeding' then return {} end
local n = tonumber(ARGV[2])
local out = {}
local used = 0
for q = 2, 3 do
  if used < n then
    local items = redis.call('ZRANGE', KEYS[q], 0, n - used - 1, 'WITHSCORES')
    if #items > 0 then
      redis.call('ZREMRANGEBYRANK', KEYS[q], 0, #items / 2 - 1)
      for i = 1, #items, 2 do
        used = used + 1
        local lease = ARGV[2 + used]
        redis.call('HSET', KEYS[4], lease, items[i])
        redis.call('HSET', KEYS[5], lease, ARGV[1] .. '\\t' .. items[i + 1])
        out[#out + 1] = lease
        out[#out + 1] = items[i]
        out[#out + 1] = (q == 2) and '1' or '0'
      end
    end
  end
end
return out
"""

# KEYS: inflight, owners, crawl. ARGV: worker, then lease and counter ('' for none) pairs.
_ACK = """
local mine = ARGV[1] .. '\\t'
local acked = 0
for i = 2, #ARGV, 2 do
  local owner = redis.call('HGET', KEYS[2], ARGV[i])
  if owner and string.sub(owner, 1, #mine) == mine then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    if ARGV[i + 1] ~= '' then redis.call('HINCRBY', KEYS[3], ARGV[i + 1], 1) end
    acked = acked + 1
  end
end
return acked
"""

# KEYS: owners, inflight, redelivered, workers. ARGV: lease timeout (s), or '' with a worker
# id in ARGV[2] to give back that worker's leases (a clean stop).
_REAP = (
    _NOW
    + """
local moved = 0
local alive = {}
local owners = redis.call('HGETALL', KEYS[1])
for i = 1, #owners, 2 do
  local lease, value = owners[i], owners[i + 1]
  local tab = string.find(value, '\\t', 1, true)
  local worker = string.sub(value, 1, tab - 1)
  local live = alive[worker]
  if live == nil then
    if ARGV[1] == '' then
      live = worker ~= ARGV[2]
    else
      local seen = redis.call('ZSCORE', KEYS[4], worker)
      live = (seen ~= false and seen ~= nil) and (t - tonumber(seen) < tonumber(ARGV[1]))
    end
    alive[worker] = live
  end
  if not live then
    local data = redis.call('HGET', KEYS[2], lease)
    if data then redis.call('ZADD', KEYS[3], string.sub(value, tab + 1), data) end
    redis.call('HDEL', KEYS[2], lease)
    redis.call('HDEL', KEYS[1], lease)
    moved = moved + 1
  end
end
return moved
"""
)

# KEYS: workers. ARGV: worker.
_HEARTBEAT = _NOW + "redis.call('ZADD', KEYS[1], t, ARGV[1])\nreturn tostring(t)\n"


@dataclass(frozen=True)
class Leased:
    lease: str
    data: bytes  # the encoded request, as scrapy-redis's queue stored it
    redelivered: bool


class Leases:
    """The lease scripts of one prefix (each call is one round-trip)."""

    def __init__(self, server: redis.Redis, prefix: str) -> None:
        self.server = server
        self.prefix = prefix
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)
        self._ack = server.register_script(_ACK)
        self._reap = server.register_script(_REAP)
        self._heartbeat = server.register_script(_HEARTBEAT)

    def push(
        self, keys: CrawlKeys, data: bytes, score: float, fingerprint: str, derivation: str
    ) -> bool:
        """Queue DATA unless FINGERPRINT (or DERIVATION) was seen; '' skips that check."""
        pushed = self._push(
            keys=[keys.dupefilter, keys.derived, keys.requests],
            args=[fingerprint, derivation, score, data],
        )
        return bool(pushed)

    def pop(self, keys: CrawlKeys, worker: str, lease_ids: Sequence[str]) -> list[Leased]:
        """Up to len(LEASE_IDS) requests, redelivered ones first, now leased to WORKER."""
        answer = self._pop(
            keys=[keys.crawl, keys.redelivered, keys.requests, keys.inflight, keys.owners],
            args=[worker, len(lease_ids), *lease_ids],
        )
        return [
            Leased(answer[i].decode(), bytes(answer[i + 1]), answer[i + 2] == b"1")
            for i in range(0, len(answer), 3)
        ]

    def ack(self, keys: CrawlKeys, worker: str, outcomes: Sequence[tuple[str, str]]) -> int:
        """End the leases (lease, counter: ``done``, ``failed`` or '') that are still
        WORKER's; returns how many were. A lease taken back meanwhile is not counted."""
        if not outcomes:
            return 0
        args: list[str] = [worker]
        for lease, counter in outcomes:
            args += [lease, counter]
        return int(self._ack(keys=[keys.inflight, keys.owners, keys.crawl], args=args))

    def reap(self, keys: CrawlKeys, timeout: float) -> int:
        """Take back the leases of workers not heard from for TIMEOUT seconds."""
        return int(
            self._reap(
                keys=[keys.owners, keys.inflight, keys.redelivered, workers_key(self.prefix)],
                args=[timeout],
            )
        )

    def give_back(self, keys: CrawlKeys, worker: str) -> int:
        """Put back every request WORKER still holds in the crawl (a clean stop)."""
        return int(
            self._reap(
                keys=[keys.owners, keys.inflight, keys.redelivered, workers_key(self.prefix)],
                args=["", worker],
            )
        )

    def heartbeat(self, worker: str) -> float:
        """WORKER is alive now; returns Redis's time."""
        return float(self._heartbeat(keys=[workers_key(self.prefix)], args=[worker]))

    def forget(self, worker: str) -> None:
        self.server.zrem(workers_key(self.prefix), worker)

    def workers(self, within: float) -> list[str]:
        """Workers heard from in the last WITHIN seconds (by Redis's clock)."""
        now = self.heartbeat_time()
        found = self.server.zrangebyscore(workers_key(self.prefix), now - within, "+inf")
        return [w.decode() for w in found]  # type: ignore[union-attr]

    def heartbeat_time(self) -> float:
        seconds, micros = self.server.time()
        return float(seconds) + float(micros) / 1e6
