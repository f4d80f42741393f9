"""The S3 server dies in the middle of a crawl of the corpus and comes back later: the crawl
goes on, closed WARCs wait in the spool, and in the end every capture is in the bucket,
verified, and the index points at it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from tests.conftest import REPO, register_home, run_prov
from tests.conftest_s3 import S3Server, start_seaweedfs
from tests.index_check import check_row_points_at_its_record
from tests.s3_check import download_warcs, keys, s3_home_env, split
from tests.servers import RawHTTPServer

COPIES = 3  # the corpus three times over: about 8 MB of WARCs in ~30 files of 300 kB


@pytest.fixture
def own_s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A server of this test's own: it is killed and restarted."""
    if os.environ.get("PROV_TEST_S3_ENDPOINT"):
        pytest.skip("the outage test needs a SeaweedFS it can kill (PROV_TEST_S3_ENDPOINT set)")
    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs-outage"))
    try:
        yield server
    finally:
        server.stop()


def _wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_s3_outage_in_the_middle_of_a_crawl_loses_nothing(
    own_s3_server: S3Server, corpus_server: RawHTTPServer, tmp_path: Path
) -> None:
    server = own_s3_server
    bucket = server.create_bucket("prov-outage")
    home = tmp_path / "prov-data"
    env = s3_home_env(
        home,
        server,
        bucket,
        SCRAPY_SETTINGS_MODULE="tests.settings_small_warcs",
        PROV_S3_RETRY_MAX_DELAY="0.5",
        PROV_S3_DRAIN_TIMEOUT="60",
        AWS_MAX_ATTEMPTS="1",
    )
    prefix = split(env["PROV_STORE"] + "/")[1]
    spool = home / "spool"
    pages = corpus_server.corpus_pages()
    urls = [corpus_server.url(f"{p.path}?copy={n}") for n in range(COPIES) for p in pages]
    err = (tmp_path / "stderr.txt").open("w")
    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "archive", "--json", *urls],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=err,
    )
    try:
        _wait_for(lambda: keys(server, bucket, prefix) or crawl.poll() is not None, 60, "an upload")
        assert crawl.poll() is None, (tmp_path / "stderr.txt").read_text()[-3000:]
        server.stop()  # the outage: the crawl must go on
        outage_started = time.monotonic()
        _wait_for(
            lambda: len(list(spool.glob("*.warc.gz"))) >= 3 or crawl.poll() is not None,
            90,
            "WARCs piling up in the spool",
        )
        assert crawl.poll() is None, "the crawl stopped when S3 did"
        waiting = len(list(spool.glob("*.warc.gz")))
        time.sleep(max(0.0, 2.0 - (time.monotonic() - outage_started)))
        server.start()  # S3 is back while the crawl still runs
        assert crawl.wait(timeout=150) == 0
    finally:
        if crawl.poll() is None:
            crawl.kill()
        err.close()
    stderr = (tmp_path / "stderr.txt").read_text()
    assert waiting >= 3
    assert "prov: no text" not in stderr, "the text stage reads the spool, not the dead S3"
    if list(spool.glob("*.warc.gz")):  # the drain ran out of time: prov upload finishes
        sent = run_prov("upload", "--json", home=home, env=env)
        assert sent.returncode == 0, sent.stderr
    assert not list(spool.glob("*.warc.gz")), "every WARC left the spool, verified"

    objects = keys(server, bucket, prefix)
    index = CaptureIndex(open_engine(f"sqlite:///{home / 'index.sqlite'}"))
    rows = [c.to_json() for c in index.all_captures()]
    responses = [r for r in rows if r["status"] is not None]
    assert {r["url"] for r in responses} >= set(urls)
    for row in responses:
        assert row["warc"].startswith(env["PROV_STORE"] + "/")
        assert split(row["warc"])[1] in objects
    verified = run_prov("verify", "--json", home=home, env=env)
    assert verified.returncode == 0, verified.stdout[-3000:]
    assert verified.json()["rows"] >= len(responses)

    register_home(home)  # the session-end validator judges the downloaded objects
    local = home / "warcs"
    download_warcs(server, env["PROV_STORE"], local)
    for row in responses:
        name = row["warc"].rsplit("/", 1)[-1]
        check_row_points_at_its_record({**row, "warc": (local / name).as_uri()})
