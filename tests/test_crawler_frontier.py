"""Crawls on the shared frontier, end to end: ``prov archive`` submits, real ``prov worker``
processes fetch, on the machine's Redis and PostgreSQL (a database and a key prefix per test),
from a local site; then the index, the WARC files and the server's own log are checked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
import redis

from tests.conftest import REPO, run_prov
from tests.conftest_services import RedisProcess
from tests.frontier_run import (
    SiteLog,
    events,
    frontier_env,
    serve_site,
    start_prov,
    stop_worker,
    successes,
    wait_for,
    warc_responses,
)
from tests.index_check import check_row_points_at_its_record
from tests.servers import RawHTTPServer


def _archive(env: dict[str, str], seeds: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    return start_prov(env, tmp_path / "archive.json", "archive", "--json", "--no-text", "-i",
                      str(seeds))


def _workers(env: dict[str, str], tmp_path: Path, count: int, *args: str) -> list[
    tuple[subprocess.Popen[bytes], Path]
]:
    logs = [tmp_path / f"worker-{n}.log" for n in range(count)]
    return [(start_prov(env, log, "worker", "--json", *args), log) for log in logs]


def _finish(proc: subprocess.Popen[bytes], tmp_path: Path) -> tuple[int, list[dict], str]:
    _, err = proc.communicate(timeout=300)
    out = (tmp_path / "archive.json").read_text()
    return proc.returncode, json.loads(out), err.decode()


def _captured(database: str) -> int:
    """Captures with a response in the index so far (0 before its tables exist)."""
    with psycopg.connect(database) as conn:
        exists = conn.execute("SELECT to_regclass('captures')").fetchone()
        if not exists or exists[0] is None:
            return 0
        row = conn.execute("SELECT count(*) FROM captures WHERE status IS NOT NULL").fetchone()
        return int(row[0]) if row else 0


def _check_once(database: str, crawl_id: str, home: Path, urls: list[str]) -> list[dict]:
    """Each URL has one capture the crawl keeps; every response record in the WARCs is an
    index row (duplicates of redelivered requests included, named as such)."""
    rows = successes(database, crawl_id)
    kept = Counter(r["url"] for r in rows if r["duplicate_of"] is None)
    assert {url: kept[url] for url in urls} == dict.fromkeys(urls, 1)
    records = {r["record_id"]: r for r in rows}
    for row in rows:
        check_row_points_at_its_record(row)
        if row["duplicate_of"] is not None:
            assert records[row["duplicate_of"]]["url"] == row["url"]
            assert records[row["duplicate_of"]]["request_id"] == row["request_id"]
    assert warc_responses(home) == Counter(r["url"] for r in rows)
    assert not list((home / "warcs").glob("*.open"))
    return rows


def test_three_workers_capture_each_of_600_urls_once(
    tmp_path: Path, fresh_postgres_url: str, redis_url: str, redis_prefix: str
) -> None:
    home = tmp_path / "prov-data"
    env = frontier_env(home, fresh_postgres_url, redis_url, redis_prefix)
    with RawHTTPServer() as server:
        urls = serve_site(server, 600, SiteLog())
        refused = server.url("/private/page")
        seeds = tmp_path / "urls.txt"
        seeds.write_text("\n".join([*urls, refused]) + "\n")
        workers = _workers(env, tmp_path, 3, "--concurrency", "8")
        code, listing, err = _finish(_archive(env, seeds, tmp_path), tmp_path)
        summaries = [stop_worker(proc, log) for proc, log in workers]
        fetched = Counter(e.request.path for e in server.exchanges)
    assert code == 1, err
    assert err.strip() == f"prov: failed: {refused}: Forbidden by robots.txt"
    crawl_id = listing[0]["crawl_id"]
    assert sorted(c["url"] for c in listing if c["status"] == 200) == sorted(
        [*urls, server.url("/robots.txt")]
    )
    rows = _check_once(fresh_postgres_url, crawl_id, home, urls)
    assert Counter(r["url"] for r in rows)[server.url("/robots.txt")] == 1  # once per crawl
    assert not any(r["duplicate_of"] for r in rows)
    assert all(r["request_id"] for r in rows if r["hop_path"] != "P")
    assert fetched == Counter({**{f"/site/{n}.html": 1 for n in range(600)}, "/robots.txt": 1})
    assert all(s["captures"] > 20 for s in summaries), summaries  # all three took part
    assert sum(s["captures"] for s in summaries) == 601
    assert sum(s["acked"] for s in summaries) == 601
    assert not any(s["write_errors"] for s in summaries)

    crawls = run_prov("crawls", "--json", home=home, env=env)
    assert crawls.returncode == 0, crawls.stderr
    row = next(c for c in crawls.json() if c["crawl_id"] == crawl_id)
    assert row["state"] == "finished" and row["kind"] == "capture"
    assert (row["queued"], row["in_flight"], row["done"], row["failed"]) == (0, 0, 600, 1)
    assert row["captures"] == 601
    table = run_prov("crawls", home=home, env=env)
    assert crawl_id in table.stdout and "finished" in table.stdout


def test_a_worker_killed_with_sigkill_loses_and_duplicates_nothing(
    tmp_path: Path, fresh_postgres_url: str, redis_url: str, redis_prefix: str
) -> None:
    home = tmp_path / "prov-data"
    env = frontier_env(home, fresh_postgres_url, redis_url, redis_prefix)
    with RawHTTPServer() as server:
        urls = serve_site(server, 600, SiteLog(pause=0.03))
        seeds = tmp_path / "urls.txt"
        seeds.write_text("\n".join(urls) + "\n")
        workers = _workers(env, tmp_path, 3, "--concurrency", "6")
        archive = _archive(env, seeds, tmp_path)
        victim, victim_log = workers[0]
        client = redis.Redis.from_url(redis_url)

        def victim_busy() -> bool:
            said = events(victim_log).get("started")
            crawl = client.zrange(f"{redis_prefix}:crawls", 0, 0)
            if not said or not crawl or _captured(fresh_postgres_url) < 150:
                return False
            owners = client.hvals(f"{redis_prefix}:crawl:{crawl[0].decode()}:owners")
            return any(o.startswith(said[0]["worker"].encode() + b"\t") for o in owners)

        wait_for(victim_busy, 120, "150 captures, and requests leased to the victim")
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        left_open = list((home / "warcs").glob("*.open"))
        code, listing, err = _finish(archive, tmp_path)
        survivors = [stop_worker(proc, log) for proc, log in workers[1:]]
    assert code == 0, err
    assert left_open, "the killed worker leaves its WARC file open"
    requeued = [e for _, log in workers[1:] for e in events(log).get("requeued", [])]
    said = "\n".join(log.read_text() for _, log in workers)
    assert sum(e["requests"] for e in requeued) >= 1, said  # what it held was taken back
    assert sum(s.get("redelivered", 0) for s in survivors) >= 1
    assert sorted(c["url"] for c in listing if c["status"] == 200) == sorted(
        [*urls, server.url("/robots.txt")]
    )
    # the next prov start on this PROV_HOME repairs the dead worker's file and indexes it
    again = run_prov("worker", "--until-idle", home=home, env=env)
    assert again.returncode == 0, again.stderr
    assert "repaired" in again.stderr or "removed" in again.stderr
    rows = _check_once(fresh_postgres_url, listing[0]["crawl_id"], home, urls)
    duplicates = [r for r in rows if r["duplicate_of"]]
    victim_pid = f"-{victim.pid}.warc.gz"
    kept = {r["record_id"]: r for r in rows}
    for row in duplicates:  # one of the pair is the killed worker's, one a survivor's
        pair = (row["warc"], kept[row["duplicate_of"]]["warc"])
        assert sum(w.endswith(victim_pid) for w in pair) == 1, pair


def test_redis_restarting_mid_crawl_stalls_it_and_it_goes_on(
    tmp_path: Path, fresh_postgres_url: str, redis_prefix: str
) -> None:
    server_dir = tmp_path / "redis"
    redis_server = RedisProcess(server_dir).start()
    home = tmp_path / "prov-data"
    env = frontier_env(home, fresh_postgres_url, redis_server.url, redis_prefix)
    client = redis.Redis.from_url(redis_server.url)
    try:
        with RawHTTPServer() as server:
            urls = serve_site(server, 200, SiteLog(pause=0.05))
            seeds = tmp_path / "urls.txt"
            seeds.write_text("\n".join(urls) + "\n")
            workers = _workers(env, tmp_path, 2, "--concurrency", "4")
            archive = _archive(env, seeds, tmp_path)

            def seeded() -> bool:
                crawl = client.zrange(f"{redis_prefix}:crawls", 0, 0)
                state = crawl and client.hget(f"{redis_prefix}:crawl:{crawl[0].decode()}", "state")
                return state == b"running" and _captured(fresh_postgres_url) >= 40

            wait_for(seeded, 120, "the seeds pushed and 40 captures")
            redis_server.kill()
            time.sleep(1.0)  # what was in flight lands
            stalled = _captured(fresh_postgres_url)
            time.sleep(2.0)
            assert _captured(fresh_postgres_url) == stalled < len(urls) + 1
            redis_server.start()
            code, listing, err = _finish(archive, tmp_path)
            summaries = [stop_worker(proc, log) for proc, log in workers]
    finally:
        redis_server.kill()
    assert code == 0, err
    assert "unreachable" in err and "answers again" in err
    _check_once(fresh_postgres_url, listing[0]["crawl_id"], home, urls)
    assert not any(s.get("lost_leases") for s in summaries)


def test_politeness_holds_across_workers(
    tmp_path: Path, fresh_postgres_url: str, redis_url: str, redis_prefix: str
) -> None:
    home = tmp_path / "prov-data"
    env = frontier_env(
        home, fresh_postgres_url, redis_url, redis_prefix,
        PROV_HOST_CONCURRENCY="2", PROV_HOST_DELAY="0.1",
    )
    log = SiteLog(pause=0.25)
    with RawHTTPServer() as server:
        urls = serve_site(server, 24, log)
        seeds = tmp_path / "urls.txt"
        seeds.write_text("\n".join(urls) + "\n")
        workers = _workers(env, tmp_path, 3, "--concurrency", "4")
        code, listing, err = _finish(_archive(env, seeds, tmp_path), tmp_path)
        summaries = [stop_worker(proc, log) for proc, log in workers]
    assert code == 0, err
    assert log.most == 2  # two at once, never three, whichever worker sent them
    gaps = [b - a for a, b in zip(log.starts, log.starts[1:], strict=False)]
    assert min(gaps) > 0.08, sorted(gaps)[:3]  # 0.1 s apart, less the server's jitter
    assert sum(1 for s in summaries if s["captures"]) >= 2
    _check_once(fresh_postgres_url, listing[0]["crawl_id"], home, urls)


def test_bad_frontier_settings_and_inputs_are_one_line_and_exit_2(
    tmp_path: Path, fresh_postgres_url: str, redis_url: str, redis_prefix: str
) -> None:
    home = tmp_path / "prov-data"
    env = frontier_env(home, fresh_postgres_url, redis_url, redis_prefix)
    no_redis = {k: v for k, v in env.items() if k != "PROV_REDIS_URL"}
    cases = [
        (["worker"], no_redis, "prov: error: prov worker needs PROV_REDIS_URL"),
        (["archive", "http://127.0.0.1:1/"], {**env, "PROV_REDIS_URL": "http://x:pw@h/"},
         "prov: error: PROV_REDIS_URL='http://h/': use redis://"),
        (["archive", "http://127.0.0.1:1/"], {**env, "PROV_REDIS_URL": "redis://127.0.0.1:1/0"},
         "prov: error: Redis at redis://127.0.0.1:1/0 is unreachable"),
        (["crawl", "http://127.0.0.1:1/"], {**env, "PROV_REDIS_URL": "redis://127.0.0.1:1/0"},
         "prov: error: Redis at redis://127.0.0.1:1/0 is unreachable"),
        (["worker", "--concurrency", "0"], env, "greater than or equal to 1"),
        (["crawls", "--cancel", "nosuchcrawl"], env, "prov: error: no crawl nosuchcrawl"),
    ]
    for args, case_env, expected in cases:
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", *args], env=case_env, cwd=REPO,
            capture_output=True, text=True, timeout=60, check=False,
        )
        assert done.returncode == 2, (args, done.stderr)
        assert expected in done.stderr, (args, done.stderr)
        if expected.startswith("prov: error"):
            assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "pw" not in done.stderr
        assert not home.exists(), args  # nothing written
    idle = run_prov("worker", "--until-idle", "--json", home=home, env=env)
    assert idle.returncode == 0, idle.stderr
    said = [json.loads(line)["event"] for line in idle.stdout.splitlines()]
    assert said[0] == "started" and said[-1] == "stopped"
    listed = run_prov("crawls", "--json", home=home, env=no_redis)
    assert listed.returncode == 0 and listed.json() == []
