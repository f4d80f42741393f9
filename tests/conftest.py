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

from tests.conftest_s3 import *  # noqa: F403
from tests.conftest_servers import *  # noqa: F403
from tests.conftest_services import *  # noqa: F403

REPO = Path(__file__).resolve().parent.parent

# Every PROV_HOME a test writes WARCs into, with how the session-end validation judges it:
# "full" (all checks, pywb replay included); "no-replay" (deliberately cut responses that
# pywb cannot replay: it serves a stored Content-Length the truncated body does not meet; or
# one URL captured twice in one second with different bodies, which pywb's per-second index
# key cannot tell apart); "unjudgeable" (chunk extensions no external tool de-chunks, checked
# byte for byte by the tests themselves); "copy" (byte copies of files judged elsewhere).
VALIDATION_MODES = ("full", "no-replay", "unjudgeable", "copy")
_homes: dict[Path, str] = {}


def register_home(home: Path, mode: str = "full") -> None:
    assert mode in VALIDATION_MODES
    if _homes.get(home, "full") == "full":
        _homes[home] = mode


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
    register_home(home)
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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Judge every WARC the suite wrote with the external validator (tools others wrote)."""
    if os.environ.get("PROV_SKIP_SESSION_VALIDATION") == "1" or not _homes:
        return
    from tests.validator import validate

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for mode, options in (("full", ()), ("no-replay", ("--no-replay",))):
        files = [f for home, m in _homes.items() if m == mode for f in warc_files(home)]
        if not files:
            continue
        verdict = validate(files, *options)
        if reporter is not None:
            reporter.write_line(f"session WARC validation ({mode}, {len(files)} files):")
            reporter.write_line(verdict.summary or verdict.output[-2000:])
        if not verdict.passed:
            if reporter is not None:
                reporter.write_line(verdict.output[-6000:])
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def archived_corpus(
    corpus_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[dict[str, Any]]]:
    """The 63 corpus pages archived once (with text extraction) for the whole session."""
    home = tmp_path_factory.mktemp("corpus") / "prov-data"
    urls = [corpus_server.url(page.path) for page in corpus_server.corpus_pages()]
    result = run_prov("archive", "--json", *urls, home=home, timeout=600)
    assert result.returncode == 0, result.stderr
    return home, result.json()


# Last: it builds on run_prov and register_home above.
from tests.conftest_serve import *  # noqa: E402, F403
