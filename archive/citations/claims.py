"""After a citation crawl: link each claim to the best passage in a captured source's text.

A claim whose source is a link (in its sentence, or carried from the sentence that introduced
its speaker) is matched against that link's capture, redirects followed to the page they land
on; a claim attributed by name to a registered publisher against the candidates discovered for
it. The best result wins (a match over a "needs translation" flag over "not found"); no
source text at all is "no_source" (the source was not captured, or had no text).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import RowMapping

from archive.citations.matching import match_claim
from archive.index.captures import CaptureIndex
from archive.index.citations import CitationIndex
from archive.index.rows import redirect_chain
from archive.index.texts import TextIndex

__all__ = ["match_claims"]

_RANK = {"matched": 3, "needs_translation": 2, "not_found": 1}


def _candidate_urls(claim: RowMapping, edges: list[RowMapping]) -> list[str]:
    if claim["cited_url"]:
        return [claim["cited_url"]]
    return [
        edge["cited_url"]
        for edge in edges
        if edge["found_by"] == "name" and edge["source_id"] == claim["source_id"]
    ]


def match_claims(engine: Engine, crawl_id: str, article_url: str) -> list[dict[str, Any]]:
    """Match every claim of CRAWL_ID; returns the values stored for each."""
    citations = CitationIndex(engine, crawl_id)
    texts = TextIndex(engine)
    captures = CaptureIndex(engine).for_crawl(crawl_id)
    edges = citations.edges(crawl_id)
    article = texts.texts_of(article_url)
    article_language = article[-1]["language"] if article else None
    results = []
    claim_rows = citations.claims(crawl_id)
    for claim in claim_rows:
        if claim["repeats"] is not None:
            continue  # a headline's claim takes the passage of the body claim it repeats
        best: dict[str, Any] = {"status": "no_source"}
        for cited in dict.fromkeys(_candidate_urls(claim, edges)):
            chain = redirect_chain(captures, cited, seed=False)
            url = chain[-1].url if chain else cited  # where its redirects landed
            rows = texts.texts_of(url)
            if not rows or not rows[-1]["text"]:
                continue
            source = rows[-1]
            found = match_claim(
                claim["statement"],
                source["text"],
                source["language"],
                article_language,
                speaker=claim["speaker"],
            )
            values = {
                "status": "matched" if found.status == "found" else found.status,
                "matched_url": url,
                "matched_capture": source["capture_record_id"],
                "passage": found.passage,
                "passage_start": found.start,
                "passage_end": found.end,
                "score": found.score,
                "method": found.method,
            }
            if (_RANK.get(values["status"], 0), values["score"] or 0) > (
                _RANK.get(best["status"], 0),
                best.get("score") or 0,
            ):
                best = values
        citations.set_match(claim["id"], best)
        results.append({"id": claim["id"], **best})
    return results + _repeated(citations, claim_rows, results)


def _repeated(
    citations: CitationIndex, rows: list[RowMapping], results: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The match of each headline's claim: that of the body claim it repeats (same article)."""
    by_start = {
        (row["article_url"], row["start"]): result
        for row in rows
        for result in results
        if result["id"] == row["id"]
    }
    repeated = []
    for row in rows:
        if row["repeats"] is None:
            continue
        body = by_start.get((row["article_url"], row["repeats"]), {"status": "no_source"})
        values = {key: value for key, value in body.items() if key != "id"}
        if values.get("method"):
            values["method"] = f"repeat of {values['method']}"
        citations.set_match(row["id"], values)
        repeated.append({"id": row["id"], **values})
    return repeated
