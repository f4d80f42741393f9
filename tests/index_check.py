"""Checking index rows against the bytes they point at, independently of prov's reader."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from warcio.archiveiterator import ArchiveIterator

from tests.wire_check import entity_body, sha1_b32


def check_row_points_at_its_record(row: dict[str, Any]) -> None:
    """The member at (warc, offset, length) is the row's response, with the row's digest."""
    path = Path(unquote(urlparse(row["warc"]).path))
    assert path.is_file(), f"{row['url']}: {path} is missing"
    with path.open("rb") as stream:
        stream.seek(row["offset"])
        member = stream.read(row["length"])
    assert len(member) == row["length"]
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    assert record.rec_headers.get_header("WARC-Record-ID") == row["record_id"]
    assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
    assert record.rec_headers.get_header("WARC-Payload-Digest") == row["payload_digest"]
    raw = gzip.decompress(member).partition(b"\r\n\r\n")[2]
    block = raw[: int(record.rec_headers.get_header("Content-Length"))]
    assert sha1_b32(block) == record.rec_headers.get_header("WARC-Block-Digest")
    if row["record_type"] != "revisit":  # a revisit's block is the head only
        assert sha1_b32(entity_body(block)) == row["payload_digest"]
