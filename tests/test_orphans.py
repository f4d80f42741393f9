"""A prov process killed with SIGKILL leaves none of its worker processes behind: the text
stage's extraction pool ends with it (the extra server processes of ``prov serve`` are tested
in tests/test_serve_processes.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.conftest import prov_env
from tests.servers import RawHTTPServer, Request, ResponseWriter, build_response

PAGE = (
    b"<html><head><title>Statement</title></head><body><article><h1>Statement</h1>"
    b"<p>The ministry said on Monday that the bridge would reopen in March. Officials declined "
    b"to give a cost estimate for the repairs. Traffic will be diverted until then.</p>"
    b"</article></body></html>"
)


def _children(pid: int) -> set[int]:
    """PID's child processes, whichever of its threads started them."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except OSError:  # the thread ended meanwhile
            continue
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1]
    except (OSError, IndexError):
        return False
    return not state.startswith("Z")


def test_the_text_stage_pool_ends_with_a_killed_prov_archive(tmp_path: Path) -> None:
    release = threading.Event()

    def slow(_request: Request, writer: ResponseWriter) -> None:
        release.wait(60)
        writer.send(build_response(200, [("Content-Type", "text/html")], PAGE))

    home = tmp_path / "prov-data"
    with RawHTTPServer() as server:
        server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        server.route("/fast", build_response(200, [("Content-Type", "text/html")], PAGE))
        server.route("/slow", slow)
        prov = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "archive", server.url("/fast"),
             server.url("/slow")],
            env=prov_env(home), cwd=tmp_path, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while len(workers := _children(prov.pid)) < 2:  # the resource tracker and a worker
                assert prov.poll() is None and time.monotonic() < deadline, workers
                time.sleep(0.1)
            time.sleep(1)  # the pool may start its second worker meanwhile
            workers = _children(prov.pid)
            os.kill(prov.pid, signal.SIGKILL)
            prov.wait(10)
        finally:
            release.set()
            if prov.poll() is None:
                prov.kill()
    deadline = time.monotonic() + 20
    while left := {pid for pid in workers if _running(pid)}:
        assert time.monotonic() < deadline, f"left running after prov was killed: {left}"
        time.sleep(0.2)
