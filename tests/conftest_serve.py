"""The session's ``prov serve``: a real server on port 0 over a real index of captures prov
made from tests/servers/serveweb.py (a page edited between two captures, a citation crawl),
with pywb replay, two tokens (one from PROV_API_TOKENS, one from ``prov token create``), and
a listener on 127.0.0.1 that no capture may ever reach."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_prov
from tests.serve_harness import ServeProcess, guarded_env
from tests.servers import RawHTTPServer
from tests.servers.serveweb import ALLOWED_HOST, install_serve_routes, story

__all__ = ["Served", "served"]


@dataclass
class Served:
    server: ServeProcess
    web: RawHTTPServer
    forbidden: RawHTTPServer
    env_token: str
    db_token: str
    connect_log: Path

    @property
    def home(self) -> Path:
        return self.server.home


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("serve")
    home, connect_log = root / "prov-data", root / "connects.log"
    env_token = "envtok_" + secrets.token_urlsafe(24)
    env = guarded_env(home, connect_log, PROV_API_TOKENS=env_token, PROV_SERVE_WRITE_RATE="40")
    with RawHTTPServer(host=ALLOWED_HOST) as web, RawHTTPServer() as forbidden:
        install_serve_routes(web, forbidden.url("/admin"))
        first = run_prov("archive", "--json", web.url("/story.html"), web.url("/gzipped.html"),
                         home=home, env=env)
        assert first.returncode == 0, first.stderr
        web.route("/story.html", story(edited=True))
        crawl = run_prov("crawl", "--json", web.url("/article.html"), home=home, env=env)
        assert crawl.returncode == 0, crawl.stderr
        second = run_prov("archive", "--json", web.url("/story.html"), home=home, env=env)
        assert second.returncode == 0, second.stderr
        watch = run_prov("schedule", "add", "--every", "3600", "--url", web.url("/story.html"),
                         "--name", "story", home=home, env=env)
        assert watch.returncode == 0, watch.stderr
        check = run_prov("schedule", "run", "story", home=home, env=env)
        assert check.returncode == 0, check.stderr
        made = run_prov("token", "create", "researcher", "--json", home=home, env=env)
        assert made.returncode == 0, made.stderr
        db_token = made.json()["token"]
        server = ServeProcess(home, env, root / "serve.log")
        with server:
            yield Served(server, web, forbidden, env_token, db_token, connect_log)
    assert not connect_log.exists(), connect_log.read_text()  # only loopback was reached
