"""Bad input and faults: one clear message each, the rest of the run goes on, nothing is lost."""

from __future__ import annotations

import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from tests.conftest import REPO, prov_env, register_home, run_prov, warc_files
from tests.index_check import check_row_points_at_its_record
from tests.servers import RawHTTPServer
from tests.validator import validate
from tests.wire_check import read_records


def _rows(home: Path) -> list[dict[str, object]]:
    index = CaptureIndex(open_engine(f"sqlite:///{home / 'index.sqlite'}"))
    return [c.to_json() for c in index.all_captures()]


def test_bad_inputs_exit_2_and_write_nothing(prov_home: Path) -> None:
    for args in (
        [],
        ["ftp://example.org/file"],
        ["javascript:alert(1)"],
        ["file:///etc/passwd"],
        ["http://exa mple.org/"],
        ["http://[::1/"],
        ["example.org/no-scheme"],
        ["http://reader:Url-Pw-4Fq@127.0.0.1:1/paywalled"],
        ["--proxy", "http://u:Proxy-Pw-2Gx@127.0.0.1:notaport", "http://127.0.0.1:1/"],
    ):
        result = run_prov("archive", *args, home=prov_home)
        assert result.returncode == 2, (args, result.stderr)
        assert "prov: error:" in result.stderr
        assert "-Pw-" not in result.stderr, "an error message repeats a password"
        assert not prov_home.exists(), args


@pytest.mark.parametrize(
    ("name", "value"), [("PROV_STORE", "ftp://nowhere/"), ("PROV_CRAWL_ID", "../../etc")]
)
def test_bad_configuration_exits_2(prov_home: Path, name: str, value: str) -> None:
    from tests.conftest import prov_env as env_for

    env = env_for(prov_home, **{name: value})
    result = run_prov("archive", "http://127.0.0.1:1/", home=prov_home, env=env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert name in result.stderr


def test_mixed_run_goes_on_and_reports_each_failure(
    raw_server: RawHTTPServer, prov_home: Path
) -> None:
    urls = [
        raw_server.url("/plain"),
        "ftp://example.org/x",
        "http://127.0.0.1:1/refused",
        "http://no-such-host.invalid/",
        raw_server.url("/error"),
        raw_server.url("/binary"),
        raw_server.url("/empty-reply"),
    ]
    result = run_prov("archive", "--json", *urls, home=prov_home)
    assert result.returncode == 1
    listing = result.json()
    errors = {c["url"]: c["error"] for c in listing if c["error"]}
    assert "unsupported scheme ftp" in errors["ftp://example.org/x"]
    assert "connection refused" in errors["http://127.0.0.1:1/refused"]
    assert "DNS lookup failed" in errors["http://no-such-host.invalid/"]
    assert "connection closed before a response" in errors[raw_server.url("/empty-reply")]
    statuses = {c["url"]: c["status"] for c in listing if c["status"]}
    assert statuses[raw_server.url("/plain")] == 200
    assert statuses[raw_server.url("/error")] == 500
    assert statuses[raw_server.url("/binary")] == 200
    for line in ("refused", "no-such-host.invalid", "/error: HTTP 500", "/empty-reply"):
        assert line in result.stderr
    failures = [r for r in _rows(prov_home) if r["status"] is None]
    assert {r["url"] for r in failures} >= {
        "http://127.0.0.1:1/refused",
        "http://no-such-host.invalid/",
    }


def test_response_that_never_ends_is_cut_by_time(
    raw_server: RawHTTPServer, prov_home: Path
) -> None:
    url = raw_server.url("/never-ends")
    register_home(prov_home, "no-replay")
    result = run_prov("archive", "--json", "--timeout", "1.5", url, home=prov_home)
    assert result.returncode == 1
    capture = next(c for c in result.json() if c["url"] == url)
    assert capture["status"] == 200 and capture["truncated"] == "time"
    assert "longer than 1.5 s" in capture["error"]
    record = next(r for r in read_records(warc_files(prov_home)) if r.url == url)
    assert record.headers["WARC-Truncated"] == "time"
    assert record.block == raw_server.sent_for("/never-ends")[-1][: len(record.block)]
    verdict = validate(warc_files(prov_home), "--no-replay")
    assert verdict.passed, verdict.output[-3000:]


def test_no_headers_in_time_is_a_recorded_failure(
    raw_server: RawHTTPServer, prov_home: Path
) -> None:
    url = raw_server.url("/slow-headers")
    result = run_prov("archive", "--json", "--timeout", "1", url, home=prov_home)
    assert result.returncode == 1
    capture = next(c for c in result.json() if c["url"] == url)
    assert capture["status"] is None and "no response within 1 s" in capture["error"]


def test_huge_body_is_cut_at_the_size_limit(raw_server: RawHTTPServer, prov_home: Path) -> None:
    url = raw_server.url("/huge")
    result = run_prov("archive", "--json", "--max-size", "200000", url, home=prov_home)
    assert result.returncode == 0, result.stderr
    capture = next(c for c in result.json() if c["url"] == url)
    assert capture["truncated"] == "length" and capture["error"] is None
    assert "body cut at the size limit" in result.stderr
    record = next(r for r in read_records(warc_files(prov_home)) if r.url == url)
    assert record.headers["WARC-Truncated"] == "length"
    assert 200_000 < len(record.block) < 20_000_000
    assert record.block == raw_server.sent_for("/huge")[-1][: len(record.block)]


def test_robots_txt_is_obeyed_and_archived(raw_server: RawHTTPServer, prov_home: Path) -> None:
    private = raw_server.url("/private")
    result = run_prov("archive", "--json", private, home=prov_home)
    assert result.returncode == 1
    assert "robots.txt" in result.stderr
    urls = {c["url"]: c for c in result.json()}
    assert urls[raw_server.url("/robots.txt")]["status"] == 200
    assert urls[raw_server.url("/robots.txt")]["hop_path"] == "P"
    assert urls[private]["status"] is None
    allowed = run_prov("archive", "--json", "--no-robots", private, home=prov_home)
    assert allowed.returncode == 0
    assert any(c["url"] == private and c["status"] == 200 for c in allowed.json())


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))


def test_full_disk_is_reported_and_loses_nothing(
    corpus_server: RawHTTPServer, prov_home: Path
) -> None:
    """The kernel refuses writes past a file-size limit (EFBIG), as a full disk would."""
    prov_home.mkdir(parents=True)
    register_home(prov_home)
    urls = [corpus_server.url(page.path) for page in corpus_server.corpus_pages()]
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "archive", "--json", *urls],
        env=prov_env(prov_home),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    failed = re.search(r"prov: not archived: \S+: WARC (write|sync) failed", done.stderr)
    assert failed, done.stderr[-3000:]
    assert "File too large" in done.stderr
    again = run_prov("lookup", urls[0], "--json", home=prov_home)
    assert again.returncode == 0, again.stderr
    responses = [r for r in _rows(prov_home) if r["status"] is not None]
    assert len(responses) > 5
    for row in responses:
        check_row_points_at_its_record(row)
    verdict = validate(warc_files(prov_home), "--replay-limit", "20")
    assert verdict.passed, verdict.output[-3000:]
