"""Rough inputs and small truths: URL lists, long URLs, a moved PROV_HOME, decoded sizes, labels."""

from __future__ import annotations

import gzip
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.urls import URL_MAX_LENGTH
from crawler import __version__
from tests.conftest import register_home, run_prov, warc_files
from tests.servers import RawHTTPServer, build_response, install_standard_routes
from tests.wire_check import read_records

HTML = [("Content-Type", "text/html")]
BOMB = gzip.compress(b"<html><body><p>" + b" " * 3_000_000 + b"</p></body></html>", mtime=0)
NOISE = gzip.compress(random.Random(15).randbytes(300_000), mtime=0)  # does not compress


@pytest.fixture(scope="module")
def size_server() -> Iterator[RawHTTPServer]:
    """/bomb: 3 KB on the wire, 3 MB decoded; /noise: 300 KB of gzip on the wire."""
    with RawHTTPServer() as server:
        install_standard_routes(server)
        gzip_html = [*HTML, ("Content-Encoding", "gzip")]
        server.route("/bomb", build_response(200, gzip_html, BOMB))
        server.route("/noise", build_response(200, gzip_html, NOISE))
        yield server


def test_a_url_list_line_that_is_not_utf8_is_skipped_by_number(
    raw_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    listing = tmp_path / "urls.txt"
    good = [raw_server.url("/plain"), raw_server.url("/chunked")]
    listing.write_bytes(
        b"# sources\n" + good[0].encode() + b"\nhttp://caf\xe9.example/\xff\n" + good[1].encode()
    )
    result = run_prov("archive", "--json", "--no-text", "-i", str(listing), home=home)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"prov: skipped: line 3 of {listing} is not UTF-8 text" in result.stderr
    captured = {c["url"]: c["status"] for c in result.json()}
    assert captured[good[0]] == 200 and captured[good[1]] == 200
    only_bad = tmp_path / "bad.txt"
    only_bad.write_bytes(b"\xff\xfe\n")
    refused = run_prov("archive", "-i", str(only_bad), home=tmp_path / "other")
    assert refused.returncode == 2 and "line 1 of" in refused.stderr
    assert "no valid URL" in refused.stderr and not (tmp_path / "other").exists()


def test_a_url_over_the_length_limit_is_refused_and_recorded(
    raw_server: RawHTTPServer, tmp_path: Path
) -> None:
    base = raw_server.url("/echo-query?q=")
    longest = base + "a" * (URL_MAX_LENGTH - len(base))
    too_long = longest + "a"
    alone = run_prov("archive", too_long, home=tmp_path / "alone")
    assert alone.returncode == 2
    assert f"{len(too_long)} characters long, over the limit of {URL_MAX_LENGTH}" in alone.stderr
    assert not (tmp_path / "alone").exists()
    home = tmp_path / "prov-data"
    result = run_prov("archive", "--json", "--no-text", longest, too_long, home=home)
    assert result.returncode == 1, result.stderr
    rows = {c["url"]: c for c in result.json()}
    assert rows[longest]["status"] == 200
    assert rows[too_long]["status"] is None
    assert f"over the limit of {URL_MAX_LENGTH}: not fetched" in rows[too_long]["error"]
    assert f"prov: failed: {too_long}: URL is" in result.stderr
    looked_up = run_prov("lookup", "--json", too_long, home=home).json()
    assert [c["record_type"] for c in looked_up if c["url"] == too_long] == ["metadata"]
    target = "/" + too_long.split("/", 3)[3]
    assert target not in {e.request.target for e in raw_server.exchanges}  # never sent
    metadata = [r for r in read_records(warc_files(home)) if r.url == too_long]
    assert [r.warc_type for r in metadata] == ["metadata"]  # no request: nothing was sent
    assert b"fetch-error: URL is" in metadata[0].block


def test_a_moved_prov_home_works_after_reindex(raw_server: RawHTTPServer, tmp_path: Path) -> None:
    old = tmp_path / "old" / "prov-data"
    old.parent.mkdir()
    url = raw_server.url("/plain")
    assert run_prov("archive", "--json", url, home=old).returncode == 0
    home = tmp_path / "new" / "prov-data"
    home.parent.mkdir()
    shutil.move(old, home)
    register_home(home)
    stale = run_prov("verify", home=home)
    assert stale.returncode == 1
    assert "prov: hint: 2 files of the index are in the store at another location" in stale.stderr
    rebuilt = run_prov("reindex", home=home)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "reindexed 2 WARC files: 2 captures, 1 text" in rebuilt.stdout
    looked_up = run_prov("lookup", "--json", url, home=home).json()
    assert looked_up[0]["warc"].startswith(home.as_uri() + "/warcs/")
    text = run_prov("text", url, home=home)
    assert text.returncode == 0 and "Plain page" in text.stdout
    again = run_prov("reextract", url, home=home)
    assert again.returncode == 0 and "re-extracted 1 capture, 0 failed" in again.stdout
    audit = run_prov("verify", "--json", home=home)
    assert audit.returncode == 0 and audit.json()["result"] == "ok", audit.stdout[-2000:]


def test_a_body_over_the_size_limit_tells_one_truth(
    size_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    register_home(home, "no-replay")  # pywb waits for the bytes a cut body lacks
    bomb, noise = size_server.url("/bomb"), size_server.url("/noise")
    result = run_prov(
        "archive", "--json", "--no-text", "--max-size", "100000", bomb, noise, home=home
    )
    assert result.returncode == 0, result.stderr
    assert "prov: failed" not in result.stderr and "DOWNLOAD_MAXSIZE (" not in result.stderr
    rows = {c["url"]: c for c in result.json()}
    assert rows[bomb]["status"] == 200 and rows[bomb]["error"] is None
    assert rows[bomb]["truncated"] is None  # 3 KB on the wire: archived whole
    assert f"prov: warning: {bomb}: decoded, the body is over the size limit" in result.stderr
    assert rows[noise]["truncated"] == "length" and rows[noise]["error"] is None
    assert f"prov: truncated: {noise}: body cut at the size limit" in result.stderr
    for url in (bomb, noise):
        (indexed,) = run_prov("lookup", "--json", url, home=home).json()
        assert indexed["error"] is None and indexed["truncated"] == rows[url]["truncated"]


def test_unreachable_host_rows_say_robots_and_retry(tmp_path: Path) -> None:
    result = run_prov("archive", "http://127.0.0.1:1/page", home=tmp_path / "prov-data")
    assert result.returncode == 1
    rows = [line for line in result.stdout.splitlines() if "127.0.0.1:1/" in line]
    labels = [line.split("│")[5].strip() for line in rows]
    assert labels == ["robots", "robots retry 1", "", "retry 1"], result.stdout


def test_version_help_and_plurals(raw_server: RawHTTPServer, tmp_path: Path) -> None:
    home = tmp_path / "prov-data"
    version = run_prov("--version", home=home)
    assert version.returncode == 0 and version.stdout.strip() == f"prov {__version__}"
    for command in (["archive"], ["verify"], ["schedule", "add"]):
        shown = run_prov(*command, "--help", home=home)
        assert shown.returncode == 0
        assert "<bool>" not in shown.stdout and "--json " in shown.stdout, shown.stdout
    url = raw_server.url("/plain")
    one = run_prov("archive", "--no-robots", "--no-text", url, home=home)
    assert "archived 1 of 1 URL (1 capture written and indexed, crawl " in one.stdout, one.stdout
    assert "1 capture of " in run_prov("lookup", url, home=home).stdout
