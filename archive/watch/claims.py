"""For article watches: is each claim's backing passage still in the newest capture?

Every citation crawl matches its claims against the sources' newest texts. For each claim of a
crawl that was backed in the article's previous crawl, the passage that backed it is looked
for, whitespace aside, in the newest text of the same source: if it is not there any more the
claim lost its backing (even if some other passage now resembles the statement). A claim not
backed before and matched now found its backing again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Engine, select

from archive.index.citation_tables import claims
from archive.index.citations import CitationIndex
from archive.index.texts import TextIndex

__all__ = ["claim_key", "previous_crawl", "recheck_claims"]

LOST, BACK = "claim_lost", "claim_back"


def previous_crawl(engine: Engine, article_url: str, crawl_id: str) -> str | None:
    query = (
        select(claims.c.crawl_id)
        .where(claims.c.article_url == article_url, claims.c.crawl_id != crawl_id)
        .order_by(claims.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        found: str | None = conn.scalar(query)
    return found


def claim_key(article_url: str, statement: str) -> str:
    """A URL-like name for one claim in the changes table (``ARTICLE#claim-HASH``)."""
    digest = hashlib.sha1(" ".join(statement.split()).encode("utf-8")).hexdigest()[:12]
    return f"{article_url}#claim-{digest}"


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _still_there(texts: TextIndex, url: str | None, passage: str | None) -> bool:
    """Whether PASSAGE is in the newest extracted text of URL."""
    if not url or not passage:
        return False
    newest = texts.texts_of(url)
    return bool(newest) and _normal(passage) in _normal(newest[-1]["text"])


def recheck_claims(engine: Engine, article_url: str, crawl_id: str) -> list[dict[str, Any]]:
    """Claims of CRAWL_ID whose backing changed since the article's previous crawl."""
    before_crawl = previous_crawl(engine, article_url, crawl_id)
    if before_crawl is None:
        return []
    index = CitationIndex(engine, crawl_id)
    texts = TextIndex(engine)
    before = {" ".join(c["statement"].split()): c for c in index.claims(before_crawl)}
    changed = []
    for claim in index.claims(crawl_id):
        old = before.get(" ".join(claim["statement"].split()))
        if old is None:
            continue
        was, now = old["status"] == "matched", claim["status"] == "matched"
        if was:
            now = _still_there(texts, old["matched_url"], old["passage"])
        if was == now:
            continue
        changed.append(
            {
                "kind": BACK if now else LOST,
                "url": claim_key(article_url, claim["statement"]),
                "statement": claim["statement"],
                "before": old["status"],
                "now": claim["status"] if now or not was else "passage gone",
                "source": claim["matched_url"] or old["matched_url"] or claim["cited_url"],
                "passage": old["passage"] if not now else claim["passage"],
                "from_capture": old["matched_capture"],
                "to_capture": claim["matched_capture"],
            }
        )
    return changed
