"""The claims of an article export: each claim with its passage, the capture and the text
record it is in, its character offsets and digests, so that a verifier can find the passage
at its offsets in the extracted text the package holds (``evidence/claims.json``).

Offsets are ``[start, end)`` in Python characters (Unicode code points) of the extracted text
(the ``text`` of the ``prov-extraction`` field of the conversion record named).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ClaimEvidence", "claim_evidence", "text_sha256"]

FORMAT = "prov-claims-1"


def text_sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ClaimEvidence:
    document: dict[str, Any]
    needed: list[str] = field(default_factory=list)  # capture record ids the package must hold
    problems: list[str] = field(default_factory=list)


def _text_ref(row: Mapping[str, Any] | None) -> dict[str, Any]:
    if row is None:
        return {"text_record": None, "text_sha256": None}
    return {
        "text_record": row["conversion_record_id"],
        "text_sha256": text_sha256(row["text"] or ""),
    }


def claim_evidence(
    graph: Mapping[str, Any],
    texts: Mapping[str, Any],
    article_capture: str | None,
) -> ClaimEvidence:
    """The claims document of GRAPH (``citation_graph``), TEXTS the newest text row of each
    capture by record id, ARTICLE_CAPTURE the record id of the article capture read."""
    article_text = texts.get(article_capture or "")
    evidence = ClaimEvidence({})
    claims = []
    for row in graph.get("claims", []):
        claim: dict[str, Any] = {
            "id": row["id"],
            "statement": row["statement"],
            "speaker": row.get("speaker"),
            "kind": row.get("kind"),
            "status": row["status"],
            "start": row.get("start"),
            "end": row.get("end"),
            "statement_sha256": text_sha256(row["statement"]),
            "article_capture": article_capture,
            "article_text_record": _text_ref(article_text)["text_record"],
            "source": None,
        }
        capture = row.get("matched_capture")
        if capture and row.get("passage") is not None:
            evidence.needed.append(capture)
            source_text = texts.get(capture)
            passage = row["passage"]
            start, end = row.get("passage_start"), row.get("passage_end")
            held = (source_text["text"] or "")[start:end] if source_text is not None else None
            if held != passage:
                evidence.problems.append(
                    f"claim {row['id']}: its passage is not at {start}-{end} of the newest "
                    f"text of capture {capture}"
                )
            claim["source"] = {
                "url": row.get("matched_url"),
                "capture": capture,
                **_text_ref(source_text),
                "passage": passage,
                "passage_start": start,
                "passage_end": end,
                "passage_sha256": text_sha256(passage),
                "score": row.get("score"),
                "method": row.get("method"),
            }
        claims.append(claim)
    evidence.document = {
        "format": FORMAT,
        "article": graph.get("article", {}).get("url"),
        "crawl_id": graph.get("crawl_id"),
        "article_capture": article_capture,
        **{f"article_{k}": v for k, v in _text_ref(article_text).items()},
        "offsets": "[start, end) in Unicode code points of the extracted text",
        "claims": claims,
    }
    return evidence
