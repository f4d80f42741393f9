"""The frontier's Redis side (archive.frontier) against a real Redis: leases, crawl counts,
host politeness, robots.txt once, and an outage told apart."""

from __future__ import annotations

import time

import pytest

from archive.config import Config, ConfigError, FrontierOptions
from archive.frontier.client import FrontierUnavailable, Gate, connect
from archive.frontier.crawls import CrawlBoard, CrawlSpec
from archive.frontier.leases import Leases
from archive.frontier.politeness import HostBuckets
from archive.frontier.robots_cache import RobotsAnswer, RobotsCache


@pytest.fixture
def options(redis_url: str, redis_prefix: str) -> FrontierOptions:
    return FrontierOptions(redis_url, redis_prefix)


def _crawl(options: FrontierOptions, crawl_id: str = "c1", requests: int = 3) -> CrawlBoard:
    server = connect(options)
    board = CrawlBoard(server, options.prefix)
    board.register(CrawlSpec(crawl_id, "capture", {"requisites": True}), "now", time.time())
    keys = board.keys(crawl_id)
    for number in range(requests):
        server.zadd(keys.requests, {f"request-{number}".encode(): -number})
    return board


def test_a_pop_leases_and_only_the_owner_ends_a_lease(options: FrontierOptions) -> None:
    board = _crawl(options)
    leases = Leases(board.server, options.prefix)
    keys = board.keys("c1")
    popped = leases.pop(keys, "w1", ["a", "b"])
    assert [p.data for p in popped] == [b"request-2", b"request-1"]  # highest priority first
    assert [c.queued for c in board.counts(["c1"])] == [1]
    assert board.counts(["c1"])[0].in_flight == 2
    assert leases.ack(keys, "w2", [("a", "done")]) == 0  # not w2's lease
    assert leases.ack(keys, "w1", [("a", "done"), ("b", "failed")]) == 2
    counts = board.counts(["c1"])[0]
    assert (counts.in_flight, counts.done, counts.failed) == (0, 1, 1)
    assert not counts.drained  # still seeding
    board.seeded("c1")
    leases.pop(keys, "w1", ["c"])
    assert leases.ack(keys, "w1", [("c", "done")]) == 1
    assert board.counts(["c1"])[0].drained


def test_a_silent_workers_leases_go_back_first_and_a_live_ones_stay(
    options: FrontierOptions,
) -> None:
    board = _crawl(options)
    board.seeded("c1")
    leases = Leases(board.server, options.prefix)
    keys = board.keys("c1")
    leases.heartbeat("dead")
    leases.heartbeat("alive")
    leases.pop(keys, "dead", ["d1"])
    leases.pop(keys, "alive", ["a1"])
    time.sleep(1.2)
    leases.heartbeat("alive")
    assert leases.reap(keys, 1.0) == 1  # only the silent worker's request
    assert board.counts(["c1"])[0].queued == 2  # one redelivered, one never popped
    again = leases.pop(keys, "alive", ["x", "y"])
    assert again[0].redelivered and again[0].data == b"request-2"
    assert not again[1].redelivered
    assert leases.ack(keys, "dead", [("d1", "done")]) == 0  # its lease was taken back
    assert leases.give_back(keys, "alive") == 3  # a clean stop puts back what it holds
    assert board.counts(["c1"])[0].in_flight == 0


def test_an_ended_crawl_gives_no_work_and_its_counts_expire(options: FrontierOptions) -> None:
    board = _crawl(options)
    leases = Leases(board.server, options.prefix)
    keys = board.keys("c1")
    board.end("c1", "cancelled", "later", keep=60)
    assert leases.pop(keys, "w1", ["a"]) == []
    assert board.active() == []
    counts = board.counts(["c1"])[0]
    assert (counts.state, counts.queued) == ("cancelled", 0)
    assert 0 < board.server.ttl(keys.crawl) <= 60
    board.server.delete(keys.crawl)
    assert board.counts(["c1"]) == [] and board.crawl_ids() == []


def test_a_host_bucket_spaces_starts_and_caps_running_requests(
    options: FrontierOptions,
) -> None:
    buckets = HostBuckets(connect(options), options.prefix)
    assert buckets.take("example.org", "l1", 2, 0.2, 30) == 0
    wait = buckets.take("example.org", "l2", 2, 0.2, 30)
    assert 0.1 < wait <= 0.2  # the next start is 0.2 s after the first
    time.sleep(wait)
    assert buckets.take("example.org", "l2", 2, 0.2, 30) == 0
    time.sleep(0.21)
    assert buckets.take("example.org", "l3", 2, 0.2, 30) > 0  # two running: wait
    assert buckets.take("other.example", "o1", 2, 0.2, 30) == 0  # hosts are apart
    buckets.give_back("example.org", "l1")
    assert buckets.take("example.org", "l3", 2, 0.2, 30) == 0
    assert buckets.take("short.example", "s1", 1, 0, 0.2) == 0
    time.sleep(0.25)  # a lease its worker never gave back expires
    assert buckets.take("short.example", "s2", 1, 0, 0.2) == 0


def test_robots_txt_is_fetched_by_one_worker_and_read_by_all(options: FrontierOptions) -> None:
    board = _crawl(options)
    cache = RobotsCache(board.server, board.keys("c1"))
    assert cache.ask("example.org", "w1", 5).action == "fetch"
    assert cache.ask("example.org", "w2", 5).action == "wait"
    cache.put("example.org", b"User-agent: *\nDisallow: /x\n")
    stored = cache.ask("example.org", "w2", 5)
    assert (stored.action, stored.fetched, stored.body) == (
        "stored", True, b"User-agent: *\nDisallow: /x\n"
    )
    assert cache.ask("example.org", "w3", 5).action == "stored"  # never fetched again
    assert cache.ask("down.example", "w1", 5).action == "fetch"
    cache.put("down.example", None)
    assert cache.ask("down.example", "w2", 5) == RobotsAnswer("stored", False, b"")
    assert cache.ask("slow.example", "w1", 0.1).action == "fetch"
    time.sleep(0.15)  # its worker died: the lock expires
    assert cache.ask("slow.example", "w2", 5).action == "fetch"


def test_an_outage_fails_fast_and_the_gate_reopens() -> None:
    closed = FrontierOptions("redis://127.0.0.1:1/0")
    gate = Gate(closed.shown)
    client = connect(closed, timeout=1)
    with pytest.raises(FrontierUnavailable, match=r"127\.0\.0\.1:1"):
        gate.call(client.ping)
    started = time.monotonic()
    with pytest.raises(FrontierUnavailable):
        gate.call(client.ping)  # fails at once, without trying
    assert time.monotonic() - started < 0.05 and gate.calls == 1
    assert gate.up_for == 0.0
    time.sleep(0.25)
    with pytest.raises(FrontierUnavailable):
        gate.call(client.ping)
    assert gate.calls == 2


def test_frontier_settings_are_checked_and_never_show_a_password() -> None:
    config = Config.from_env({"PROV_REDIS_URL": "redis://:s3cret@db.example:6379/2"})
    assert config.frontier is not None and config.frontier.shown == "redis://db.example:6379/2"
    assert "s3cret" not in repr(config.frontier)
    with pytest.raises(ConfigError, match="redis://host:6379/0") as bad:
        Config.from_env({"PROV_REDIS_URL": "http://:s3cret@db.example/"})
    assert "s3cret" not in str(bad.value)
    with pytest.raises(ConfigError, match="PROV_REDIS_PREFIX"):
        Config.from_env({"PROV_REDIS_URL": "redis://h/0", "PROV_REDIS_PREFIX": "a b"})
    with pytest.raises(ConfigError, match="PROV_FRONTIER_LEASE_TIMEOUT"):
        Config.from_env({"PROV_REDIS_URL": "redis://h/0", "PROV_FRONTIER_LEASE_TIMEOUT": "0"})
    assert Config.from_env({}).frontier is None


def test_a_push_is_dupe_filtered_and_queued_in_one_step(options: FrontierOptions) -> None:
    board = _crawl(options, requests=0)
    leases = Leases(board.server, options.prefix)
    keys = board.keys("c1")
    assert leases.push(keys, b"first", -1, "fp1", "")
    assert not leases.push(keys, b"again", -1, "fp1", "")  # seen: not queued
    assert leases.push(keys, b"unfiltered", -1, "", "")
    assert leases.push(keys, b"child", 0, "", "parent-1 fp2")
    assert not leases.push(keys, b"child", 0, "", "parent-1 fp2")  # a redelivery yields it again
    assert board.counts(["c1"])[0].queued == 3
    assert board.server.sismember(keys.dupefilter, "fp1")
