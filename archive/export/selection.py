"""Which captures an export holds: the captures of URLs, of a crawl, of an article's newest
citation crawl, or made since a time; always with the originals their revisits refer to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from archive.errors import ProvError
from archive.index.captures import CaptureIndex
from archive.index.citations import CitationIndex
from archive.index.rows import Capture, redirect_chain

__all__ = ["Selection", "SelectionError", "Selector", "is_page", "select_captures"]


class SelectionError(ProvError, ValueError):
    """Nothing to export for what was asked; the message says what to run first."""


@dataclass(frozen=True)
class Selector:
    """Exactly one of: URLs, a crawl id, an article URL, a 14-digit timestamp."""

    urls: tuple[str, ...] = ()
    crawl_id: str | None = None
    article: str | None = None
    since: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.urls:
            return {"urls": list(self.urls)}
        if self.crawl_id:
            return {"crawl": self.crawl_id}
        if self.article:
            return {"article": self.article}
        return {"since": self.since}


@dataclass
class Selection:
    captures: list[Capture]
    crawl_id: str | None = None  # the citation crawl of an article export
    originals: list[str] = field(default_factory=list)  # record ids added for revisits


def is_page(capture: Capture) -> bool:
    """A page a reader opens: a 2xx response or revisit that is no robots.txt or embed."""
    hops = capture.hop_path or ""
    return (
        capture.record_type in ("response", "revisit")
        and capture.status is not None
        and 200 <= capture.status < 300
        and not hops.endswith(("E", "P"))
    )


def _with_redirects(index: CaptureIndex, urls: Sequence[str]) -> list[Capture]:
    chosen: dict[str, Capture] = {}
    for url in urls:
        own = index.lookup(url)
        for capture in own:
            chosen.setdefault(capture.record_id or f"{capture.url} {capture.warc_date}", capture)
        for crawl_id in dict.fromkeys(c.crawl_id for c in own if c.crawl_id):
            crawl = index.for_crawl(crawl_id)
            for seed in (True, False):
                for capture in redirect_chain(crawl, url, seed=seed):
                    chosen.setdefault(capture.record_id or capture.url, capture)
    return list(chosen.values())


def select_captures(index: CaptureIndex, selector: Selector) -> Selection:
    """The captures SELECTOR names, oldest first, with the originals of their revisits."""
    crawl_id = None
    if selector.urls:
        captures = _with_redirects(index, selector.urls)
        if not captures:
            raise SelectionError(f"no capture of {selector.urls[0]} (run prov archive URL)")
    elif selector.crawl_id:
        captures = index.for_crawl(selector.crawl_id)
        if not captures:
            raise SelectionError(f"no capture in crawl {selector.crawl_id} (see prov lookup)")
    elif selector.article:
        crawl_id = CitationIndex(index.engine, "").latest_crawl_of(selector.article)
        if crawl_id is None:
            raise SelectionError(
                f"no citation crawl of {selector.article} (run prov crawl {selector.article})"
            )
        captures = index.for_crawl(crawl_id)
    else:
        captures = index.since(selector.since or "")
        if not captures:
            raise SelectionError(f"no capture since {selector.since}")
    have = {c.record_id for c in captures}
    wanted = [c.refers_to for c in captures if c.refers_to and c.refers_to not in have]
    originals = index.by_record_ids(wanted)
    every = sorted([*captures, *originals], key=lambda c: (c.warc_date or "", c.url))
    return Selection(every, crawl_id, [c.record_id for c in originals if c.record_id])
