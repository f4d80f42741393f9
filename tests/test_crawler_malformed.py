"""A response with broken framing is recorded faithfully and audits clean; damage still shows."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.digests import digest_of
from archive.http_response import HTTPParseError, ResponseParser
from archive.warc.fixity import check_record
from archive.warc.record import gzip_member, response_record
from tests.conftest import register_home, run_prov, warc_files
from tests.servers import RawHTTPServer
from tests.validator import validate
from tests.wire_check import read_records, split_http

BROKEN = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nHello\r\nZZZZ\r\n, World\r\n0\r\n\r\n"
)


def _broken_parser() -> ResponseParser:
    parser = ResponseParser()
    try:
        parser.feed(BROKEN)
    except HTTPParseError:
        return parser
    raise AssertionError("ZZZZ parsed as a chunk size")


def test_broken_framing_keeps_the_body_as_received() -> None:
    parser = _broken_parser()
    assert parser.framing_error == "bad chunk size b'ZZZZ'"
    assert parser.payload == split_http(BROKEN)[1]
    assert parser.decoded_prefix == b"Hello"


def test_a_bad_content_length_keeps_the_body_as_received() -> None:
    parser = ResponseParser()
    message = b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\nten bytes."
    with pytest.raises(HTTPParseError):
        parser.feed(message)
    assert parser.framing_error == "bad Content-Length b'ten'"
    assert parser.payload == b"ten bytes."
    record = response_record("http://x/", message, parser.payload, "<urn:y>",
                             datetime(2025, 1, 6, tzinfo=UTC), None, None, "unspecified")
    check = check_record(0, 1, record.to_bytes())
    assert check.problem is None and check.note is not None


def test_fixity_accepts_a_broken_record_and_catches_a_changed_byte() -> None:
    when = datetime(2025, 1, 6, tzinfo=UTC)
    parser = _broken_parser()
    for stated in (None, digest_of(b"Hello")):  # today's digest; what older versions wrote
        record = response_record("http://x/", BROKEN, parser.payload, "<urn:x>", when, None,
                                 None, "unspecified", stated)
        data = record.to_bytes()
        check = check_record(0, len(gzip_member(data)), data)
        assert check.problem is None and check.note is not None, stated
        assert "bad chunk size" in check.note
        damaged = check_record(0, 1, data.replace(b", World", b", Wurld"))
        assert damaged.problem == "block digest mismatch"
    unstated = data.replace(b"WARC-Block-Digest", b"X-Was-Block-Digest")
    assert check_record(0, 1, unstated).problem == "payload digest mismatch"


def _archive(server: RawHTTPServer, home: Path) -> list[dict[str, object]]:
    result = run_prov("archive", "--json", server.url("/bad-chunk-size"), home=home)
    assert result.returncode == 1, result.stderr
    assert "prov: failed:" in result.stderr and "bad chunk size" in result.stderr
    assert "Traceback" not in result.stderr
    assert "the response was malformed" in result.stderr  # the text stage: not "unreadable"
    rows = [c for c in result.json() if c["url"].endswith("/bad-chunk-size")]
    assert len(rows) == 2  # the first attempt and Scrapy's retry
    return rows


def test_a_bad_chunk_size_is_a_valid_warc_that_verify_passes(
    raw_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    # pywb replay is judged against the de-chunked body, which a broken chunk stream does not
    # have (and the retry is a second capture of the URL in the same second): no replay.
    register_home(home, "no-replay")
    rows = _archive(raw_server, home)
    for row in rows:
        assert row["status"] == 200 and row["truncated"] == "unspecified"
        assert "bad chunk size b'ZZZZ'" in str(row["error"])
    sent = raw_server.sent_for("/bad-chunk-size")[-1]
    records = read_records(warc_files(home))
    responses = [r for r in records if r.warc_type == "response" and r.url == rows[0]["url"]]
    assert len(responses) == 2
    for response in responses:
        assert sent.startswith(response.block) and b"ZZZZ" in response.block
        assert response.headers["WARC-Truncated"] == "unspecified"
        body = split_http(response.block)[1]
        assert response.headers["WARC-Payload-Digest"] == digest_of(body)
    metadata = [r.block for r in records if r.warc_type == "metadata" and r.url == rows[0]["url"]]
    for block in metadata:
        assert b"framing-error: bad chunk size b'ZZZZ'" in block
        assert b"payload-digest-over: message body as received" in block
        assert b"truncated: unspecified" in block
    audit = run_prov("verify", "--json", home=home)
    assert audit.returncode == 0, audit.stdout[-3000:]
    report = audit.json()
    assert report["result"] == "ok" and not report["corrupt"]
    assert [n["kind"] for n in report["notes"]] == ["malformed-response"] * 2
    human = run_prov("verify", home=home)
    assert human.returncode == 0 and "2 records of malformed responses" in human.stdout
    verdict = validate([home / "warcs"], "--no-replay")
    assert verdict.passed, verdict.output[-3000:]
    assert verdict.field("digest_fail") == 0


def test_damage_to_such_a_record_is_still_corruption(
    raw_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    register_home(home, "unjudgeable")  # damaged on purpose
    row = _archive(raw_server, home)[0]
    path = Path(str(row["warc"])[len("file://") :])
    data = path.read_bytes()
    start, end = int(str(row["offset"])), int(str(row["offset"])) + int(str(row["length"]))
    member = gzip.decompress(data[start:end])
    changed = gzip_member(member.replace(b"text/html", b"text/htmm", 1))  # still valid gzip
    path.write_bytes(data[:start] + changed + data[end:])
    report = run_prov("verify", "--json", home=home)
    assert report.returncode == 1
    problems = report.json()["problems"]
    assert any(p["kind"] == "corrupt" and p["detail"] == "block digest mismatch" for p in problems)
    flipped = bytearray(path.read_bytes())
    flipped[start + len(changed) // 2] ^= 0x01
    path.write_bytes(bytes(flipped))
    again = run_prov("verify", "--json", home=home)
    assert again.returncode == 1 and again.json()["corrupt"] == [row["warc"]]
