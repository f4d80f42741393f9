"""A crawl's progress counts what ``for_crawl`` lists (duplicates left out) without reading it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from archive.surts import surt_of


def _row(number: int, crawl: str, request: str, second: int) -> dict[str, Any]:
    url = f"https://progress.example/{number}"
    stamp = f"2026120610{second // 60:02d}{second % 60:02d}"
    return {
        "crawl_id": crawl, "url": url, "surt": surt_of(url), "timestamp": stamp,
        "warc_date": f"2026-12-06T10:{second // 60:02d}:{second % 60:02d}.000000Z",
        "method": "GET", "status": 200, "mime": "text/html",
        "payload_digest": f"sha1:{number:032d}", "warc": "file:///x.warc.gz",
        "offset": number * 100, "length": 100, "record_id": f"<urn:uuid:p-{number}>",
        "record_type": "response", "request_id": request,
    }


def test_progress_counts_the_crawls_kept_captures_and_names_the_newest(tmp_path: Path) -> None:
    index = CaptureIndex(open_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
    assert index.crawl_progress("a" * 16) == (0, None)
    index.add_captures([_row(n, "a" * 16, f"req-{n}", n) for n in range(5)])
    index.add_captures([_row(9, "b" * 16, "req-9", 50)])  # another crawl, newer
    index.add_captures([_row(7, "a" * 16, "req-1", 40)])  # a second success of req-1
    kept = index.for_crawl("a" * 16)
    assert len(kept) == 5
    assert index.crawl_progress("a" * 16) == (len(kept), kept[-1].url)
    index.add_captures([_row(8, "a" * 16, "req-8", 45)])
    assert index.crawl_progress("a" * 16) == (6, "https://progress.example/8")
