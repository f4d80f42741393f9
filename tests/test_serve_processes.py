"""``prov serve --processes N``: the extra server processes end with their parent, whether it
is stopped (SIGTERM, as an init system does) or killed (SIGKILL): none is left holding the
port."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.serve_harness import ServeProcess, guarded_env

_STARTED = re.compile(r"Started server process \[(\d+)\]")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[-1].startswith("Z"))


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_extra_processes_end_with_their_parent(tmp_path: Path, stop: signal.Signals) -> None:
    env = guarded_env(tmp_path / "prov-data", tmp_path / "connects.log",
                      PROV_SERVE_REPLAY="off", PROV_SERVE_WORKERS="0")
    server = ServeProcess(tmp_path / "prov-data", env, tmp_path / "serve.log",
                          args=("--processes", "3"))
    with server:
        assert server.process is not None
        deadline = time.monotonic() + 60
        while len(pids := {int(p) for p in _STARTED.findall(server.log.read_text())}) < 3:
            assert time.monotonic() < deadline, server.log.read_text()[-3000:]
            time.sleep(0.2)
        extra = pids - {server.process.pid}
        assert len(extra) == 2 and all(_alive(pid) for pid in extra)
        server.process.send_signal(stop)
        server.process.wait(30)
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in extra):
            assert time.monotonic() < deadline, f"left running: {extra}"
            time.sleep(0.2)
    assert "Traceback" not in server.log.read_text()


def _threads(pid: int) -> int:
    return sum(1 for _ in Path(f"/proc/{pid}/task").iterdir())


def test_handlers_run_on_the_configured_worker_threads(tmp_path: Path) -> None:
    """50 concurrent lookups start PROV_SERVE_THREADS worker threads, not anyio's 40: more
    threads than that only pass the GIL around (bench/serve_bench.py)."""
    env = guarded_env(tmp_path / "prov-data", tmp_path / "connects.log",
                      PROV_SERVE_REPLAY="off", PROV_SERVE_WORKERS="0", PROV_SERVE_THREADS="3",
                      PROV_SERVE_READ_RATE="100000")
    with ServeProcess(tmp_path / "prov-data", env, tmp_path / "serve.log") as server:
        assert server.process is not None
        before = _threads(server.process.pid)
        barrier = threading.Barrier(50)

        def lookups(number: int) -> None:
            with server.client() as client:
                barrier.wait(30)
                for _ in range(10):
                    answer = client.get("/api/captures", params={"url": f"http://t.test/{number}"})
                    assert answer.status_code == 200, answer.text

        workers = [threading.Thread(target=lookups, args=(n,)) for n in range(50)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        grown = _threads(server.process.pid) - before
    assert 1 <= grown <= 3, grown
