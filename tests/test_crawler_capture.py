"""Byte-exact capture: what the server sent is what the WARC holds, for every kind of response."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import register_home, run_prov, warc_files
from tests.servers import RawHTTPServer
from tests.wire_check import StoredRecord, entity_body, read_records, sha1_b32

PATHS = [
    "/plain",
    "/gzip",
    "/brotli",
    "/chunked",
    "/gzip-chunked",
    "/dup-headers",
    "/notfound",
    "/no-length-close",
    "/binary",
    "/wrong-charset",
    "/echo-query?b=2&a=1",
]
# /truncated: pywb waits for the stored Content-Length and times out; /chunked-ext: chunk
# extensions (RFC 9112 7.1.1) that FastWARC, warcio and pywb fail to de-chunk.
HOSTILE_PATHS = ["/truncated", "/chunked-ext"]


@pytest.fixture(scope="module")
def captured(
    raw_server: RawHTTPServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[dict[str, Any]], list[StoredRecord]]:
    home = tmp_path_factory.mktemp("capture") / "prov-data"
    urls = [raw_server.url(path) for path in [*PATHS, "/redirect"]]
    result = run_prov("archive", "--json", *urls, home=home)
    assert result.returncode == 1, result.stderr  # the 404 is a failure
    return home, result.json(), read_records(warc_files(home))


@pytest.fixture(scope="module")
def hostile(
    raw_server: RawHTTPServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict[str, Any]], list[StoredRecord]]:
    """Responses other tools cannot replay or de-chunk, kept apart from the suite's WARCs."""
    home = tmp_path_factory.mktemp("hostile") / "prov-data"
    register_home(home, "unjudgeable")
    urls = [raw_server.url(path) for path in HOSTILE_PATHS]
    result = run_prov("archive", "--json", *urls, home=home)
    assert result.returncode == 1, result.stderr  # the truncated body is a failure
    return result.json(), read_records(warc_files(home))


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_responses_are_byte_exact_too(
    hostile: tuple[list[dict[str, Any]], list[StoredRecord]],
    raw_server: RawHTTPServer,
    path: str,
) -> None:
    _, records = hostile
    record = _response(records, raw_server.url(path))
    sent = raw_server.sent_for(path)[-1]
    assert record.block == sent
    assert record.headers["WARC-Payload-Digest"] == sha1_b32(entity_body(sent))


def _response(records: list[StoredRecord], url: str) -> StoredRecord:
    matches = [r for r in records if r.warc_type == "response" and r.url == url]
    assert matches, f"no response record for {url}"
    return matches[-1]


@pytest.mark.parametrize("path", PATHS)
def test_response_block_is_exactly_what_the_server_sent(
    captured: tuple[Path, list[dict[str, Any]], list[StoredRecord]],
    raw_server: RawHTTPServer,
    path: str,
) -> None:
    _, _, records = captured
    record = _response(records, raw_server.url(path))
    sent = raw_server.sent_for(path.split("?")[0])[-1]
    assert record.block in raw_server.sent_for(path.split("?")[0])
    assert record.headers["WARC-Block-Digest"] == sha1_b32(sent)
    assert record.headers["WARC-Payload-Digest"] == sha1_b32(entity_body(sent))
    assert record.headers["Content-Type"] == "application/http;msgtype=response"
    assert record.headers["WARC-IP-Address"] == "127.0.0.1"


@pytest.mark.parametrize("path", PATHS)
def test_request_block_is_exactly_what_the_server_received(
    captured: tuple[Path, list[dict[str, Any]], list[StoredRecord]],
    raw_server: RawHTTPServer,
    path: str,
) -> None:
    _, _, records = captured
    response = _response(records, raw_server.url(path))
    requests = [
        r
        for r in records
        if r.warc_type == "request"
        and r.headers["WARC-Concurrent-To"] == response.headers["WARC-Record-ID"]
    ]
    assert len(requests) == 1
    # /plain is fetched twice in the run (also at the end of /redirect): any of its requests
    assert requests[0].block in raw_server.received_for(path.split("?")[0])
    assert requests[0].block.startswith(f"GET {path} HTTP/1.1\r\n".encode())


def test_duplicate_and_odd_headers_survive(
    captured: tuple[Path, list[dict[str, Any]], list[StoredRecord]], raw_server: RawHTTPServer
) -> None:
    _, _, records = captured
    block = _response(records, raw_server.url("/dup-headers")).block
    head = block.split(b"\r\n\r\n")[0]
    assert head.count(b"Set-Cookie:") == 2
    assert b"X-Custom-HEADER:" in head
    assert b"X-Spaces:   value  " in head or b"X-Spaces:" in head


def test_compressed_bodies_stay_compressed(
    captured: tuple[Path, list[dict[str, Any]], list[StoredRecord]], raw_server: RawHTTPServer
) -> None:
    _, _, records = captured
    gz = entity_body(_response(records, raw_server.url("/gzip")).block)
    assert gz[:2] == b"\x1f\x8b"
    br_head = _response(records, raw_server.url("/brotli")).block.split(b"\r\n\r\n")[0]
    assert b"Content-Encoding: br" in br_head


def test_every_redirect_hop_is_its_own_capture(
    captured: tuple[Path, list[dict[str, Any]], list[StoredRecord]], raw_server: RawHTTPServer
) -> None:
    _, listing, _ = captured
    seed = raw_server.url("/redirect")
    chain = [c for c in listing if c["seed"] == seed]
    assert [(c["url"], c["status"], c["hop_path"]) for c in chain] == [
        (raw_server.url("/redirect"), 301, ""),
        (raw_server.url("/redirect2"), 302, "R"),
        (raw_server.url("/plain"), 200, "RR"),
    ]
    assert chain[1]["via"] == raw_server.url("/redirect")


def test_truncated_body_is_flagged(
    hostile: tuple[list[dict[str, Any]], list[StoredRecord]], raw_server: RawHTTPServer
) -> None:
    listing, records = hostile
    record = _response(records, raw_server.url("/truncated"))
    assert record.headers["WARC-Truncated"] == "disconnect"
    row = next(c for c in listing if c["url"] == raw_server.url("/truncated"))
    assert row["truncated"] == "disconnect"
    assert "connection closed after" in row["error"]


def test_json_listing_has_the_contract_fields(
    captured: tuple[Path, list[dict[str, Any]], list[StoredRecord]],
) -> None:
    _, listing, records = captured
    by_id = {r.headers["WARC-Record-ID"]: r for r in records}
    for capture in listing:
        for name in ("url", "timestamp", "status", "mime", "payload_digest", "warc"):
            assert name in capture
        assert len(capture["timestamp"]) == 14 and capture["timestamp"].isdigit()
        if capture["status"] is None:
            continue
        stored = by_id[capture["record_id"]]
        assert capture["warc"] == stored.path.as_uri()
        assert (capture["offset"], capture["length"]) == (stored.offset, stored.length)
        assert capture["payload_digest"] == stored.headers["WARC-Payload-Digest"]


def test_lookup_lists_captures_oldest_first(
    captured: tuple[Path, list[dict[str, Any]], list[StoredRecord]], raw_server: RawHTTPServer
) -> None:
    home, _, _ = captured
    url = raw_server.url("/plain")
    first = run_prov("lookup", url, "--json", home=home).json()
    again = run_prov("archive", url, "--json", home=home)
    assert again.returncode == 0, again.stderr
    after = run_prov("lookup", url, "--json", home=home).json()
    assert len(after) == len(first) + 1
    assert [c["warc_date"] for c in after] == sorted(c["warc_date"] for c in after)
    assert after[-1]["record_id"] == again.json()[-1]["record_id"]
