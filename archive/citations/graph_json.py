"""Build a ``CitationGraph`` from the ``prov sources --json`` dict (``archive.citations.lookup``).

That dict (``{"article": {...}, "crawl_id", "sources": [...], "claims": [...]}``) holds index
rows: captures as ``Capture.to_json()``, claims as rows of the ``claims`` table (``status``
``matched``/``not_found``/``needs_translation``/``no_source``/``pending``). Crawls are not rows
of their own there: each crawl id seen becomes a ``CrawlRef`` spanning its captures' times.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archive.citations.graph import (
    CaptureRef,
    CitationGraph,
    CitedSource,
    Claim,
    ClaimMatch,
    CrawlRef,
)

__all__ = ["graph_from_sources_json"]

_MATCH_STATUS = {
    "matched": "found",
    "found": "found",
    "not_found": "not_found",
    "needs_translation": "needs_translation",
}


def _capture(data: Mapping[str, Any]) -> CaptureRef:
    return CaptureRef(
        url=data["url"],
        timestamp=data["timestamp"],
        record_id=data.get("record_id"),
        status=data.get("status"),
        payload_digest=data.get("payload_digest"),
        warc=data.get("warc"),
        offset=data.get("offset"),
        length=data.get("length"),
        crawl_id=data.get("crawl_id"),
        error=data.get("error"),
    )


def _source(data: Mapping[str, Any]) -> CitedSource:
    return CitedSource(
        url=data["url"],
        found_by=data.get("found_by") or "link",
        anchor=data.get("anchor"),
        sentence=data.get("sentence"),
        source_id=data.get("source_id"),
        name=data.get("source_name"),
        score=data.get("confidence"),
        reason=data.get("reason"),
        depth=data.get("depth") or 1,
        language=data.get("language"),
        captures=[_capture(c) for c in data.get("captures", [])],
    )


def _claim(data: Mapping[str, Any]) -> Claim:
    matches: list[ClaimMatch] = []
    status = _MATCH_STATUS.get(str(data.get("status")))
    if status is not None:
        matches.append(
            ClaimMatch(
                source_url=data.get("matched_url") or data.get("cited_url") or "",
                capture_record_id=data.get("matched_capture"),
                status=status,
                score=float(data.get("score") or 0.0),
                method=data.get("method") or "",
                start=data.get("passage_start"),
                end=data.get("passage_end"),
                passage=data.get("passage"),
            )
        )
    cited = data.get("cited_url")
    kind = data.get("kind") or ("link" if cited and not data.get("speaker") else "reported")
    return Claim(
        statement=data["statement"],
        start=data.get("start") or 0,
        end=data.get("end") or 0,
        kind=kind,
        speaker=data.get("speaker"),
        source_id=data.get("source_id"),
        source_name=data.get("source_name"),
        link_url=cited,
        matches=matches,
        resolution=data.get("resolution"),
        speaker_resolution=data.get("speaker_resolution"),
        confidence=data.get("confidence"),
        repeats=data.get("repeats"),
    )


def _crawls(captures: list[CaptureRef]) -> list[CrawlRef]:
    times: dict[str, list[str]] = {}
    for capture in captures:
        if capture.crawl_id:
            times.setdefault(capture.crawl_id, []).append(capture.timestamp)
    return [
        CrawlRef(id=crawl_id, started=min(stamps), finished=max(stamps))
        for crawl_id, stamps in times.items()
    ]


def graph_from_sources_json(data: Mapping[str, Any]) -> CitationGraph:
    """The ``CitationGraph`` of a ``prov sources --json`` dict."""
    article: Mapping[str, Any] = data.get("article") or {}
    article_captures = [_capture(c) for c in article.get("captures", [])]
    sources = [_source(s) for s in data.get("sources", [])]
    every = article_captures + [c for s in sources for c in s.captures]
    return CitationGraph(
        article_url=article.get("url") or "",
        article_captures=article_captures,
        article_language=article.get("language"),
        article_date=article.get("published"),
        sources=sources,
        claims=[_claim(c) for c in data.get("claims", [])],
        crawls=_crawls(every),
    )
