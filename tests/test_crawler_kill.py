"""``kill -9`` in the middle of an archive run loses nothing that reached the disk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from tests.conftest import REPO, prov_env, register_home, run_prov, warc_files
from tests.index_check import check_row_points_at_its_record
from tests.servers import RawHTTPServer
from tests.validator import validate


def _open_size(home: Path) -> int:
    return sum(p.stat().st_size for p in (home / "warcs").glob("*.open"))


def test_kill_9_then_restart_repairs_and_indexes(
    corpus_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    register_home(home)
    pages = corpus_server.corpus_pages()
    urls = [corpus_server.url(f"{p.path}?copy={n}") for n in range(6) for p in pages]
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "archive", "--json", *urls],
        env=prov_env(home),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while _open_size(home) < 1_500_000 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    assert process.poll() is None, "the crawl finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    left_open = list((home / "warcs").glob("*.open"))
    assert left_open, "a killed run leaves its WARC .open"

    again = run_prov("lookup", corpus_server.url(pages[0].path), "--json", home=home)
    assert again.returncode == 0, again.stderr
    assert "repaired" in again.stderr
    assert not list((home / "warcs").glob("*.open"))

    rows = [
        c.to_json()
        for c in CaptureIndex(open_engine(f"sqlite:///{home / 'index.sqlite'}")).all_captures()
    ]
    responses = [r for r in rows if r["status"] is not None]
    assert len(responses) > 20
    for row in responses:
        check_row_points_at_its_record(row)
    verdict = validate(warc_files(home), "--replay-limit", "40")
    assert verdict.passed, verdict.output[-4000:]
