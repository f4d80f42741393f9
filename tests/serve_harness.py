"""``prov serve`` as a real process for the tests: started on port 0 (pywb on a free port of
its own), under the connect guard (tests/egress_guard) and the stub resolver, its log kept."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from tests.conftest import REPO, prov_env, register_home
from tests.pywb_replay import validator_tool

__all__ = ["GUARD", "ServeProcess", "guarded_env"]

GUARD = REPO / "tests" / "egress_guard"
_SERVING = re.compile(r"prov: serving on (\S+) \(replay: (\S+)\)")


def guarded_env(home: Path, connect_log: Path, **extra: str) -> dict[str, str]:
    """prov's test environment with the connect guard, the stub resolver (host names of
    tests/egress_stub.py) and 127.0.0.2 as the one non-public range an operator allowed."""
    env = prov_env(home, **extra)
    env.update(
        SCRAPY_SETTINGS_MODULE="tests.settings_egress",
        PROV_RESOLVER="tests.egress_stub.resolve",
        PYTHONPATH=f"{GUARD}:{REPO}",
        PROV_TEST_CONNECT_LOG=str(connect_log),
    )
    env.setdefault("PROV_ALLOW_NETWORKS", "127.0.0.2/32")
    env.setdefault("PROV_PYWB", str(validator_tool("wayback")))  # the pinned pywb
    env.update(extra)
    return env


@dataclass
class ServeProcess:
    """``prov serve --port 0 --replay-port 0`` on HOME; ``url`` and ``replay`` once it is up."""

    home: Path
    env: dict[str, str]
    log: Path
    args: tuple[str, ...] = ()
    url: str = ""
    replay: str = ""
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> Self:
        register_home(self.home)
        self.home.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "crawler.cli", "serve", "--port", "0",
                 "--replay-port", "0", *self.args],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.home.parent,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"prov serve exited: {self.log.read_text()[-3000:]}")
            found = _SERVING.search(self.log.read_text(errors="replace"))
            if found and self._answers(found.group(1)):
                self.url, self.replay = found.group(1), found.group(2)
                return self
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"prov serve did not start: {self.log.read_text()[-3000:]}")

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            return httpx.get(url + "openapi.json", timeout=2).status_code < 500
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
