"""Security of a running ``prov serve``: writes need a valid bearer token, captures of
non-public addresses are refused with no connection made, rates are limited, and no token is
ever written to a log or an answer.

No test sends a packet off the machine: loopback targets are refused before any socket opens
(a listener on 127.0.0.1 counts connections and must see none), other ranges come from the
stub resolver (tests/egress_stub.py) or as literals, and the server and its crawls run under
the connect guard (tests/egress_guard), whose log must stay empty.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from archive.index.tokens import token_digest
from tests.conftest import run_prov
from tests.conftest_serve import Served
from tests.egress_stub import HOSTS
from tests.serve_harness import guarded_env
from tests.test_serve_api import wait_for_job


def test_writes_without_a_valid_token_are_401(served: Served) -> None:
    revoked = run_prov("token", "create", "leaver", "--json", home=served.home,
                       env=served.server.env).json()["token"]  # fmt: skip
    assert run_prov("token", "revoke", "leaver", home=served.home,
                    env=served.server.env).returncode == 0  # fmt: skip
    body = {"url": served.web.url("/job.html")}
    attempts = [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer prov_not-a-token-at-all-xxxxxxxxxxxx"},
        {"Authorization": f"Bearer {revoked}"},
        {"Cookie": f"prov_token={served.db_token}"},  # a page's cookie never writes
    ]
    with httpx.Client(base_url=served.server.url) as client:
        for headers in attempts:
            answer = client.post("/api/archive", json=body, headers=headers)
            assert answer.status_code == 401, (headers, answer.text)
            assert answer.headers["www-authenticate"].startswith("Bearer")
            assert answer.json()["error"]["status"] == 401
        removal = client.delete("/api/watches/story")
        assert removal.status_code == 401
        assert client.get("/api/captures", params=body).status_code == 200  # reading is open


def test_a_read_only_token_reads_and_may_not_write(served: Served) -> None:
    made = run_prov("token", "create", "reader", "--read-only", "--json", home=served.home,
                    env=served.server.env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert made.json()["scope"] == "read"
    listed = run_prov("token", "list", "--json", home=served.home, env=served.server.env).json()
    assert {t["name"]: t["scope"] for t in listed}["reader"] == "read"
    assert {t["name"]: t["scope"] for t in listed}["researcher"] == "write"
    url = served.web.url("/job.html")
    before = len(served.web.exchanges_for("/job.html"))
    with served.server.client(made.json()["token"]) as client:
        assert client.get("/api/captures", params={"url": url}).status_code == 200
        answer = client.post("/api/archive", json={"url": url})
        assert answer.status_code == 403, answer.text
        assert "may only read" in answer.json()["error"]["message"]
        assert 'error="insufficient_scope"' in answer.headers["www-authenticate"]
        assert client.delete("/api/watches/story").status_code == 403
    assert len(served.web.exchanges_for("/job.html")) == before  # nothing fetched


def _refused_without_connecting(served: Served, urls: list[str], reason: str) -> None:
    before = served.forbidden.connection_count
    with served.server.client(served.env_token) as client:
        for url in urls:
            answer = client.post("/api/archive", json={"url": url})
            assert answer.status_code == 403, (url, answer.text)
            message = answer.json()["error"]["message"]
            assert message.startswith("not fetched: ") and reason in message, (url, message)
    assert served.forbidden.connection_count == before
    assert not served.connect_log.exists()


def test_loopback_in_every_spelling_is_refused_and_never_connected(served: Served) -> None:
    port = served.forbidden.port
    spellings = [
        "127.0.0.1", "localhost", "LOCALHOST.", "admin.localhost", "127.1", "127.0.1",
        "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "017700000001",
        "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::1]", "pinned.egress.test",
    ]
    urls = [f"http://{host}:{port}/admin" for host in spellings]
    urls.append(f"https://127.0.0.1:{port}/admin")
    _refused_without_connecting(served, urls, "not a public address")


def test_private_link_local_metadata_and_cgnat_ranges_are_refused_before_any_socket(
    served: Served,
) -> None:
    literals = [
        "10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "[fd00::1]", "[fc00::1]", "[fe80::1]", "[::ffff:10.0.0.1]",
        "[::ffff:169.254.169.254]", "[64:ff9b::a9fe:a9fe]", "2852039166",  # 169.254.169.254
    ]
    _refused_without_connecting(served, [f"http://{h}/latest" for h in literals],
                                "not a public address")  # fmt: skip
    names = [name for name, answer in HOSTS.items()
             if name not in ("public.egress.test", "pinned.egress.test")]  # fmt: skip
    _refused_without_connecting(served, [f"http://{n}/admin" for n in names], "resolves to")
    with served.server.client(served.env_token) as client:
        unknown = client.post("/api/archive", json={"url": "http://nowhere.egress.test/"})
    assert unknown.status_code == 400 and "no address" in unknown.json()["error"]["message"]


def test_a_redirect_to_loopback_is_refused_at_the_connection(served: Served) -> None:
    """The URL is on the allowed host; its redirect points at the forbidden listener. The
    crawl refuses the hop where it would connect, and records why."""
    before = served.forbidden.connection_count
    with served.server.client(served.env_token) as client:
        answer = client.post("/api/archive", json={"url": served.web.url("/moved")})
        assert answer.status_code == 202, answer.text
        job = wait_for_job(client, answer.json()["job_id"])
    assert job["status"] == "error"
    hops = {c["url"]: c for c in job["captures"]}
    assert hops[served.web.url("/moved")]["status"] == 302
    refused = hops[served.forbidden.url("/admin")]
    assert refused["status"] is None
    assert refused["error"].startswith("not fetched: 127.0.0.1 is not a public address")
    assert served.forbidden.connection_count == before
    assert not served.connect_log.exists()


def test_each_token_has_a_rate_limit(served: Served) -> None:
    token = run_prov("token", "create", "burst", "--json", home=served.home,
                     env=served.server.env).json()["token"]  # fmt: skip
    with served.server.client(token) as client:
        statuses = [client.post("/api/archive", json={}).status_code for _ in range(45)]
        limited = client.post("/api/archive", json={})
    assert statuses[:40] == [422] * 40 and 429 in statuses[40:]
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    with served.server.client(served.db_token) as other:  # another token is not slowed down
        assert other.post("/api/archive", json={}).status_code == 422


def test_binding_another_address_needs_a_token(tmp_path: Path) -> None:
    home = tmp_path / "prov-data"
    env = guarded_env(home, tmp_path / "connects.log")
    refused = run_prov("serve", "--host", "0.0.0.0", "--port", "0", home=home, env=env)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "PROV_API_TOKENS" in refused.stderr


def test_no_token_is_written_to_a_log_an_answer_or_the_index(served: Served) -> None:
    """Last in this file: the server's log by now holds every request of the session."""
    tokens = [served.env_token, served.db_token]
    with served.server.client(served.db_token) as client:
        assert client.get("/api/captures", params={"url": served.web.url("/")}).status_code == 200
        listed = run_prov("token", "list", "--json", home=served.home, env=served.server.env)
    logs = [served.server.log, served.home / "serve" / "pywb" / "pywb.log"]
    texts = [path.read_text(errors="replace") for path in logs] + [listed.stdout, listed.stderr]
    assert "GET /api/captures" in texts[0]  # the access log is there
    for token in tokens:
        assert all(token not in text for text in texts)
        with sqlite3.connect(served.home / "index.sqlite") as db:
            rows = db.execute("SELECT * FROM api_tokens").fetchall() + db.execute(
                "SELECT id, token, url, mode, status, error FROM jobs"
            ).fetchall()
        assert token not in repr(rows)
    assert token_digest(served.db_token) in repr(rows)  # what is kept is the digest
    assert {t["name"] for t in listed.json()} >= {"researcher", "leaver", "burst"}
