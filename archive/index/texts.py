"""Extracted texts in the index: one row per conversion record, searchable in full text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.engine import RowMapping

from archive.errors import ProvError
from archive.index.chunked import rows_matching
from archive.index.schema import texts
from archive.surts import surt_of

__all__ = ["SearchHit", "SearchQueryError", "TextIndex", "fts5_query"]

MARK_START, MARK_END = "<mark>", "</mark>"
_TERMS = re.compile(r'"([^"]+)"|(\S+)')


class SearchQueryError(ProvError, ValueError):
    pass


@dataclass(frozen=True)
class SearchHit:
    row: dict[str, Any]
    snippet: str
    score: float


def fts5_query(query: str) -> str:
    """A user's words and "quoted phrases" as an FTS5 query matching all of them.

    Every term is quoted, so FTS5 operators and punctuation in the input are taken literally.
    """
    terms = []
    for phrase, word in _TERMS.findall(query):
        term = (phrase or word).strip()
        if term:
            terms.append('"' + term.replace('"', '""') + '"')
    if not terms:
        raise SearchQueryError("empty search query: give words or a \"quoted phrase\"")
    return " ".join(terms)


def _newest_per_capture() -> Any:
    newest = select(func.max(texts.c.id)).group_by(texts.c.capture_record_id)
    return texts.c.id.in_(newest)


class TextIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_texts(self, rows: Sequence[dict[str, Any]]) -> int:
        if not rows:
            return 0
        with self.engine.begin() as conn:
            ids = [r["conversion_record_id"] for r in rows]
            known = set(
                conn.scalars(
                    select(texts.c.conversion_record_id).where(
                        texts.c.conversion_record_id.in_(ids)
                    )
                )
            )
            fresh = [r for r in rows if r["conversion_record_id"] not in known]
            if fresh:
                conn.execute(insert(texts), fresh)
        return len(fresh)

    def texts_of(self, url: str) -> list[RowMapping]:
        """Newest extraction of each capture of URL, oldest capture first."""
        query = (
            select(texts)
            .where(texts.c.surt == surt_of(url), _newest_per_capture())
            .order_by(texts.c.warc_date, texts.c.id)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).mappings())

    def newest_for_captures(self, record_ids: Sequence[str]) -> dict[str, RowMapping]:
        """The newest extraction of each capture of RECORD_IDS that has one."""
        with self.engine.connect() as conn:
            rows = rows_matching(conn, texts, texts.c.capture_record_id, record_ids)
            return {row["capture_record_id"]: row for row in rows}

    def reusable(self, keys: Sequence[str]) -> dict[str, RowMapping]:
        """The newest successful extraction of each extraction key of KEYS that has one."""
        with self.engine.connect() as conn:
            rows = rows_matching(
                conn, texts, texts.c.extraction_key, keys, texts.c.error.is_(None)
            )
            return {row["extraction_key"]: row for row in rows}

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(texts))
            if self.engine.dialect.name == "sqlite":
                conn.execute(text("INSERT INTO texts_fts(texts_fts) VALUES ('rebuild')"))

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        if self.engine.dialect.name == "sqlite":
            return self._search_sqlite(fts5_query(query), limit)
        return self._search_postgres(query, limit)

    def _search_sqlite(self, match: str, limit: int) -> list[SearchHit]:
        sql = text(
            "SELECT texts.*, snippet(texts_fts, 1, :start, :end, ' … ', 16) AS snippet, "
            "bm25(texts_fts, 5.0, 1.0) AS score FROM texts_fts "
            "JOIN texts ON texts.id = texts_fts.rowid "
            "WHERE texts_fts MATCH :match AND texts.id IN "
            "(SELECT max(id) FROM texts GROUP BY capture_record_id) "
            "ORDER BY score, texts.warc_date DESC LIMIT :limit"
        )
        params = {"start": MARK_START, "end": MARK_END, "match": match, "limit": limit}
        with self.engine.connect() as conn:
            rows = conn.execute(sql, params).mappings().all()
        return [_hit(row, -float(row["score"])) for row in rows]

    def _search_postgres(self, query: str, limit: int) -> list[SearchHit]:
        if not query.strip():
            raise SearchQueryError("empty search query: give words or a \"quoted phrase\"")
        document = "to_tsvector('simple', coalesce(title, '') || ' ' || text)"
        sql = text(
            f"SELECT texts.*, ts_headline('simple', text, q, :options) AS snippet, "
            f"ts_rank({document}, q) AS score FROM texts, "
            "websearch_to_tsquery('simple', :query) AS q "
            f"WHERE {document} @@ q AND texts.id IN "
            "(SELECT max(id) FROM texts GROUP BY capture_record_id) "
            "ORDER BY score DESC, texts.warc_date DESC LIMIT :limit"
        )
        options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=10"
        with self.engine.connect() as conn:
            rows = conn.execute(sql, {"query": query, "options": options, "limit": limit})
            found = rows.mappings().all()
        return [_hit(row, float(row["score"])) for row in found]


def _hit(row: RowMapping, score: float) -> SearchHit:
    data = {k: v for k, v in row.items() if k not in ("snippet", "score")}
    return SearchHit(data, str(row["snippet"] or ""), score)
