"""Trusted time in the index: every token asked for (or why it failed), and record proofs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, insert, select

from archive.index.chunked import rows_matching
from archive.index.stamp_tables import record_proofs, timestamp_tokens

__all__ = ["StampIndex"]


class StampIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_tokens(self, rows: Sequence[dict[str, Any]]) -> None:
        """Rows of ``timestamp_tokens`` (kind, digest, tsa, requested; token or error)."""
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(timestamp_tokens), list(rows))

    def tokens_for(self, digests: Iterable[str]) -> list[dict[str, Any]]:
        """Granted tokens over DIGESTS, oldest first."""
        wanted = list(dict.fromkeys(digests))
        if not wanted:
            return []
        query = (
            select(timestamp_tokens)
            .where(timestamp_tokens.c.digest.in_(wanted), timestamp_tokens.c.token.is_not(None))
            .order_by(timestamp_tokens.c.id)
        )
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def tokens_of_crawl(self, crawl_id: str) -> list[dict[str, Any]]:
        """Every batch token row of CRAWL_ID, failed ones included."""
        query = (
            select(timestamp_tokens)
            .where(timestamp_tokens.c.crawl_id == crawl_id, timestamp_tokens.c.kind == "batch")
            .order_by(timestamp_tokens.c.id)
        )
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def add_proofs(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            stored = [{**row, "path": json.dumps(row["path"])} for row in rows]
            with self.engine.begin() as conn:
                conn.execute(insert(record_proofs), stored)

    def proofs_for(self, record_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """The proofs of each record of RECORD_IDS (a record may be in several batches)."""
        found: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for row in rows_matching(conn, record_proofs, record_proofs.c.record_id, record_ids):
                item = {**row, "path": json.loads(row["path"])}
                found.setdefault(row["record_id"], []).append(item)
        return found
