"""Schedules and the scheduler daemon: real crawls in child processes, real databases."""

from __future__ import annotations

import itertools
import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import REPO, prov_env, register_home, run_prov
from tests.servers import RawHTTPServer, Request, ResponseWriter, build_response

HTML = [("Content-Type", "text/html; charset=utf-8")]
PAGE = (
    b"<html><head><title>Watched</title></head><body><article><h1>Watched page</h1>"
    b"<p>The harbour authority published its annual report on shipping volumes today. "
    b"Container traffic rose by four percent compared with the previous year.</p>"
    b"</article></body></html>"
)


@pytest.fixture(scope="module")
def server() -> Iterator[RawHTTPServer]:
    def slow(_request: Request, writer: ResponseWriter) -> None:
        writer.sleep(0.5)
        writer.send(build_response(200, HTML, PAGE))

    def slow_gone(_request: Request, writer: ResponseWriter) -> None:
        writer.sleep(2.0)
        writer.send(build_response(404, HTML, b"<html><body>gone</body></html>"))

    def hang(_request: Request, writer: ResponseWriter) -> None:
        writer.sleep(20.0)

    with RawHTTPServer() as srv:
        srv.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        srv.route("/slow", slow)
        srv.route("/never", build_response(200, HTML, PAGE))
        srv.route("/slow-gone", slow_gone)
        srv.route("/hang", hang)
        yield srv


def _one_error_line(result: Any) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("prov: error: ") and result.stderr.count("\n") == 1


def test_bad_schedules_are_refused_in_one_line_and_nothing_is_written(
    prov_home: Path, server: RawHTTPServer
) -> None:
    url = server.url("/slow")
    cases = [
        ["--cron", "61 * * * *", "--url", url],  # more in test_cron_expressions_fire_...
        ["--cron", "* * *", "--url", url],
        ["--cron", "0 * * * *", "--every", "60", "--url", url],
        ["--url", url],
        ["--every", "0", "--url", url],
        ["--every", "60", "--url", url, "--article", url],
        ["--every", "60", "--url", "ftp://example.org/x"],
        ["--every", "60", "--url", url, "--name", "no spaces"],
    ]
    for args in cases:
        result = run_prov("schedule", "add", *args, home=prov_home)
        _one_error_line(result)
        if args[1] == "61 * * * *":
            assert "61" in result.stderr and "59" in result.stderr
    assert not prov_home.exists()  # refused before the archive was opened


def test_schedule_add_list_pause_resume_remove(prov_home: Path, server: RawHTTPServer) -> None:
    url = server.url("/never")
    added = run_prov(
        "schedule", "add", "--cron", "*/30  * * * 1-5", "--url", url, "--name", "weekdays",
        home=prov_home,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "*/30 * * * 1-5 cd " in added.stdout
    assert " schedule run weekdays --trigger cron" in added.stdout  # the crontab line
    every = run_prov(
        "schedule", "add", "--every", "600", "--article", url, "--json", home=prov_home
    )  # fmt: skip
    assert every.returncode == 0, every.stderr
    assert every.json()["kind"] == "article" and every.json()["every"] == 600
    assert every.json()["name"].startswith("127-0-0-1-")  # made from the URL
    _one_error_line(
        run_prov("schedule", "add", "--every", "5", "--url", url, "--name", "weekdays",
                 home=prov_home)
    )  # fmt: skip
    listing = run_prov("schedule", "list", "--json", home=prov_home).json()
    assert [w["name"] for w in listing] == ["weekdays", every.json()["name"]]
    weekdays = listing[0]
    assert weekdays["cron"] == "*/30 * * * 1-5" and weekdays["schedule"].startswith("cron")
    assert weekdays["next_run"] and weekdays["last_run"] is None
    paused = run_prov("schedule", "pause", "weekdays", "--json", home=prov_home).json()
    assert paused["paused"] is True and paused["next_run"] is None
    ran = run_prov("schedule", "run", "weekdays", "--json", home=prov_home)
    assert ran.returncode == 0 and ran.json()[0]["status"] == "paused"
    assert not server.exchanges_for("/never")  # a paused watch is not crawled
    resumed = run_prov("schedule", "resume", "weekdays", "--json", home=prov_home)
    assert resumed.json()["paused"] is False
    assert run_prov("schedule", "remove", "weekdays", home=prov_home).returncode == 0
    assert [w["name"] for w in run_prov("schedule", "list", "--json", home=prov_home).json()] == [
        every.json()["name"]
    ]
    _one_error_line(run_prov("schedule", "remove", "weekdays", home=prov_home))
    _one_error_line(run_prov("schedule", "run", home=prov_home))


def test_cron_and_a_second_start_never_run_one_watch_twice(
    prov_home: Path, server: RawHTTPServer
) -> None:
    """Two runs of one watch started together: one crawls, the other is recorded as skipped.
    The change (404: gone) goes to a webhook that never answers; the run does not wait for it."""
    env = prov_env(prov_home, PROV_WEBHOOK_URL=server.url("/hang"), PROV_WEBHOOK_TIMEOUT="1")
    added = run_prov("schedule", "add", "--every", "3600", "--url", server.url("/slow-gone"),
                     "--name", "w", home=prov_home, env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    server.clear_log()
    argv = [sys.executable, "-m", "crawler.cli", "schedule", "run", "w", "--trigger", "cron"]
    started = time.monotonic()
    procs = [
        subprocess.Popen(argv, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    seconds = time.monotonic() - started
    codes = sorted(proc.returncode for proc in procs)
    assert codes == [0, 1], outputs  # skipped (0), and the run whose URL is gone (1)
    assert len(server.exchanges_for("/slow-gone")) == 1  # exactly one crawl
    assert any(b"prov: skipped: w: already running (pid " in err for _out, err in outputs)
    with sqlite3.connect(prov_home / "index.sqlite") as db:
        runs = db.execute("SELECT status, trigger, exit_code, finished FROM runs").fetchall()
        outbox = db.execute("SELECT state, attempts, last_error FROM webhook_outbox").fetchall()
    assert sorted(r[0] for r in runs) == ["failed", "skipped"]
    assert all(r[1] == "cron" and r[3] for r in runs)
    assert len(outbox) == 1 and outbox[0][:2] == ("pending", 1)
    assert "timed out" in outbox[0][2]
    assert seconds < 20, seconds  # the hanging webhook cost its 1 s timeout, no more


class Daemon:
    """``prov scheduler --json`` as a child process, its event lines collected by a thread."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        register_home(home)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "scheduler", "--json"],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.events: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.changed:
                self.events.append(json.loads(line))
                self.changed.notify_all()

    def wait_for(self, count: int, event: str, timeout: float, **match: Any) -> None:
        def enough() -> bool:
            found = [
                e
                for e in self.events
                if e["event"] == event and all(e.get(k) == v for k, v in match.items())
            ]
            return len(found) >= count

        with self.changed:
            assert self.changed.wait_for(enough, timeout), self.events

    def of(self, event: str, watch: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == event and e.get("watch") == watch]


def test_daemon_runs_one_crawl_per_trigger_and_stops_cleanly(
    tmp_path: Path, server: RawHTTPServer, postgres_url: str
) -> None:
    home = tmp_path / "prov-data"
    env = prov_env(
        home,
        PROV_DATABASE_URL=postgres_url,
        PROV_SCHEDULER_TICK="0.5",
        PROV_SCHEDULER_STOP_TIMEOUT="30",
    )
    for name, path in (("harbour", "/slow"), ("idle", "/never")):
        added = run_prov("schedule", "add", "--every", "1", "--url", server.url(path),
                         "--name", name, home=home, env=env)  # fmt: skip
        assert added.returncode == 0, added.stderr
    assert run_prov("schedule", "pause", "idle", home=home, env=env).returncode == 0
    server.clear_log()
    daemon = Daemon(home, env)
    try:
        daemon.wait_for(1, "started", 30)
        second = Daemon(home, env)  # a second daemon on the same archive is refused
        assert second.proc.wait(30) == 2
        assert second.proc.stderr and "another prov scheduler runs" in second.proc.stderr.read()
        daemon.wait_for(2, "finished", 60, watch="harbour")
        count = len(daemon.of("run", "harbour"))
        daemon.wait_for(count + 1, "run", 20, watch="harbour")  # a run is under way: stop now
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(60) == 0
    finally:
        if daemon.proc.poll() is None:
            daemon.proc.kill()
    daemon.reader.join(5)
    log = daemon.proc.stderr.read() if daemon.proc.stderr else ""
    order = [e["event"] for e in daemon.events]
    assert order[:3] == ["scheduled", "scheduled", "paused"] and order[3] == "started"
    assert order[-2:] == ["finished", "stopped"]
    triggered = daemon.of("run", "harbour")
    finished = daemon.of("finished", "harbour")
    assert len(finished) == len(triggered) >= 3  # the run under way at SIGTERM was waited for
    assert all(e["exit_code"] == 0 for e in finished), (daemon.events, log)
    assert not daemon.of("run", "idle")
    with psycopg.connect(postgres_url) as db:
        runs = db.execute(
            "SELECT r.started, r.finished, r.status, r.exit_code, r.trigger FROM runs r "
            "JOIN watches w ON w.id = r.watch_id WHERE w.name = 'harbour' ORDER BY r.id"
        ).fetchall()
        idle_runs = db.execute(
            "SELECT count(*) FROM runs r JOIN watches w ON w.id = r.watch_id "
            "WHERE w.name = 'idle'"
        ).fetchone()
        jobs = db.execute("SELECT id, next_run_time FROM prov_scheduler_jobs").fetchall()
        kinds = db.execute(
            "SELECT c.kind FROM changes c JOIN watches w ON w.id = c.watch_id "
            "WHERE w.name = 'harbour' ORDER BY c.id"
        ).fetchall()
    assert len(runs) == len(triggered)  # exactly one run per trigger
    assert all(r[2] == "ok" and r[3] == 0 and r[4] == "scheduler" and r[1] for r in runs)
    for (_s1, end, *_), (start, *_rest) in itertools.pairwise(runs):
        assert end <= start  # never two runs of one watch at once
    assert len(server.exchanges_for("/slow")) == len(runs)  # and one crawl per run
    assert not server.exchanges_for("/never") and idle_runs == (0,)
    assert len(jobs) == 2 and sorted(j[1] is None for j in jobs) == [False, True]  # idle paused
    assert [k for (k,) in kinds] == ["first"] + ["unchanged"] * (len(runs) - 1)


def test_cron_expressions_fire_when_system_cron_would() -> None:
    from datetime import UTC, datetime

    from crawler.scheduler.triggers import ScheduleError, cron_trigger, next_fire

    start = datetime(2026, 1, 1, tzinfo=UTC)  # a Thursday

    def fires(expression: str, count: int = 3) -> list[str]:
        trigger = cron_trigger(expression)
        found, when = [], start
        for _ in range(count):
            nxt = next_fire(trigger, when)
            assert nxt is not None
            found.append(nxt.astimezone(UTC).strftime("%a %d %H:%M"))
            when = nxt.replace(second=1)
        return found

    if datetime.now().astimezone().utcoffset():
        pytest.skip("cron expressions are read in local time; this checks them in UTC")
    assert fires("0 9 * * 1", 2) == ["Mon 05 09:00", "Mon 12 09:00"]  # 1 is Monday, as in cron
    assert fires("0 9 * * 0", 1) == fires("0 9 * * 7", 1) == ["Sun 04 09:00"]
    assert fires("0 0 * * */2", 3) == ["Thu 01 00:00", "Sat 03 00:00", "Sun 04 00:00"]
    assert fires("0 0 13 * 5", 3) == ["Fri 02 00:00", "Fri 09 00:00", "Tue 13 00:00"]  # either
    assert fires("@daily", 2) == ["Thu 01 00:00", "Fri 02 00:00"]
    for bad in ("", "* * * *", "0 0 * * 8", "0 0 * * 5-2", "60 * * * *", "@reboot"):
        with pytest.raises(ScheduleError):
            cron_trigger(bad)


def test_the_printed_crontab_line_runs_from_an_empty_environment(
    tmp_path: Path, server: RawHTTPServer
) -> None:
    """The line ``prov schedule add --cron`` prints, run exactly as printed under ``env -i``
    (cron's empty environment; the five schedule fields cut off), runs the watch: a run row
    and a capture. No credential is in it: it reads them from the env file it names, and
    refuses to run without that file."""
    import base64
    from urllib.parse import quote

    home = tmp_path / "prov-data"
    secrets = {
        "AWS_ACCESS_KEY_ID": "AKIACRONLINE00000001",
        "AWS_SECRET_ACCESS_KEY": "cron-line-secret-key-0002",
        "PROV_WEBHOOK_URL": server.url("/hook").replace("://", "://hookuser:hook-pw-0003@"),
    }
    env = prov_env(home, HOME=str(tmp_path), PROV_RUN_TIMEOUT="60", **secrets)
    plain = run_prov("schedule", "add", "--cron", "@daily", "--url", server.url("/slow"),
                     "--json", home=home, env=prov_env(home))  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    assert plain.json()["crontab"]["env_file"] is None
    assert " && set +a" not in plain.json()["crontab"]["line"]
    added = run_prov("schedule", "add", "--cron", "0 3 * * *", "--url", server.url("/never"),
                     "--name", "nightly", home=home, env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    printed = added.stdout + added.stderr
    for secret in ("AKIACRONLINE00000001", "cron-line-secret-key-0002", "hook-pw-0003"):
        for form in (secret, base64.b64encode(secret.encode()).decode(), quote(secret)):
            assert form not in printed
    line = added.stdout.splitlines()[2].strip()
    assert line.startswith("0 3 * * * ") and "schedule run nightly --trigger cron" in line
    assert f"PROV_HOME={home}" in line and "SCRAPY_SETTINGS_MODULE=settings.test" in line
    env_file = tmp_path / ".config" / "prov" / "prov.env"
    assert str(env_file) in line
    assert "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, PROV_WEBHOOK_URL" in added.stdout
    command = line.split(" ", 5)[5]

    def under_cron() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["env", "-i", "sh", "-c", command], cwd="/", capture_output=True,
                              text=True, timeout=90, check=False)  # fmt: skip

    server.clear_log()
    missing = under_cron()
    assert missing.returncode != 0 and not server.exchanges_for("/never")
    env_file.parent.mkdir(parents=True)
    env_file.write_text("".join(f"{k}={v}\n" for k, v in secrets.items()))
    ran = under_cron()
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert len(server.exchanges_for("/never")) == 1
    with sqlite3.connect(home / "index.sqlite") as db:
        runs = db.execute(
            "SELECT r.status, r.trigger, r.exit_code FROM runs r "
            "JOIN watches w ON w.id = r.watch_id WHERE w.name = 'nightly'"
        ).fetchall()
        captured = db.execute("SELECT status FROM captures WHERE url = ?", (server.url("/never"),))
        statuses = [s for (s,) in captured]
    assert runs == [("ok", "cron", 0)] and statuses == [200]


def test_the_crontab_line_escapes_cron_percent_signs_and_names_credentials() -> None:
    from crawler.scheduler.crontab import cron_line, is_credential

    environ = {
        "PROV_STORE": "file:///srv/100%25/warcs",
        "PROV_DATABASE_URL": "postgresql://prov@db.example/prov",  # a user name is one too
        "https_proxy": "http://proxyuser:proxy-pw@proxy.example:3128",
        "PROV_S3_TOKEN": "t",
        "UNRELATED": "x",
    }
    made = cron_line("@hourly", "w", Path("/srv/prov-data"), environ=environ, cwd=Path("/srv"),
                     env_file=Path("/etc/prov.env"))  # fmt: skip
    assert "PROV_STORE=file:///srv/100\\%25/warcs" in made.line
    assert "proxy-pw" not in made.line and "UNRELATED" not in made.line
    assert made.needs == ["PROV_DATABASE_URL", "PROV_S3_TOKEN", "https_proxy"]
    assert made.env_file == Path("/etc/prov.env")
    assert made.line.startswith("@hourly set -a && . /etc/prov.env && set +a && cd /srv && ")
    assert not is_credential("PROV_KEEP_SPOOL", "1") and is_credential("AWS_SESSION_TOKEN", "x")
