"""Tables of ``prov serve``: archive jobs asked for over HTTP, and API tokens (hashed)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from archive.index.schema import metadata

__all__ = ["api_tokens", "jobs"]

# One row per POST /api/archive: the state survives a restart of the server.
jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("mode", String(8), nullable=False),  # page | cited
    Column("status", String(16), nullable=False),  # pending | running | done | error
    Column("token", String(64)),  # name of the token that asked (never the token)
    Column("created", String(32), nullable=False),
    Column("started", String(32)),
    Column("finished", String(32)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("pid", Integer),
    Column("exit_code", Integer),
    Column("reused", Integer, nullable=False, default=0),  # answered from a recent capture
    Column("captures", Text),  # JSON list of capture objects
    Column("error", Text),
)
Index("ix_jobs_status_created", jobs.c.status, jobs.c.created)

# Bearer tokens of the API: only the SHA-256 of each token is kept.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # the first characters, to tell tokens apart
    Column("created", String(32), nullable=False),
    Column("revoked", String(32)),
    Column("scope", String(8)),  # read | write; null (a token made before scopes): write
)
