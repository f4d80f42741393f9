"""Re-captures: conditional requests, 304 and identical payloads stored as revisit records."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_prov, warc_files
from tests.pywb_replay import replay, wayback
from tests.servers import RawHTTPServer, Request, ResponseWriter, build_response
from tests.validator import validate
from tests.wire_check import read_records

PAGE = b"<html><head><title>Same</title></head><body><p>Unchanging words.</p></body></html>"
TAGGED = b"<html><head><title>Tagged</title></head><body><p>Has an ETag.</p></body></html>"


@pytest.fixture(scope="module")
def revisit_server() -> Iterator[RawHTTPServer]:
    counter = iter(range(1000))

    def tagged(request: Request, writer: ResponseWriter) -> None:
        if request.header("If-None-Match") == '"v1"':
            writer.send(build_response(304, [("ETag", '"v1"')], content_length=False))
        else:
            writer.send(
                build_response(200, [("Content-Type", "text/html"), ("ETag", '"v1"')], TAGGED)
            )

    def changing(_request: Request, writer: ResponseWriter) -> None:
        body = b"<html><body><p>Visit %d.</p></body></html>" % next(counter)
        writer.send(build_response(200, [("Content-Type", "text/html")], body))

    with RawHTTPServer() as server:
        server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        server.route("/same", build_response(200, [("Content-Type", "text/html")], PAGE))
        server.route("/tagged", tagged)
        server.route("/changing", changing)
        yield server


@pytest.fixture(scope="module")
def two_runs(
    revisit_server: RawHTTPServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[dict[str, Any]], list[dict[str, Any]]]:
    home = tmp_path_factory.mktemp("revisits") / "prov-data"
    urls = [revisit_server.url(p) for p in ("/same", "/tagged", "/changing")]
    first = run_prov("archive", "--json", *urls, home=home)
    assert first.returncode == 0, first.stderr
    time.sleep(1.1)  # pywb keys captures by second
    second = run_prov("archive", "--json", *urls, home=home)
    assert second.returncode == 0, second.stderr
    return home, first.json(), second.json()


def _by_url(listing: list[dict[str, Any]], server: RawHTTPServer, path: str) -> dict[str, Any]:
    return next(c for c in listing if c["url"] == server.url(path))


def test_identical_payload_becomes_a_revisit(
    two_runs: tuple[Path, list[dict[str, Any]], list[dict[str, Any]]],
    revisit_server: RawHTTPServer,
) -> None:
    home, first, second = two_runs
    original = _by_url(first, revisit_server, "/same")
    again = _by_url(second, revisit_server, "/same")
    assert original["record_type"] == "response"
    assert again["record_type"] == "revisit" and again["status"] == 200
    assert again["refers_to"] == original["record_id"]
    assert again["payload_digest"] == original["payload_digest"]
    record = next(
        r
        for r in read_records(warc_files(home))
        if r.headers.get("WARC-Record-ID") == again["record_id"]
    )
    assert record.headers["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    assert record.headers["WARC-Refers-To-Target-URI"] == original["url"]
    assert record.headers["WARC-Refers-To-Date"] == original["warc_date"]
    assert record.block == revisit_server.sent_for("/same")[-1].split(b"\r\n\r\n")[0] + b"\r\n\r\n"


def test_not_modified_becomes_a_revisit_after_a_conditional_request(
    two_runs: tuple[Path, list[dict[str, Any]], list[dict[str, Any]]],
    revisit_server: RawHTTPServer,
) -> None:
    home, first, second = two_runs
    original = _by_url(first, revisit_server, "/tagged")
    again = _by_url(second, revisit_server, "/tagged")
    assert again["record_type"] == "revisit" and again["status"] == 304
    assert again["refers_to"] == original["record_id"]
    assert b'If-None-Match: "v1"' in revisit_server.received_for("/tagged")[-1]
    record = next(
        r
        for r in read_records(warc_files(home))
        if r.headers.get("WARC-Record-ID") == again["record_id"]
    )
    assert record.headers["WARC-Profile"].endswith("/revisit/server-not-modified")
    assert record.block == revisit_server.sent_for("/tagged")[-1]


def test_changed_payload_is_a_new_response(
    two_runs: tuple[Path, list[dict[str, Any]], list[dict[str, Any]]],
    revisit_server: RawHTTPServer,
) -> None:
    _, first, second = two_runs
    assert _by_url(first, revisit_server, "/changing")["record_type"] == "response"
    assert _by_url(second, revisit_server, "/changing")["record_type"] == "response"


def test_both_revisit_kinds_replay_in_pywb(
    two_runs: tuple[Path, list[dict[str, Any]], list[dict[str, Any]]],
    revisit_server: RawHTTPServer,
    tmp_path: Path,
) -> None:
    home, first, second = two_runs
    verdict = validate(warc_files(home))
    assert verdict.passed, verdict.output[-3000:]
    assert verdict.field("revisit_ok") >= 1
    with wayback(warc_files(home), tmp_path) as base:
        same = _by_url(second, revisit_server, "/same")
        assert replay(base, same["timestamp"], same["url"]) == (200, PAGE)
        # pywb replays a server-not-modified revisit as the recorded 304 with no body (its
        # ResolvingLoader treats every 3xx revisit so); the original stays replayable.
        tagged = _by_url(second, revisit_server, "/tagged")
        assert replay(base, tagged["timestamp"], tagged["url"]) == (304, b"")
        original = _by_url(first, revisit_server, "/tagged")
        assert replay(base, original["timestamp"], original["url"]) == (200, TAGGED)
