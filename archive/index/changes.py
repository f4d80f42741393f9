"""The ``changes`` table: one row per check of a watched URL (``prov changes``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, inspect, select, text

from archive.index.schema import captures, changes, texts

__all__ = ["ChangeIndex", "TextOf", "change_json"]

# Extraction errors that mean "the page has no main text" (a soft-404 sign), as opposed to
# errors that say nothing about the page (an unreadable record, an unsupported type).
NO_MAIN_TEXT = ("empty payload", "trafilatura found no main text")


@dataclass(frozen=True)
class TextOf:
    """The newest extraction of one capture: its main text (None if it says nothing)."""

    text: str | None
    title: str | None
    digest: str | None


def change_json(row: dict[str, Any]) -> dict[str, Any]:
    """A change row as ``prov changes --json`` and the webhook show it."""
    data = {k: v for k, v in row.items() if k not in ("watch_id", "diff")}
    data["timestamp"] = "".join(ch for ch in str(row["time"]) if ch.isdigit())[:14]
    data["diff"] = json.loads(row["diff"]) if row.get("diff") else None
    return data


class ChangeIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, row: dict[str, Any]) -> dict[str, Any]:
        """Insert ROW (``diff`` as a list or None); returns it as stored, with its id."""
        values = dict(row)
        if values.get("diff") is not None:
            values["diff"] = json.dumps(values["diff"], ensure_ascii=False)
        with self.engine.begin() as conn:
            key = conn.execute(insert(changes).values(**values)).inserted_primary_key
        assert key is not None
        return {"id": int(key[0]), **values}

    def last_check(self, watch_id: int, url: str, *, ok_only: bool = False) -> dict[str, Any]:
        """The newest check of URL for the watch that decided a state (empty dict if none);
        with OK_ONLY, the newest one that found the page there."""
        query = select(changes).where(
            changes.c.watch_id == watch_id,
            changes.c.url == url,
            changes.c.state.is_not(None),
        )
        if ok_only:
            query = query.where(changes.c.state == "ok")
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(changes.c.id.desc()).limit(1)).first()
        return dict(row._mapping) if row is not None else {}

    def listing(
        self,
        *,
        since: str | None = None,
        watch: str | None = None,
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Checks, oldest first; SINCE is a WARC-Date-form lower bound."""
        query = select(changes)
        if since is not None:
            query = query.where(changes.c.time >= since)
        if watch is not None:
            query = query.where(changes.c.watch == watch)
        if kinds:
            query = query.where(changes.c.kind.in_(list(kinds)))
        query = query.order_by(changes.c.id)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        return rows[-limit:] if limit else rows

    def text_of(self, capture_record_id: str | None) -> TextOf | None:
        """Newest extraction of the capture, or None when it was never extracted."""
        if capture_record_id is None:
            return None
        query = (
            select(texts.c.text, texts.c.title, texts.c.error, texts.c.text_digest)
            .where(texts.c.capture_record_id == capture_record_id)
            .order_by(texts.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        if row.error and row.error not in NO_MAIN_TEXT:
            return TextOf(None, row.title, None)
        return TextOf(row.text or "", row.title, row.text_digest)

    def payload_digest_of(self, record_id: str | None) -> str | None:
        if record_id is None:
            return None
        query = select(captures.c.payload_digest).where(captures.c.record_id == record_id)
        with self.engine.connect() as conn:
            digest = conn.scalar(query)
        return str(digest) if digest else None

    def cited_urls(self, crawl_id: str) -> list[str]:
        """Sources a citation crawl found (its ``citation_edges``), in the order found."""
        if not inspect(self.engine).has_table("citation_edges"):
            return []
        query = text("SELECT cited_url FROM citation_edges WHERE crawl_id = :crawl ORDER BY id")
        with self.engine.connect() as conn:
            found = [str(url) for url in conn.scalars(query, {"crawl": crawl_id})]
        return list(dict.fromkeys(found))
