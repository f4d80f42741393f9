"""pywb is a child of ``prov serve``: if it dies (a crash, the OOM killer), the server says so
in its log and starts it again on the same port, so replay comes back without a restart."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx

from tests.serve_harness import ServeProcess, guarded_env


def _pywb_pids(parent: int) -> set[int]:
    """The children of PARENT that run pywb's wayback."""
    found = set()
    for tasks in Path(f"/proc/{parent}/task").glob("*/children"):
        for pid in tasks.read_text().split():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"wayback" in cmdline:
                found.add(int(pid))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return not stat.split(") ", 1)[-1].startswith("Z")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


def test_a_killed_pywb_is_started_again_and_replay_answers(tmp_path: Path) -> None:
    env = guarded_env(tmp_path / "prov-data", tmp_path / "connects.log", PROV_SERVE_WORKERS="0")
    with ServeProcess(tmp_path / "prov-data", env, tmp_path / "serve.log") as server:
        assert server.process is not None and server.replay
        [first] = _pywb_pids(server.process.pid)
        assert _answers(server.replay)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 90
        while not ((pids := _pywb_pids(server.process.pid) - {first}) and _answers(server.replay)):
            assert time.monotonic() < deadline, server.log.read_text()[-3000:]
            time.sleep(0.3)
        assert len(pids) == 1
        log = server.log.read_text()
        assert "pywb exited with status -9; started again (restart 1" in log, log[-3000:]
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in pids):  # stopped with the server, not left behind
        assert time.monotonic() < deadline, f"pywb left running: {pids}"
        time.sleep(0.2)
