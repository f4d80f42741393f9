"""What a submitting command does with a crawl that workers fetched: ``prov crawl`` computes
the citation graph and matches claims once, a watch run checks for changes once, and a
command on another machine reads every capture from the shared S3 store."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from archive.citations.registry import load_registry
from tests.conftest import register_home, run_prov
from tests.conftest_s3 import S3Server
from tests.frontier_run import (
    SiteLog,
    frontier_env,
    serve_site,
    start_prov,
    stop_worker,
    wait_for,
)
from tests.s3_check import download_warcs, s3_home_env
from tests.servers import RawHTTPServer, TLSFiles
from tests.servers.newsweb import ARTICLE_URL, DEAD_URL, QUANTA_URL, RUSSIAN_URL, NewsWeb, news_web


@pytest.fixture
def web(tls_files: TLSFiles) -> Iterator[NewsWeb]:
    isw = load_registry().get("isw")
    assert isw is not None and isw.feeds
    with news_web(tls_files, [isw.feeds[0].url]) as fixture:
        yield fixture


def test_a_citation_crawl_on_workers_gives_the_graph_and_claims(
    web: NewsWeb, tmp_path: Path, fresh_postgres_url: str, redis_url: str, redis_prefix: str
) -> None:
    home = tmp_path / "prov-data"
    env = frontier_env(home, fresh_postgres_url, redis_url, redis_prefix)
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    workers = [start_prov(env, log, "worker", "--json") for log in logs]
    crawled = run_prov("crawl", "--json", "--proxy", web.proxy.url, ARTICLE_URL, home=home,
                       env=env, timeout=240)
    summaries = [stop_worker(proc, log) for proc, log in zip(workers, logs, strict=True)]
    assert crawled.returncode == 1, crawled.stderr  # the dead link is reported
    assert f"source not captured: {DEAD_URL}" in crawled.stderr
    graph = crawled.json()
    sources = {s["url"]: s for s in graph["sources"]}
    assert {u for u, s in sources.items() if s["found_by"] == "link"} == {
        QUANTA_URL, RUSSIAN_URL, DEAD_URL,
    }
    assert sources[QUANTA_URL]["status"] == "captured"
    named = [s for s in graph["sources"] if s["found_by"] == "name"]
    assert any(s["source_id"] == "isw" and s["status"] == "captured" for s in named)
    by_source = {c["matched_url"]: c for c in graph["claims"] if c["matched_url"]}
    assert by_source[QUANTA_URL]["status"] == "matched"  # texts extracted, claims matched
    assert "tuft cells are an important hub" in by_source[QUANTA_URL]["passage"]
    assert by_source[RUSSIAN_URL]["status"] == "needs_translation"
    assert sum(s["captures"] for s in summaries) >= 6 and not any(
        s["write_errors"] for s in summaries
    )
    again = run_prov("sources", "--json", ARTICLE_URL, home=home, env=env)
    assert again.returncode == 0 and again.json()["crawl_id"] == graph["crawl_id"]
    assert again.json()["claims"] == graph["claims"]  # computed once, by the crawl


def test_watch_runs_on_workers_check_changes_once(
    tmp_path: Path, fresh_postgres_url: str, redis_url: str, redis_prefix: str
) -> None:
    home = tmp_path / "prov-data"
    env = frontier_env(home, fresh_postgres_url, redis_url, redis_prefix)
    with RawHTTPServer() as server:
        url = serve_site(server, 1, SiteLog())[0]
        log = tmp_path / "worker.log"
        worker = start_prov(env, log, "worker", "--json")
        added = run_prov("schedule", "add", "--every", "3600", "--url", url, "--name", "w",
                         home=home, env=env)
        assert added.returncode == 0, added.stderr
        runs = [run_prov("schedule", "run", "w", "--json", home=home, env=env) for _ in range(2)]
        summary = stop_worker(worker, log)
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert [r.json()[0]["status"] for r in runs] == ["ok", "ok"]
    changes = run_prov("changes", "--json", home=home, env=env).json()
    assert [c["kind"] for c in changes] == ["first", "unchanged"]
    assert summary["captures"] >= 3  # robots.txt and the page, then the page again


def test_a_command_on_another_machine_reads_every_capture_from_s3(
    tmp_path: Path,
    fresh_postgres_url: str,
    redis_url: str,
    redis_prefix: str,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    """Three PROV_HOMEs (three machines): two workers, and the submitting ``prov archive``
    whose text stage can only read the workers' WARCs once they are closed and uploaded."""
    here = tmp_path / "here" / "prov-data"
    here.parent.mkdir()
    env = {
        **s3_home_env(here, s3_server, s3_bucket),
        **{k: v for k, v in frontier_env(here, fresh_postgres_url, redis_url, redis_prefix)
           .items() if k.startswith("PROV_")},
    }
    with RawHTTPServer() as server:
        urls = serve_site(server, 40, SiteLog())
        workers = []
        for name in ("there", "elsewhere"):
            home = tmp_path / name / "prov-data"
            log = tmp_path / f"{name}.log"
            workers.append((start_prov({**env, "PROV_HOME": str(home)}, log, "worker", "--json"),
                            log, home))
        started = time.monotonic()
        archived = run_prov("archive", "--json", *urls, home=here, env=env, timeout=240)
        seconds = time.monotonic() - started
        summaries = [stop_worker(proc, log) for proc, log, _ in workers]
    assert archived.returncode == 0, archived.stderr
    assert "cannot be read here" not in archived.stderr and seconds < 60
    assert sum(s["captures"] for s in summaries) == 41, summaries  # the pages and robots.txt
    with psycopg.connect(fresh_postgres_url) as conn:
        texts = conn.execute("SELECT url, error FROM texts").fetchall()
        states = conn.execute("SELECT DISTINCT state FROM warc_files").fetchall()
    assert sorted(url for url, _ in texts) == sorted(urls)
    assert [error for _, error in texts if error] == []
    assert states == [("uploaded",)]
    for _, _, home in workers:
        assert not list((home / "spool").glob("*.warc.gz*")), "uploaded and gone"
    copies = tmp_path / "s3-copy" / "prov-data"
    assert len(download_warcs(s3_server, env["PROV_STORE"], copies / "warcs")) >= 2
    register_home(copies)


def test_a_crawl_waiting_for_workers_shows_queued_and_can_be_cancelled(
    tmp_path: Path, fresh_postgres_url: str, redis_url: str, redis_prefix: str
) -> None:
    home = tmp_path / "prov-data"
    env = frontier_env(home, fresh_postgres_url, redis_url, redis_prefix)
    urls = [f"http://127.0.0.1:9/page/{n}" for n in range(5)]  # no worker ever fetches them
    archive = start_prov(env, tmp_path / "archive.json", "archive", "--json", *urls)
    listed: list[dict] = []

    def queued() -> bool:
        listed[:] = run_prov("crawls", "--json", home=home, env=env).json()
        return bool(listed) and listed[0]["queued"] == 5 and listed[0]["state"] == "running"

    wait_for(queued, 60, "the crawl queued")
    row = listed[0]
    assert (row["in_flight"], row["done"], row["failed"], row["frontier"]) == (0, 0, 0, True)
    table = run_prov("crawls", home=home, env=env)
    assert row["crawl_id"] in table.stdout and "running" in table.stdout
    cancelled = run_prov("crawls", "--cancel", row["crawl_id"], home=home, env=env)
    assert cancelled.returncode == 0, cancelled.stderr
    _, err = archive.communicate(timeout=60)
    assert archive.returncode == 1
    assert err.decode().strip() == (
        f"prov: error: CrawlLost: crawl {row['crawl_id']} was cancelled (prov crawls --cancel)"
    )
    after = run_prov("crawls", "--json", home=home, env=env).json()[0]
    assert (after["state"], after["queued"]) == ("cancelled", 0)
    again = run_prov("crawls", "--cancel", row["crawl_id"], home=home, env=env)
    assert again.returncode == 2 and "already cancelled" in again.stderr


def test_a_worker_that_cannot_reach_s3_spools_and_says_so(
    tmp_path: Path,
    fresh_postgres_url: str,
    redis_url: str,
    redis_prefix: str,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    home = tmp_path / "prov-data"
    home.parent.mkdir(exist_ok=True)
    env = {
        **s3_home_env(home, s3_server, s3_bucket),
        **{k: v for k, v in frontier_env(home, fresh_postgres_url, redis_url, redis_prefix)
           .items() if k.startswith("PROV_")},
    }
    down = {**env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "PROV_S3_DRAIN_TIMEOUT": "1"}
    with RawHTTPServer() as server:
        urls = serve_site(server, 5, SiteLog())
        log = tmp_path / "worker.log"
        worker = start_prov(down, log, "worker", "--json")
        archived = run_prov("archive", "--json", "--no-text", *urls, home=home, env=down)
        os.kill(worker.pid, signal.SIGTERM)
        assert worker.wait(120) == 0, log.read_text()  # stopped, its files waiting
    assert archived.returncode == 0, archived.stderr
    assert len([c for c in archived.json() if c["status"] == 200]) == 6
    said = log.read_text()
    assert "prov: pending:" in said and "they go up at the next prov run" in said
    assert list((home / "spool").glob("*.warc.gz"))
    uploaded = run_prov("upload", "--json", home=home, env=env)  # S3 is back
    assert uploaded.returncode == 0, uploaded.stderr
    assert not list((home / "spool").glob("*.warc.gz"))
    copies = tmp_path / "s3-copy" / "prov-data"
    assert download_warcs(s3_server, env["PROV_STORE"], copies / "warcs")
    register_home(copies)
