"""Session-scoped pytest fixtures for the real local test servers.

Load them with `pytest_plugins = ["tests.conftest_servers"]` (or import the fixtures by name).
Every server is stopped, and its threads joined, when the session ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import (
    NEWS_HOST,
    SOURCE_HOST,
    TEST_HOSTNAMES,
    ForwardProxy,
    RawHTTPServer,
    TLSFiles,
    install_corpus_routes,
    install_standard_routes,
    make_self_signed,
)
from tests.servers.tsa import TimestampAuthority

__all__ = [
    "NEWS_HOST",
    "SOURCE_HOST",
    "TEST_HOSTNAMES",
    "corpus_server",
    "forward_proxy",
    "other_tsa",
    "raw_server",
    "tls_files",
    "tls_server",
    "tsa",
]


@pytest.fixture(scope="session")
def raw_server() -> Iterator[RawHTTPServer]:
    """http://127.0.0.1:PORT with the standard scripted routes."""
    with RawHTTPServer() as server:
        install_standard_routes(server)
        yield server


@pytest.fixture(scope="session")
def corpus_server() -> Iterator[RawHTTPServer]:
    """The 63 corpus pages at /corpus/NNN.html (index /corpus/), plus the standard routes."""
    with RawHTTPServer() as server:
        install_standard_routes(server)
        install_corpus_routes(server)
        yield server


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    """Self-signed cert/key for localhost, 127.0.0.1 and TEST_HOSTNAMES."""
    return make_self_signed(tmp_path_factory.mktemp("tls"), TEST_HOSTNAMES)


@pytest.fixture(scope="session")
def tls_server(tls_files: TLSFiles) -> Iterator[RawHTTPServer]:
    """https://127.0.0.1:PORT with the standard scripted routes."""
    with RawHTTPServer(tls=tls_files) as server:
        install_standard_routes(server)
        yield server


@pytest.fixture(scope="session")
def forward_proxy(raw_server: RawHTTPServer, tls_server: RawHTTPServer) -> Iterator[ForwardProxy]:
    """Forward proxy mapping TEST_HOSTNAMES to raw_server, and HOST:443 to tls_server."""
    host_map: dict[str, tuple[str, int]] = {}
    for name in TEST_HOSTNAMES:
        host_map[name] = (raw_server.host, raw_server.port)
        host_map[f"{name}:443"] = (tls_server.host, tls_server.port)
    with ForwardProxy(host_map) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TimestampAuthority]:
    """A real RFC 3161 TSA (openssl ts -reply) on 127.0.0.1 with its own throwaway CA."""
    with TimestampAuthority(tmp_path_factory.mktemp("tsa")) as authority:
        yield authority


@pytest.fixture(scope="session")
def other_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TimestampAuthority]:
    """A second TSA with another key and another CA (tokens nobody was told to trust)."""
    with TimestampAuthority(tmp_path_factory.mktemp("tsa2"), "other TSA") as authority:
        yield authority
