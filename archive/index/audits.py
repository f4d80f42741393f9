"""Fixity audits in the index: when, over what, with what result (``prov verify``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, insert, select

from archive.index.schema import audits


def record_audit(engine: Engine, row: dict[str, Any]) -> int:
    with engine.begin() as conn:
        key = conn.execute(insert(audits).values(**row)).inserted_primary_key
    return int(key[0]) if key else 0


def recent_audits(engine: Engine, limit: int = 20) -> list[dict[str, Any]]:
    query = select(audits).order_by(audits.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
