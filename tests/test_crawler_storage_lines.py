"""The lines prov archive and prov crawl print for captures they could not store."""

from __future__ import annotations

import pytest

from crawler.cli.common import report_storage_errors
from crawler.cli.output import stderr
from crawler.runner import CrawlOutcome


def test_each_unstored_capture_is_named_by_its_url(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = CrawlOutcome(
        "crawl-1",
        [],
        {},
        write_errors=["No space left on device", "WARC file closed early"],
        unwritten=[
            {"url": "https://a.example/robots.txt", "error": "No space left on device"},
            {"url": "https://b.example/source", "error": "No space left on device", "on_disk": 1},
            {"url": "https://a.example/robots.txt", "error": "No space left on device"},
        ],
    )
    with stderr.capture() as captured:
        report_storage_errors(outcome, {"https://c.example/already-reported"})
    lines = captured.get().splitlines()
    assert lines == [
        "prov: not archived: https://a.example/robots.txt: No space left on device",
        "prov: not archived: https://b.example/source: No space left on device (its records "
        "are on disk: the next prov run indexes them)",
        "prov: write error: WARC file closed early",
    ]
