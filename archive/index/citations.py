"""The citation graph in the index: edges (who cites what, how found) and claims."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Table, insert, select, update
from sqlalchemy.engine import RowMapping

from archive.index.citation_tables import (
    citation_edges,
    claims,
    discovery_listings,
    link_decisions,
)
from archive.timestamps import utcnow, warc_date

__all__ = ["CitationIndex"]


class CitationIndex:
    def __init__(self, engine: Engine, crawl_id: str) -> None:
        self.engine = engine
        self.crawl_id = crawl_id

    def _insert(self, table: Table, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(table).values(crawl_id=self.crawl_id, **values))

    def add_edge(
        self,
        article_url: str,
        cited_url: str,
        found_by: str,
        depth: int,
        anchor: str | None,
        sentence: str | None,
        *,
        source_id: str | None = None,
        source_name: str | None = None,
        confidence: float | None = None,
        reason: str | None = None,
    ) -> None:
        self._insert(
            citation_edges,
            article_url=article_url,
            cited_url=cited_url,
            found_by=found_by,
            depth=depth,
            anchor=anchor,
            sentence=sentence,
            source_id=source_id,
            source_name=source_name,
            confidence=confidence,
            reason=reason,
            created=warc_date(utcnow()),
        )

    def add_link_decisions(self, article_url: str, decisions: list[dict[str, Any]]) -> None:
        """Every main-text link of ARTICLE_URL: url, anchor, sentence, followed, reason."""
        if not decisions:
            return
        base = {"crawl_id": self.crawl_id, "article_url": article_url}
        rows = [{**base, **d, "followed": int(d["followed"])} for d in decisions]
        with self.engine.begin() as conn:
            conn.execute(insert(link_decisions), rows)

    def add_listing(
        self, source_id: str, url: str, origin: str, failure: str | None, candidates: int
    ) -> None:
        """One discovery endpoint fetched for SOURCE_ID, and what it gave."""
        self._insert(
            discovery_listings,
            source_id=source_id,
            url=url,
            origin=origin,
            failure=failure,
            candidates=candidates,
        )

    def _rows(self, table: Table, crawl_id: str) -> list[RowMapping]:
        """TABLE's rows of CRAWL_ID, in the order they were written."""
        query = select(table).where(table.c.crawl_id == crawl_id).order_by(table.c.id)
        with self.engine.connect() as conn:
            return list(conn.execute(query).mappings())

    def listings(self, crawl_id: str) -> list[dict[str, Any]]:
        return [dict(row) for row in self._rows(discovery_listings, crawl_id)]

    def link_decisions(self, crawl_id: str) -> list[dict[str, Any]]:
        rows = self._rows(link_decisions, crawl_id)
        return [{**row, "followed": bool(row["followed"])} for row in rows]

    def add_claim(self, article_url: str, values: dict[str, Any]) -> None:
        self._insert(claims, article_url=article_url, status="pending", **values)

    def latest_crawl_of(self, article_url: str) -> str | None:
        query = (
            select(citation_edges.c.crawl_id)
            .where(citation_edges.c.article_url == article_url)
            .order_by(citation_edges.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            found = conn.scalar(query)
            if found is None:
                found = conn.scalar(
                    select(claims.c.crawl_id)
                    .where(claims.c.article_url == article_url)
                    .order_by(claims.c.id.desc())
                    .limit(1)
                )
        return found

    def edges(self, crawl_id: str) -> list[RowMapping]:
        return self._rows(citation_edges, crawl_id)

    def claims(self, crawl_id: str) -> list[RowMapping]:
        return self._rows(claims, crawl_id)

    def set_match(self, claim_id: int, values: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(claims).where(claims.c.id == claim_id).values(**values))
