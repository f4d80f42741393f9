"""Engines for the index: SQLite in ``PROV_HOME`` by default, PostgreSQL through psycopg 3."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from archive.errors import ProvError
from archive.index import (  # noqa: F401  (their tables join the metadata)
    citation_tables,
    serve_tables,
    stamp_tables,
)
from archive.index.schema import metadata

__all__ = ["DatabaseURLError", "open_engine"]


class DatabaseURLError(ProvError, ValueError):
    pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the crawl's writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")  # several prov processes share one file
    cursor.close()


def open_engine(url: str) -> Engine:
    """Create the engine and the tables if missing. Raises DatabaseURLError with a fix."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        if url.startswith("sqlite"):
            # pool_size: prov serve's worker threads each keep a connection, rather than open
            # one (and run the pragmas) per request past the default five
            engine = create_engine(url, connect_args={"timeout": 30}, pool_size=40)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseURLError(
            f"PROV_DATABASE_URL {url.split('@')[-1]!r} is not usable ({exc}); "
            "use sqlite:////path/index.sqlite or postgresql://user@host/db"
        ) from None
    _create_schema(engine)
    return engine


def _create_schema(engine: Engine, attempts: int = 3) -> None:
    """Tables and search index, if missing. Two processes starting at once may both find a
    table missing; the loser's CREATE fails, and on a second look the table is there."""
    for attempt in range(attempts):
        try:
            metadata.create_all(engine)
            _add_missing_columns(engine)
            _create_late_indexes(engine)
            _create_search_index(engine)
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _add_missing_columns(engine: Engine) -> None:
    """Nullable columns (and indexes) a newer prov added to an existing table (an index made
    by an older version keeps working, its old rows with nulls there)."""
    existing = inspect(engine)
    for table in metadata.sorted_tables:
        if not existing.has_table(table.name):
            continue
        present = {column["name"] for column in existing.get_columns(table.name)}
        for column in table.columns:
            if column.name in present or not column.nullable:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            with engine.begin() as conn:
                conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))
        for index in table.indexes:  # those of the added columns
            index.create(engine, checkfirst=True)


def _create_late_indexes(engine: Engine) -> None:
    """Indexes on columns added after the table (create_all makes them only for new tables)."""
    with engine.begin() as conn:
        conn.execute(
            text("CREATE INDEX IF NOT EXISTS ix_captures_request ON captures (request_id)")
        )


_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS texts_fts USING fts5(title, text, content='texts', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS texts_fts_insert AFTER INSERT ON texts BEGIN "
    "INSERT INTO texts_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS texts_fts_delete AFTER DELETE ON texts BEGIN "
    "INSERT INTO texts_fts(texts_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
]
_POSTGRES_FTS = [
    "CREATE INDEX IF NOT EXISTS ix_texts_fts ON texts USING gin "
    "(to_tsvector('simple', coalesce(title, '') || ' ' || text))",
]


def _create_search_index(engine: Engine) -> None:
    """Full-text search: SQLite FTS5 (external content table) or a PostgreSQL GIN index."""
    statements = _SQLITE_FTS if engine.dialect.name == "sqlite" else _POSTGRES_FTS
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
