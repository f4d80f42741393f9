"""Frontier benchmark: ``prov archive`` on the shared frontier with 1, 2 and 4 workers.

    .venv/bin/python bench/frontier_bench.py --pages 3000
    .venv/bin/python bench/frontier_bench.py --pages 3000 --workers 1 2 4 --repeat 2 \
        --json-out bench/out/frontier.json

Everything runs on 127.0.0.1: the site of capture_bench.py (N real corpus pages, ~146 KB mean,
served by nginx), a ``redis-server`` of the bench's own (append-only file, fsync every
second, as production would run it; its own so that its CPU and command counts are ours
alone), the machine's PostgreSQL (a throwaway database per run; ``PROV_TEST_POSTGRES_URL``
names the server) and a local file store. For each worker count W: W ``prov worker
--concurrency C`` processes start and say they are ready; ``prov archive -i urls.txt --json
--no-text`` submits the N URLs and waits until the crawl is drained; the workers are stopped.

Printed per run:

- pages/s over the fetch window (first to last capture in the index) and end to end (the
  ``prov archive`` command, Scrapy start-up and seeding included);
- CPU ms per page: the workers (all of them, from wait4), the submitting command, redis-server
  (its INFO cpu), PostgreSQL (the backends serving this run's database, sampled before the
  workers stop; the WAL writer and checkpointer are not counted), nginx; and the CPU other
  processes of the machine used meanwhile (other people's test suites), in cores;
- Redis: commands per page by command (INFO commandstats of the bench's server) and the
  workers' round-trips per page (their Gate count: a script or a pipeline is one);
- PostgreSQL: commits and rows inserted per page (pg_stat_database);
- WARC bytes per page (what S3 PUTs follow from; see bench/README.md for the account).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from capture_bench import (  # a sibling script, not a package
    REPO,
    build_site,
    child_env,
    free_port,
    machine_cpu,
    mean_page_bytes,
    process_cpu_seconds,
    prov_command,
    static_server,
)

POSTGRES = os.environ.get("PROV_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class FrontierRun:
    workers: int
    pages: int
    concurrency: int
    wall_s: float = 0.0  # the prov archive command
    fetch_s: float = 0.0  # first to last capture
    captured: int = 0
    worker_cpu_s: float = 0.0
    submit_cpu_s: float = 0.0
    redis_cpu_s: float = 0.0
    postgres_cpu_s: float = 0.0
    nginx_cpu_s: float = 0.0
    other_cores: float = 0.0
    redis_commands: dict[str, int] = field(default_factory=dict)
    worker_round_trips: int = 0
    commits: int = 0
    rows_inserted: int = 0
    warc_bytes: int = 0
    per_worker_captures: list[int] = field(default_factory=list)
    exit_status: int = 0

    def per_page(self, value: float) -> float:
        return value / max(1, self.captured)

    def summary(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "pages_per_s_fetch": round(self.captured / self.fetch_s, 1) if self.fetch_s else 0,
            "pages_per_s_end_to_end": round(self.captured / self.wall_s, 1),
            "cpu_ms_per_page": {
                "workers": round(1000 * self.per_page(self.worker_cpu_s), 2),
                "submitter": round(1000 * self.per_page(self.submit_cpu_s), 2),
                "redis": round(1000 * self.per_page(self.redis_cpu_s), 3),
                "postgres": round(1000 * self.per_page(self.postgres_cpu_s), 2),
                "nginx": round(1000 * self.per_page(self.nginx_cpu_s), 2),
            },
            "other_cores": round(self.other_cores, 2),
            "redis_commands_per_page": round(self.per_page(sum(self.redis_commands.values())), 2),
            "redis_by_command_per_page": {
                name: round(self.per_page(count), 3)
                for name, count in sorted(self.redis_commands.items(), key=lambda kv: -kv[1])
            },
            "worker_round_trips_per_page": round(self.per_page(self.worker_round_trips), 2),
            "pg_commits_per_page": round(self.per_page(self.commits), 3),
            "pg_rows_per_page": round(self.per_page(self.rows_inserted), 2),
            "warc_bytes_per_page": int(self.per_page(self.warc_bytes)),
            "captures_per_worker": self.per_worker_captures,
            "ok": self.exit_status == 0 and self.captured >= self.pages,
        }


@contextmanager
def redis_server(tmp: Path) -> Iterator[tuple[str, redis.Redis]]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found: apt-get install -y redis-server")
    port = free_port()
    data = tmp / "redis"
    data.mkdir()
    argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data),
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""]  # fmt: skip
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url, client
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def database() -> Iterator[str]:
    name = f"prov_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_stats(client: redis.Redis) -> tuple[dict[str, int], float]:
    commands = {
        name.removeprefix("cmdstat_"): int(values["calls"])
        for name, values in client.info("commandstats").items()
    }
    cpu = client.info("cpu")
    return commands, float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def pg_stats(url: str) -> tuple[int, int]:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT xact_commit, tup_inserted FROM pg_stat_database WHERE datname = %s", (name,)
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def pg_backend_cpu(url: str) -> float:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES) as conn:
        pids = [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
        )]  # fmt: skip
    return sum(process_cpu_seconds(pid) for pid in pids)


def wait_started(logs: list[Path], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not all('"started"' in (log.read_text() if log.exists() else "") for log in logs):
        if time.monotonic() > deadline:
            raise SystemExit("workers did not start: " + " ".join(str(p) for p in logs))
        time.sleep(0.1)


def stopped_summary(log: Path) -> dict[str, Any]:
    for line in reversed(log.read_text().splitlines()):
        if '"stopped"' in line:
            return dict(json.loads(line))
    return {}


def one_run(
    workers: int, urls_file: Path, pages: int, work: Path, server: Any, opts: argparse.Namespace
) -> FrontierRun:
    run = FrontierRun(workers, pages, opts.concurrency)
    with redis_server(work) as (redis_url, client), database() as pg_url:
        home = work / "prov-data"
        env = child_env(
            PROV_HOME=str(home),
            PROV_DATABASE_URL=pg_url,
            PROV_REDIS_URL=redis_url,
            PROV_REDIS_PREFIX="bench",
            SCRAPY_SETTINGS_MODULE="settings.base",
            PYTHONPATH=str(REPO),
        )
        logs = [work / f"worker-{n}.log" for n in range(workers)]
        procs = []
        for log in logs:
            with log.open("wb") as out:
                argv = [*prov_command(), "worker", "--json", "--concurrency", str(opts.concurrency)]
                procs.append(subprocess.Popen(argv, env=env, cwd=REPO, stdout=out,
                                              stderr=subprocess.STDOUT))  # fmt: skip
        wait_started(logs)
        commands_before, redis_cpu_before = redis_stats(client)
        commits_before, rows_before = pg_stats(pg_url)
        nginx_before = server.cpu_seconds()
        busy_before, _ = machine_cpu()
        worker_cpu_before = sum(process_cpu_seconds(p.pid) for p in procs)
        started = time.perf_counter()
        with (work / "archive.json").open("wb") as out, (work / "archive.err").open("wb") as err:
            argv = [*prov_command(), "archive", "-i", str(urls_file), "--json", "--no-text"]
            submitter = subprocess.Popen(argv, env=env, cwd=REPO, stdout=out, stderr=err)
            _, status, usage = os.wait4(submitter.pid, 0)
        run.wall_s = time.perf_counter() - started
        run.exit_status = os.waitstatus_to_exitcode(status)
        run.submit_cpu_s = usage.ru_utime + usage.ru_stime
        run.postgres_cpu_s = pg_backend_cpu(pg_url)
        worker_cpu_now = sum(process_cpu_seconds(p.pid) for p in procs)
        run.nginx_cpu_s = server.cpu_seconds() - nginx_before
        busy_after, _ = machine_cpu()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            os.wait4(proc.pid, 0)
        run.worker_cpu_s = worker_cpu_now - worker_cpu_before
        commands_after, redis_cpu_after = redis_stats(client)
        run.redis_cpu_s = redis_cpu_after - redis_cpu_before
        run.redis_commands = {
            name: count - commands_before.get(name, 0)
            for name, count in commands_after.items()
            if count - commands_before.get(name, 0) > 0 and name not in ("info", "ping")
        }
        time.sleep(1.0)  # backends flush their statistics
        commits_after, rows_after = pg_stats(pg_url)
        run.commits, run.rows_inserted = commits_after - commits_before, rows_after - rows_before
        ours = run.worker_cpu_s + run.submit_cpu_s + run.redis_cpu_s + run.nginx_cpu_s
        run.other_cores = max(
            0.0, (busy_after - busy_before - ours - run.postgres_cpu_s) / run.wall_s
        )
        summaries = [stopped_summary(log) for log in logs]
        run.per_worker_captures = [int(s.get("captures", 0)) for s in summaries]
        run.worker_round_trips = sum(int(s.get("redis_calls", 0)) for s in summaries)
        with psycopg.connect(pg_url) as conn:
            row = conn.execute(
                "SELECT count(*), min(warc_date), max(warc_date) FROM captures "
                "WHERE status = 200 AND duplicate_of IS NULL"
            ).fetchone()
        assert row is not None
        run.captured = int(row[0])
        if row[1] and row[2]:
            first, last = (datetime.fromisoformat(v.replace("Z", "+00:00")) for v in row[1:])
            run.fetch_s = max(0.001, (last - first).total_seconds())
        run.warc_bytes = sum(p.stat().st_size for p in (home / "warcs").glob("*.warc.gz"))
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json-out", type=Path)
    opts = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="prov-frontier-bench-") as tmp_name:
        tmp = Path(tmp_name)
        paths = build_site(tmp / "site", opts.pages)
        with static_server(tmp / "site", tmp) as server:
            urls_file = tmp / "urls.txt"
            urls_file.write_text("".join(f"{server.base_url}{p}\n" for p in paths))
            for repeat in range(opts.repeat):
                for workers in opts.workers:
                    work = tmp / f"run-{workers}-{repeat}"
                    work.mkdir()
                    run = one_run(workers, urls_file, opts.pages, work, server, opts)
                    summary = run.summary() | {"repeat": repeat}
                    results.append({**summary, "raw": asdict(run)})
                    print(json.dumps(summary), flush=True)
    report = {
        "pages": opts.pages,
        "mean_page_bytes": mean_page_bytes(opts.pages),
        "concurrency": opts.concurrency,
        "cores": os.cpu_count(),
        "runs": results,
    }
    if opts.json_out:
        opts.json_out.parent.mkdir(parents=True, exist_ok=True)
        opts.json_out.write_text(json.dumps(report, indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
