"""Rows whose key is one of many values, asked a bounded number of values at a time.

SQLite limits the bound parameters of one statement (32,766 in recent versions, 999 in old
ones), so a lookup of thousands of record ids or keys is split into ``IN`` lists of CHUNK.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Column, Connection, Table, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql.expression import ColumnElement

__all__ = ["CHUNK", "rows_matching"]

CHUNK = 500


def rows_matching(
    conn: Connection,
    table: Table,
    column: Column[str],
    values: Iterable[str],
    *conditions: ColumnElement[bool],
) -> Iterator[RowMapping]:
    """The rows of TABLE whose COLUMN is one of VALUES (and meet CONDITIONS). The rows of one
    value come in the order they were added (by ``id``), so the last one is the newest."""
    wanted = list(dict.fromkeys(values))
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(table)
            .where(column.in_(wanted[start : start + CHUNK]), *conditions)
            .order_by(table.c.id)
        )
        yield from conn.execute(query).mappings()
