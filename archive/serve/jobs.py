"""Archive jobs: a bounded queue in the index, run by worker threads as ``prov`` processes.

``POST /api/archive`` adds a row to ``jobs`` (so the queue survives a restart: jobs left
``running`` by a stopped server are queued again when it starts). Each worker claims the oldest
pending job and runs ``prov archive --public-only --json URL`` (mode ``page``) or ``prov crawl
--public-only --json URL`` (mode ``cited``) as a child process: a crawl needs its own Twisted
reactor, and this package never imports Scrapy. ``--public-only`` applies the address policy
to the URL itself, its redirects and everything else the crawl fetches, at the address the
connection goes to.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from archive.index.captures import CaptureIndex
from archive.index.jobs import Job, JobIndex
from archive.serve.errors import ApiError
from archive.timestamps import parse_warc_date, utcnow

__all__ = ["JobRunner", "progress_of", "recent_capture"]

logger = logging.getLogger("prov.serve")
_HIDDEN = ("PROV_API_TOKENS",)  # a child crawl has no use for the server's secrets
_STDERR_KEPT = 20000


def recent_capture(index: CaptureIndex, url: str, seconds: float) -> dict[str, Any] | None:
    """The newest successful capture of URL within the last SECONDS, as a capture object."""
    since = utcnow() - timedelta(seconds=seconds)
    for capture in reversed(index.lookup(url)):
        if capture.error or capture.status is None or capture.status >= 400:
            continue
        if capture.warc_date and parse_warc_date(capture.warc_date) >= since:
            return capture.to_json()
    return None


def progress_of(index: CaptureIndex, job: Job) -> dict[str, Any] | None:
    """What a running JOB has captured so far (in the crawl of its run), None otherwise."""
    if job.status != "running" or job.crawl_id is None:
        return None
    count, latest = index.crawl_progress(job.crawl_id)
    return {"captures": count, "latest": latest}


def _captures_of(mode: str, output: str) -> list[dict[str, Any]]:
    data = json.loads(output)
    if mode == "page":
        return list(data)
    found = list(data["article"]["captures"])
    for source in data["sources"]:
        found.extend(source["captures"])
    return found


def _failure_lines(stderr: str) -> list[str]:
    keep = (
        "prov: failed: ", "prov: error: ", "prov: not archived: ", "prov: source not captured: "
    )
    return [line.removeprefix("prov: ") for line in stderr.splitlines() if line.startswith(keep)]


class JobRunner:
    def __init__(
        self,
        jobs: JobIndex,
        index: CaptureIndex,
        *,
        workers: int,
        queue: int,
        timeout: float,
        on_finished: Callable[[], None] = lambda: None,
    ) -> None:
        self.jobs = jobs
        self.index = index
        self.workers = workers
        self.queue = queue
        self.timeout = timeout
        self.on_finished = on_finished
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._children: dict[str, subprocess.Popen[str]] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        requeued = self.jobs.requeue_running()
        if requeued:
            logger.info("prov: serve: %d job(s) left running by a stopped server queued again",
                        requeued)
        for number in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"prov-job-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the workers; running crawls are ended and their jobs queued for the next start."""
        self._stopping.set()
        self._wake.set()
        with self._lock:
            children = list(self._children.values())
        for child in children:
            child.terminate()
        for thread in self._threads:
            thread.join(timeout)
        self.jobs.requeue_running()

    def submit(self, url: str, mode: str, token: str | None, within: float | None) -> Job:
        """A job for URL: already done if a capture within WITHIN seconds exists, else queued
        (``503`` when the queue is full)."""
        if within is not None:
            recent = recent_capture(self.index, url, within)
            if recent is not None:
                return self.jobs.add(url, mode, token, done_with=[recent])
        if self.jobs.waiting() >= self.queue:
            raise ApiError(503, f"the job queue is full ({self.queue} jobs): try again later",
                           {"Retry-After": "30"})
        job = self.jobs.add(url, mode, token)
        self._wake.set()
        return job

    def _work(self) -> None:
        while not self._stopping.is_set():
            job = self.jobs.claim(os.getpid())
            if job is None:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            self._run(job)
            self.on_finished()

    def _command(self, job: Job) -> list[str]:
        verb = "archive" if job.mode == "page" else "crawl"
        return [sys.executable, "-m", "crawler.cli", verb, "--public-only", "--json", job.url]

    def _run(self, job: Job) -> None:
        env = {k: v for k, v in os.environ.items() if k not in _HIDDEN}
        if job.crawl_id is not None:  # its captures are found by it while it runs
            env["PROV_CRAWL_ID"] = job.crawl_id
        try:
            child = subprocess.Popen(
                self._command(job), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL, text=True,
            )
        except OSError as exc:
            self.jobs.finish(job.id, "error", [], f"could not start the crawl: {exc}", None)
            return
        with self._lock:
            self._children[job.id] = child
        try:
            out, err = child.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            self.jobs.finish(job.id, "error", [], f"timed out after {self.timeout:g} s", None)
            return
        finally:
            with self._lock:
                self._children.pop(job.id, None)
        if self._stopping.is_set() and child.returncode < 0:
            return  # ended by stop(): queued again for the next start
        self._record(job, child.returncode, out, err[-_STDERR_KEPT:])

    def _record(self, job: Job, code: int, out: str, err: str) -> None:
        try:
            captures = _captures_of(job.mode, out) if out.strip() else []
        except (ValueError, KeyError, TypeError):
            captures = []
        failures = _failure_lines(err)
        fetched = any(c.get("status") and not c.get("error") and c["status"] < 400
                      for c in captures)
        # a citation crawl whose article came in is done, even if some sources failed
        ran_through = code == 0 or (code == 1 and fetched and job.mode == "cited")
        status = "done" if ran_through else "error"
        error = "; ".join(failures) or (f"prov exited with status {code}" if code else None)
        self.jobs.finish(job.id, status, captures, error, code)
