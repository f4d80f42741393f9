"""The 63 real corpus pages, served with realistic headers, archived and judged by others' tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import warc_files
from tests.servers import RawHTTPServer
from tests.validator import validate
from tests.wire_check import entity_body, read_records, sha1_b32


@pytest.fixture
def corpus_capture(
    archived_corpus: tuple[Path, list[dict[str, Any]]],
) -> tuple[Path, list[dict[str, Any]]]:
    return archived_corpus


def test_every_page_captured_byte_for_byte(
    corpus_capture: tuple[Path, list[dict[str, Any]]], corpus_server: RawHTTPServer
) -> None:
    home, listing = corpus_capture
    pages = corpus_server.corpus_pages()
    records = {r.url: r for r in read_records(warc_files(home)) if r.warc_type == "response"}
    assert len([c for c in listing if "/corpus/" in c["url"]]) == len(pages) == 63
    for page in pages:
        record = records[corpus_server.url(page.path)]
        sent = corpus_server.sent_for(page.path)[-1]
        assert record.block == sent, page.path
        assert record.headers["WARC-Payload-Digest"] == sha1_b32(entity_body(sent))


def test_corpus_warcs_pass_the_external_validator(
    corpus_capture: tuple[Path, list[dict[str, Any]]],
) -> None:
    home, _ = corpus_capture
    verdict = validate(warc_files(home))
    assert verdict.passed, verdict.output[-4000:]
    assert verdict.field("replay_ok") == 63, verdict.summary  # every corpus page, plus none else
    assert verdict.field("digest_fail") == 0


def test_cdxj_beside_each_warc_is_sorted_and_complete(
    corpus_capture: tuple[Path, list[dict[str, Any]]],
) -> None:
    home, listing = corpus_capture
    lines: list[str] = []
    for warc in warc_files(home):
        cdxj = warc.with_name(warc.name + ".cdxj").read_text().splitlines()
        assert cdxj == sorted(cdxj)
        lines += cdxj
    responses = [c for c in listing if c["status"] is not None]
    assert len(lines) == len(responses)
