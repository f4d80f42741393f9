"""Shared fixtures: a fresh PROV_HOME per test and the ``prov`` CLI run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest_servers import *  # noqa: F403

REPO = Path(__file__).resolve().parent.parent


@dataclass
class ProvResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def prov_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROV_")}
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(name, None)
    env.update(PROV_HOME=str(home), SCRAPY_SETTINGS_MODULE="settings.test", **extra)
    env["PYTHONPATH"] = str(REPO)
    return env


def run_prov(
    *args: str, home: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> ProvResult:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        env=env or prov_env(home),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=home.parent,
        check=False,
    )
    return ProvResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def prov_home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "prov-data"
    yield home


def warc_files(home: Path) -> list[Path]:
    return sorted((home / "warcs").glob("*.warc.gz"))
