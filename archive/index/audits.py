"""Fixity audits in the index: when, over what, with what result (``prov verify``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, insert

from archive.index.schema import audits

__all__ = ["record_audit"]


def record_audit(engine: Engine, row: dict[str, Any]) -> int:
    with engine.begin() as conn:
        key = conn.execute(insert(audits).values(**row)).inserted_primary_key
    return int(key[0]) if key else 0
