"""Golden-byte WARC output through an injectable clock and record-id factory."""

from __future__ import annotations

import gzip
import itertools
import os
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.capture.exchange import Exchange, TLSInfo
from archive.capture.records import build_capture
from archive.http_response import ResponseParser
from archive.warc.file import WarcWriter

GOLDEN = Path(__file__).parent / "golden" / "capture.warc"
MOMENT = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
REQUEST = b"GET /a?b=1 HTTP/1.1\r\nHost: example.test\r\nUser-Agent: prov-test\r\n\r\n"
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"4\r\n<p>x\r\n5\r\n</p>\n\r\n0\r\n\r\n"
)


def _writer(directory: Path) -> WarcWriter:
    counter = itertools.count(1)
    return WarcWriter(
        directory,
        prefix="golden",
        warcinfo_fields=[("software", "prov-test"), ("isPartOf", "crawl-1")],
        clock=lambda: MOMENT,
        new_id=lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(counter):012d}>",
        hostname="testhost",
        pid=4242,
    )


def _exchange() -> Exchange:
    parser = ResponseParser()
    parser.feed(RESPONSE)
    return Exchange(
        "http://example.test/a?b=1",
        "GET",
        MOMENT,
        request_bytes=REQUEST,
        parser=parser,
        peer_ip="192.0.2.1",
        tls=TLSInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", [b"\x30\x01\x00"]),
        duration_ms=12,
        context={"seed": "http://example.test/", "hop-path": "L", "crawl-id": "crawl-1"},
    )


def write_golden_capture(directory: Path) -> Path:
    writer = _writer(directory)
    warc = writer.ensure_file()
    counter = itertools.count(100)
    built = build_capture(
        _exchange(),
        writer.warcinfo_id,
        lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(counter):012d}>",
    )
    writer.write_capture(built.records)
    writer.close()
    return warc.final_path


def test_capture_matches_golden_bytes(tmp_path: Path) -> None:
    path = write_golden_capture(tmp_path)
    assert path.name == "golden-20260102030405-00001-testhost-4242.warc.gz"
    data = gzip.decompress(path.read_bytes())
    if os.environ.get("PROV_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes()


def test_each_record_is_its_own_gzip_member_and_reads_back(tmp_path: Path) -> None:
    path = write_golden_capture(tmp_path)
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=True)
        kinds = []
        for record in iterator:
            record.content_stream().read()
            kinds.append(record.rec_type)
            raw = path.read_bytes()[iterator.get_record_offset() :][: iterator.get_record_length()]
            assert gzip.decompress(raw).startswith(b"WARC/1.1\r\n")
    assert kinds == ["warcinfo", "response", "request", "metadata"]


def test_response_block_is_the_wire_and_payload_digest_is_dechunked(tmp_path: Path) -> None:
    path = write_golden_capture(tmp_path)
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        response = next(r for r in iterator if r.rec_type == "response")
        headers = response.rec_headers
        offset, length = iterator.get_record_offset(), iterator.get_record_length()
    record = gzip.decompress(path.read_bytes()[offset : offset + length])
    block = record.split(b"\r\n\r\n", 1)[1][: int(headers.get_header("Content-Length"))]
    assert block == RESPONSE
    # sha1 of b"<p>x</p>\n" (the entity body without chunk framing), in base32
    assert headers.get_header("WARC-Payload-Digest") == "sha1:KDWDSNMZXESM3WKDG3L34NWINTYDI4QD"
    assert headers.get_header("WARC-IP-Address") == "192.0.2.1"
