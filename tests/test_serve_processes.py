"""``prov serve --processes N``: the extra server processes end with their parent, whether it
is stopped (SIGTERM, as an init system does) or killed (SIGKILL): none is left holding the
port."""

from __future__ import annotations

import os
import re
import signal
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
