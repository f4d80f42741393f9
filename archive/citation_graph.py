"""The citation graph of an article, assembled from the index for ``prov sources``."""

from __future__ import annotations

from typing import Any

from archive.capture import Capture
from archive.index.captures import CaptureIndex
from archive.index.citations import CitationIndex
from archive.index.texts import TextIndex


def source_status(captures: list[Capture]) -> str:
    """``captured`` (a 2xx or a revisit of one), ``failed: why`` or ``not captured``."""
    if not captures:
        return "not captured"
    last = captures[-1]
    if last.status is not None and (200 <= last.status < 300 or last.status == 304):
        return "captured"
    if last.error:
        return f"failed: {last.error}"
    if last.status is not None and 300 <= last.status < 400:
        return f"redirected to {last.location}" if last.location else "redirected"
    return f"failed: HTTP {last.status}"


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
                "status": source_status(captures),
                "language": source_text[-1]["language"] if source_text else None,
                "title": source_text[-1]["title"] if source_text else None,
                "captures": [c.to_json() for c in captures],
            }
        )
    graph["claims"] = [
        {k: v for k, v in claim.items() if k not in ("crawl_id",)}
        for claim in citations.claims(crawl)
    ]
    return graph
