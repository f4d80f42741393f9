"""The ``warc_files`` table as the uploader and the fixity audit see it.

States: ``closed`` (written by a crawl), ``recovered`` (repaired after a crash),
``reindexed``, then for S3 stores ``uploaded`` once the object is verified in the bucket,
or ``conflict`` when the key already held other bytes (the spool copy is kept).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, insert, select, update

from archive.index.schema import warc_files

__all__ = ["CONFLICT", "UPLOADED", "file_rows", "file_states", "set_state"]

UPLOADED = "uploaded"
CONFLICT = "conflict"


def file_states(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {row.name: row.state for row in conn.execute(select(warc_files))}


def file_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(warc_files))]


def set_state(
    engine: Engine, name: str, state: str, *, uri: str, size: int, closed: str
) -> None:
    """Set the state of NAME, adding its row if no crawl recorded it."""
    with engine.begin() as conn:
        done = conn.execute(
            update(warc_files).where(warc_files.c.name == name).values(state=state, uri=uri)
        )
        if not done.rowcount:
            conn.execute(
                insert(warc_files).values(
                    name=name, uri=uri, crawl_id=None, size=size, closed=closed, state=state
                )
            )
