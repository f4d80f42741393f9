"""The citation graph of an article, assembled from the index for ``prov sources``."""

from __future__ import annotations

from typing import Any

from archive.citations.graph import status_of
from archive.index.captures import CaptureIndex
from archive.index.citations import CitationIndex
from archive.index.rows import Capture
from archive.index.texts import TextIndex

__all__ = ["citation_graph", "source_status"]


def source_status(captures: list[Capture]) -> tuple[str, str | None]:
    """(status word of :func:`~archive.citations.graph.status_of`, what it rests on: the error,
    ``HTTP 404``, the redirect target; None for a plain capture)."""
    if not captures:
        return "pending", "not captured"
    last = captures[-1]
    status = status_of(last.status, last.error)
    if last.error:
        return status, last.error
    if status == "redirected":
        return status, f"to {last.location}" if last.location else None
    if status in ("gone", "failed"):
        return status, f"HTTP {last.status}"
    return status, None


def citation_graph(
    index: CaptureIndex, article_url: str, crawl_id: str | None = None
) -> dict[str, Any]:
    """Every source of ARTICLE_URL (newest crawl unless CRAWL_ID), its captures and claims."""
    citations = CitationIndex(index.engine, "")
    crawl = crawl_id or citations.latest_crawl_of(article_url)
    texts = TextIndex(index.engine)
    article_text = texts.texts_of(article_url)
    graph: dict[str, Any] = {
        "article": {
            "url": article_url,
            "captures": [c.to_json() for c in index.lookup(article_url)],
            "title": article_text[-1]["title"] if article_text else None,
            "language": article_text[-1]["language"] if article_text else None,
            "published": article_text[-1]["published"] if article_text else None,
        },
        "crawl_id": crawl,
        "sources": [],
        "claims": [],
    }
    if crawl is None:
        return graph
    for edge in citations.edges(crawl):
        captures = index.lookup(edge["cited_url"])
        source_text = texts.texts_of(edge["cited_url"])
        status, detail = source_status(captures)
        graph["sources"].append(
            {
                "url": edge["cited_url"],
                "cited_by": edge["article_url"],
                "found_by": edge["found_by"],
                "depth": edge["depth"],
                "anchor": edge["anchor"],
                "sentence": edge["sentence"],
                "source_id": edge["source_id"],
                "source_name": edge["source_name"],
                "confidence": edge["confidence"],
                "reason": edge["reason"],
                "status": status,
                "status_detail": detail,
                "language": source_text[-1]["language"] if source_text else None,
                "title": source_text[-1]["title"] if source_text else None,
                "captures": [c.to_json() for c in captures],
            }
        )
    graph["links"] = [
        {k: v for k, v in row.items() if k not in ("id", "crawl_id")}
        for row in citations.link_decisions(crawl)
    ]
    graph["discovery"] = [
        {k: v for k, v in row.items() if k not in ("id", "crawl_id")}
        for row in citations.listings(crawl)
    ]
    graph["claims"] = [
        {k: v for k, v in claim.items() if k not in ("crawl_id",)}
        for claim in citations.claims(crawl)
    ]
    return graph
