"""``prov scheduler``: the daemon that runs watches when their schedules say.

APScheduler 3 with its SQLAlchemy job store in prov's own database (table
``prov_scheduler_jobs``), so the next run time of every watch survives a restart: a trigger
missed while the daemon was down runs once (coalescing) if it is no older than the misfire
grace time. The ``watches`` table is the truth (``prov schedule add`` may run while the daemon
does); every tick the daemon brings the job store in line with it and retries webhooks.

Each run is a child process, ``prov schedule run NAME --trigger scheduler`` (Twisted's reactor
cannot be restarted, and a crash in a run cannot take the daemon down), at most one per watch
at a time (``max_instances=1``; the child also holds the watch's lock against system cron).
On SIGTERM or SIGINT the daemon stops starting runs, waits up to
``PROV_SCHEDULER_STOP_TIMEOUT`` seconds for the running children, then stops them (each child
records its run as interrupted), and exits 0.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobSubmissionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from archive.config import SchedulerOptions
from archive.index.watches import WatchIndex
from archive.session import Session
from archive.timestamps import utcnow, warc_date
from archive.watch.notify import Notifier
from crawler.scheduler.options import JOB_TABLE
from crawler.scheduler.triggers import build_trigger

__all__ = ["Events", "run_daemon", "run_watch_job"]

JOB_FUNC = "crawler.scheduler.daemon:run_watch_job"
CHILD_STOP_GRACE = 15.0  # after SIGTERM to a child, before SIGKILL

_children: dict[int, tuple[str, subprocess.Popen[bytes]]] = {}
_children_lock = threading.Lock()
_stopping = threading.Event()


class Events:
    """What a daemon (the scheduler, a worker) says: JSON lines on stdout (``--json``) or
    lines on stderr."""

    def __init__(
        self, json_lines: bool, write_err: Callable[[str], None], name: str = "prov scheduler"
    ) -> None:
        self.json_lines = json_lines
        self.write_err = write_err
        self.name = name
        self._lock = threading.Lock()

    def __call__(self, event: str, **fields: Any) -> None:
        record = {"time": warc_date(utcnow()), "event": event, **fields}
        with self._lock:
            if self.json_lines:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                detail = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
                self.write_err(f"{self.name}: {event} {detail}".rstrip())


_events: Events | None = None


def _emit(event: str, **fields: Any) -> None:
    if _events is not None:
        _events(event, **fields)


def run_watch_job(name: str) -> None:
    """The job of every watch (named by text in the job store): one run, in a child process."""
    argv = [sys.executable, "-m", "crawler.cli", "schedule", "run", name, "--trigger", "scheduler"]
    started = time.monotonic()
    with _children_lock:  # no child starts once shutdown has begun
        if _stopping.is_set():
            return
        # A session of its own: a Ctrl-C at the terminal reaches the daemon, which stops it.
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, start_new_session=True)
        _children[proc.pid] = (name, proc)
    try:
        code = proc.wait()
    finally:
        with _children_lock:
            _children.pop(proc.pid, None)
    _emit("finished", watch=name, exit_code=code, seconds=round(time.monotonic() - started, 3))


def _sync(scheduler: BackgroundScheduler, session: Session, options: SchedulerOptions) -> None:
    """Make the job store match the watches table."""
    watches = {f"watch-{w.id}": w for w in WatchIndex(session.index.engine).all()}
    for job in scheduler.get_jobs(jobstore="default"):
        if job.id not in watches:
            scheduler.remove_job(job.id, "default")
            _emit("removed", job=job.id)
    for job_id, watch in watches.items():
        signature = f"{watch.name} {watch.trigger}"
        job = scheduler.get_job(job_id, "default")
        if job is None or job.name != signature:
            job = scheduler.add_job(
                JOB_FUNC,
                trigger=build_trigger(watch),
                args=[watch.name],
                id=job_id,
                name=signature,
                jobstore="default",
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=int(options.misfire_grace),
                max_instances=1,
            )
            _emit("scheduled", watch=watch.name, trigger=watch.trigger)
        if watch.paused and job.next_run_time is not None:
            scheduler.pause_job(job_id, "default")
            _emit("paused", watch=watch.name)
        elif not watch.paused and job.next_run_time is None:
            scheduler.resume_job(job_id, "default")
            _emit("resumed", watch=watch.name)


def _listener(names: Callable[[str], str]) -> Callable[[JobEvent], None]:
    def listen(event: JobEvent) -> None:
        if event.jobstore != "default":
            return
        watch = names(event.job_id)
        if event.code == EVENT_JOB_SUBMITTED and isinstance(event, JobSubmissionEvent):
            times = [warc_date(t) for t in event.scheduled_run_times]  # one: coalescing
            _emit("run", watch=watch, scheduled=times[-1])
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            _emit("skipped", watch=watch, reason="the previous run is still going")
        elif event.code == EVENT_JOB_MISSED:
            _emit("missed", watch=watch, scheduled=warc_date(event.scheduled_run_time))
        elif event.code == EVENT_JOB_ERROR:
            _emit("error", watch=watch, reason=repr(getattr(event, "exception", None)))

    return listen


def _stop_children(timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _children_lock:
            if not _children:
                return
        time.sleep(0.1)
    with _children_lock:
        left = list(_children.values())
    for name, proc in left:
        _emit("stopping-run", watch=name, pid=proc.pid)
        proc.terminate()
    for _name, proc in left:
        try:
            proc.wait(CHILD_STOP_GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_daemon(session: Session, options: SchedulerOptions, events: Events) -> None:
    """Run until SIGTERM or SIGINT."""
    global _events
    _events = events
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _n, _f: stop.set())
    scheduler = BackgroundScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(engine=session.index.engine, tablename=JOB_TABLE),
            "local": MemoryJobStore(),
        },
        executors={
            "default": ThreadPoolExecutor(options.workers),
            "local": ThreadPoolExecutor(1),
        },
    )
    names: dict[str, str] = {}

    def name_of(job_id: str) -> str:
        if job_id not in names:
            job = scheduler.get_job(job_id)
            names[job_id] = job.args[0] if job is not None else job_id
        return names[job_id]

    notifier = Notifier(session.index.engine, session.config.webhook, lambda line: None)

    def tick() -> None:
        try:
            _sync(scheduler, session, options)
            result = notifier.flush(budget=max(5.0, options.tick))
        except Exception as exc:  # the database may be briefly away; try again next tick
            _emit("error", reason=f"{type(exc).__name__}: {exc}")
            return
        if result.delivered or result.failed:
            _emit("webhook", delivered=result.delivered, failed=result.failed)

    scheduler.add_listener(
        _listener(name_of),
        EVENT_JOB_SUBMITTED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED | EVENT_JOB_ERROR,
    )
    scheduler.start(paused=True)
    _sync(scheduler, session, options)
    scheduler.add_job(
        tick,
        "interval",
        seconds=options.tick,
        id="prov-tick",
        jobstore="local",
        executor="local",
        coalesce=True,
        max_instances=1,
    )
    scheduler.resume()
    jobs = scheduler.get_jobs(jobstore="default")
    events("started", watches=len(jobs), tick=options.tick, workers=options.workers)
    while not stop.wait(0.5):
        pass
    with _children_lock:
        _stopping.set()
        running = len(_children)
    events("stopping", running=running)
    scheduler.shutdown(wait=False)
    _stop_children(options.stop_timeout)
    events("stopped")
