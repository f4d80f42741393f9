"""One run of watched sources: lock, record, crawl in a child process, detect changes, notify.

``prov schedule run`` (what the daemon, system cron and people all call) does this. Each watch
is locked (``archive.watch.lock``) for the whole run, so the same watch never runs twice at once
whoever started it; a watch found locked is recorded as a ``skipped`` run. The URL watches of
one invocation are captured by one ``prov archive`` child process (Twisted's reactor runs once
per process); each article watch by a ``prov crawl`` child of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive.errors import ProvError
from archive.index.changes import ChangeIndex
from archive.index.rows import Capture
from archive.index.watches import RunIndex, Watch
from archive.session import Session
from archive.timestamps import utcnow, warc_date
from archive.watch.changes import check_for_change
from archive.watch.claims import LOST, recheck_claims
from archive.watch.lock import RunLock
from archive.watch.notify import Notifier
from crawler.sigterm import sigterm_raises

__all__ = ["TRIGGERS", "Interrupted", "WatchRun", "run_watches"]

TRIGGERS = ("command", "cron", "scheduler")
STOP_GRACE = 10.0  # seconds a child gets after SIGTERM before SIGKILL


class Interrupted(ProvError):
    """SIGTERM arrived while a run was going on."""


@dataclass
class WatchRun:
    watch: Watch
    run_id: int | None
    status: str  # running | ok | failed | error | interrupted | skipped | paused
    lock: RunLock | None = None
    message: str | None = None
    exit_code: int | None = None
    crawl_id: str | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "watch": self.watch.name,
            "run_id": self.run_id,
            "status": self.status,
            "exit_code": self.exit_code,
            "crawl_id": self.crawl_id,
            "message": self.message,
        }


def _crawl_id_in(output: str) -> str | None:
    """The crawl id in a command's --json output (a list of captures, or an object)."""
    try:
        data = json.loads(output)
    except ValueError:
        return None
    stack: list[Any] = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            if isinstance(item.get("crawl_id"), str):
                return str(item["crawl_id"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _child(argv: list[str], timeout: float) -> tuple[int | None, str, str | None]:
    """Run a prov command; (exit code or None, stdout, why it was stopped)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return None, "", f"stopped after PROV_RUN_TIMEOUT={timeout:g} s"
    except Interrupted:
        _stop(proc)
        raise
    return proc.returncode, out, None


def _lock_all(
    session: Session, watches: list[Watch], trigger: str, runs: RunIndex
) -> tuple[list[WatchRun], list[WatchRun]]:
    """(runs that go ahead, holding their locks; runs that do not: paused or skipped)."""
    active: list[WatchRun] = []
    others: list[WatchRun] = []
    for watch in watches:
        if watch.paused:
            others.append(WatchRun(watch, None, "paused", message="paused; prov schedule resume"))
            continue
        lock = RunLock(session.config.home, f"watch-{watch.id}", session.index.engine)
        if not lock.acquire():
            why = f"already running ({lock.holder()})"
            run_id = runs.start(watch, trigger, "skipped", message=why)
            runs.finish(run_id)
            others.append(WatchRun(watch, run_id, "skipped", message=why))
            continue
        active.append(WatchRun(watch, runs.start(watch, trigger), "running", lock))
    return active, others


def _jobs(active: list[WatchRun]) -> list[tuple[list[WatchRun], list[str]]]:
    prov = [sys.executable, "-m", "crawler.cli"]
    batch = [r for r in active if r.watch.kind == "url"]
    jobs = []
    if batch:
        urls = list(dict.fromkeys(r.watch.url for r in batch))
        jobs.append((batch, [*prov, "archive", "--json", *urls]))
    for run in active:
        if run.watch.kind == "article":
            jobs.append(([run], [*prov, "crawl", "--json", run.watch.url]))
    return jobs


def _detect(
    session: Session,
    run: WatchRun,
    captures: list[Capture],
    notifier: Notifier,
) -> None:
    index = ChangeIndex(session.index.engine)
    targets = [(run.watch.url, True)]
    if run.watch.kind == "article" and run.crawl_id:
        targets += [(url, False) for url in index.cited_urls(run.crawl_id)]
    for url, seed in targets:
        row = check_for_change(index, run.watch, url, captures, run.run_id, seed)
        run.checks.append(row)
        notifier.notify(row)
    if run.watch.kind == "article" and run.crawl_id:
        for claim in recheck_claims(session.index.engine, run.watch.url, run.crawl_id):
            verb = "lost its backing" if claim["kind"] == LOST else "is backed again"
            row = index.add(
                {
                    "watch_id": run.watch.id,
                    "watch": run.watch.name,
                    "run_id": run.run_id,
                    "url": claim["url"],
                    "time": warc_date(utcnow()),
                    "kind": claim["kind"],
                    "state": None,  # claims do not move a URL's ok/gone state
                    "reason": f"claim {verb} ({claim['before']} -> {claim['now']}) in "
                    f"{claim['source']}: {claim['statement']}",
                    "final_url": claim["source"],
                    "from_capture": claim["from_capture"],
                    "to_capture": claim["to_capture"],
                    "diff": [{"passage": claim["passage"], "statement": claim["statement"]}],
                }
            )
            notifier.notify(row)


def run_watches(
    session: Session,
    watches: list[Watch],
    trigger: str,
    *,
    timeout: float,
    log: Callable[[str], None] | None = None,
) -> list[WatchRun]:
    """Run WATCHES now; returns one WatchRun each (in order: run, then paused and skipped)."""
    runs = RunIndex(session.index.engine)
    notifier = Notifier(session.index.engine, session.config.webhook, log)
    active, others = _lock_all(session, watches, trigger, runs)
    try:
        with sigterm_raises(Interrupted):
            for group, argv in _jobs(active):
                code, out, stopped = _child(argv, timeout)
                crawl_id = _crawl_id_in(out)
                captures = session.index.for_crawl(crawl_id) if crawl_id else []
                for run in group:
                    _conclude(session, run, code, crawl_id, stopped, captures, notifier)
                    _finish(runs, run)
    except Interrupted:
        for run in active:
            if run.status == "running":
                run.status, run.message = "interrupted", "stopped by SIGTERM"
    finally:
        for run in active:
            if run.status in ("running", "interrupted"):
                if run.status == "running":
                    run.status, run.message = "error", "the run ended unexpectedly"
                _finish(runs, run)
            if run.lock is not None:
                run.lock.release()
    notifier.flush(budget=max(5.0, notifier.options.timeout * 2))
    return active + others


def _conclude(
    session: Session,
    run: WatchRun,
    code: int | None,
    crawl_id: str | None,
    stopped: str | None,
    captures: list[Capture],
    notifier: Notifier,
) -> None:
    """Status of RUN from its crawl's exit code, and the change checks when the crawl ran."""
    run.exit_code, run.crawl_id, run.message = code, crawl_id, stopped
    if code not in (0, 1) or crawl_id is None:
        run.status = "error"
        run.message = stopped or f"the crawl exited with status {code}"
    else:
        try:
            _detect(session, run, captures, notifier)
        except Exception as exc:  # one watch's bad luck does not stop the others
            run.status = "error"
            run.message = f"change detection failed: {type(exc).__name__}: {exc}"
        else:  # one crawl may serve several watches: each is judged by its own URLs
            failed = any(c["state"] != "ok" for c in run.checks)
            run.status, run.exit_code = ("failed", 1) if failed else ("ok", 0)


def _finish(runs: RunIndex, run: WatchRun) -> None:
    assert run.run_id is not None
    runs.finish(
        run.run_id,
        status=run.status,
        exit_code=run.exit_code,
        crawl_id=run.crawl_id,
        message=run.message,
    )
