"""The address policy of citation crawls: links and redirects to non-public addresses are
refused before any socket opens, recorded with the reason; what the user names is fetched.

Only loopback is ever connected to. Private, link-local and public ranges come from a resolver
stub (tests/egress_stub.py), and every crawl runs with tests/egress_guard on PYTHONPATH: a
connect to anything but loopback is refused in the process itself and logged, and the tests
fail on any such line, so even a broken policy sends nothing off the machine.
"""

from __future__ import annotations

import ipaddress
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.egress import EgressRefused, check_host, literal_address, non_public_reason
from tests.conftest import REPO, ProvResult, prov_env, run_prov
from tests.egress_stub import HOSTS
from tests.servers import ForwardProxy, RawHTTPServer, build_response

HTML = [("Content-Type", "text/html; charset=utf-8")]
NOT_FOUND = build_response(404, [("Content-Type", "text/plain")], b"")
GUARD = REPO / "tests" / "egress_guard"
REPORT, OTHER, LEGACY, ADMIN = (f"/2026/11/19/{n}.html" for n in ("report", "other", "legacy", "a"))
NEWS = "www.egress-news.test"
SOURCE = "www.egress-source.test"
REFUSED = {  # stubbed name -> what the refusal names
    "intranet.egress.test": "10.20.30.40, not a public address (private)",
    "wiki.egress.test": "172.16.5.5, not a public address (private)",
    "nas.egress.test": "192.168.1.20, not a public address (private)",
    "metadata.egress.test": "169.254.169.254, not a public address (link-local)",
    "cgnat.egress.test": "100.64.7.7, not a public address (shared (carrier-grade NAT))",
    "ula.egress.test": "fd00::7, not a public address (private)",
    "mixed.egress.test": "192.168.1.21, not a public address (private)",
}


def _article(title: str, links: list[str]) -> bytes:
    paragraphs = "".join(
        f"<p>Officials described the {n}th finding of the review in detail on Tuesday, "
        f'<a href="{url}">according to the published report number {n}</a> on the matter.</p>'
        for n, url in enumerate(links, 1)
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="article:published_time" content="2026-11-20T09:00:00Z"></head>'
        f"<body><main><article><h1>{title}</h1><p>The review of the programme was published "
        "this week and drew on several documents, which are cited below.</p>"
        f"{paragraphs}</article></main></body></html>"
    ).encode()


def _source(title: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>The "
        "report describes the findings of the review in detail, one by one.</p></article>"
        "</body></html>"
    ).encode()


@pytest.fixture(scope="module")
def internal() -> Iterator[RawHTTPServer]:
    """A loopback-only service the crawled pages link to."""
    with RawHTTPServer() as srv:
        srv.route("/robots.txt", NOT_FOUND)
        for path in (REPORT, OTHER, LEGACY):
            srv.route(path, build_response(200, HTML, _source("Internal report")))
        yield srv


@pytest.fixture(scope="module")
def site(internal: RawHTTPServer) -> Iterator[RawHTTPServer]:
    """Articles on 127.0.0.1 (crawled by that address, so named by the user)."""
    loop = internal.url(REPORT)
    with RawHTTPServer() as srv:
        srv.route("/robots.txt", NOT_FOUND)
        private = [f"http://{host}{REPORT}" for host in REFUSED]
        private += [loop, f"http://localhost:{internal.port}{OTHER}"]
        private += [f"http://2130706433:{internal.port}{LEGACY}"]  # 127.0.0.1
        private += [f"http://unknown.egress.test{REPORT}"]  # the stub knows no address
        srv.route("/2026/11/20/private.html", build_response(200, HTML, _article("P", private)))
        srv.route("/2026/11/20/loopback.html", build_response(200, HTML, _article("L", [loop])))
        pinned = [f"http://pinned.egress.test:{internal.port}{OTHER}"]
        srv.route("/2026/11/20/pinned.html", build_response(200, HTML, _article("N", pinned)))
        moved = [("Location", "/2026/11/20/loopback.html"), ("Content-Length", "0")]
        srv.route("/start", build_response(302, moved, b""))
        yield srv


@pytest.fixture(scope="module")
def web(internal: RawHTTPServer) -> Iterator[tuple[ForwardProxy, RawHTTPServer]]:
    """Real-looking names behind a forward proxy on 127.0.0.1 (names are left to the proxy)."""
    with RawHTTPServer() as news, RawHTTPServer() as source:
        for srv in (news, source):
            srv.route("/robots.txt", NOT_FOUND)
        links = [
            internal.url(REPORT),
            f"http://localhost:{internal.port}{OTHER}",
            f"http://2130706433:{internal.port}{LEGACY}",
            f"http://10.20.30.40{REPORT}",
            f"http://[fe80::1]{REPORT}",
            f"http://{NEWS}/2026/11/18/moved.html",  # redirects to loopback
            f"http://{SOURCE}{REPORT}",  # a name: the proxy's to resolve
        ]
        news.route("/2026/11/20/a.html", build_response(200, HTML, _article("A", links)))
        loop = [internal.url(REPORT)]
        news.route("/2026/11/20/b.html", build_response(200, HTML, _article("B", loop)))
        away = [("Location", internal.url(ADMIN)), ("Content-Length", "0")]
        news.route("/2026/11/18/moved.html", build_response(302, away, b""))
        source.route(REPORT, build_response(200, HTML, _source("Source report")))
        hosts = {NEWS: (news.host, news.port), SOURCE: (source.host, source.port)}
        with ForwardProxy(hosts) as proxy:
            yield proxy, news


def _crawl(home: Path, *args: str, **env: str) -> tuple[ProvResult, dict[str, Any]]:
    """``prov crawl`` under the connect guard and the stub resolver; (result, its graph)."""
    home.parent.mkdir(parents=True, exist_ok=True)
    log = home.parent / "connects.log"
    environ = prov_env(home, **env)
    environ.update(
        SCRAPY_SETTINGS_MODULE="tests.settings_egress",
        PYTHONPATH=f"{GUARD}:{REPO}",
        PROV_TEST_CONNECT_LOG=str(log),
    )
    result = run_prov("crawl", "--json", *args, home=home, env=environ)
    assert not log.exists(), log.read_text()  # nothing but loopback was ever connected to
    assert result.returncode in (0, 1), result.stderr
    return result, result.json()


def _errors(graph: dict[str, Any]) -> dict[str, str | None]:
    return {c["url"]: c["error"] for s in graph["sources"] for c in s["captures"]}


def test_links_to_private_link_local_and_loopback_addresses_are_refused_and_recorded(
    tmp_path: Path, site: RawHTTPServer, internal: RawHTTPServer
) -> None:
    internal.clear_log()
    article = site.url("/2026/11/20/private.html")
    result, graph = _crawl(tmp_path / "prov-data", article)
    assert result.returncode == 1  # sources not captured are reported
    sources = {s["url"]: s for s in graph["sources"]}
    decisions = {d["url"]: d for d in graph["links"]}
    assert len(sources) == len(REFUSED) + 4 and all(d["followed"] for d in decisions.values())
    for host, why in REFUSED.items():
        source = sources[f"http://{host}{REPORT}"]
        assert source["status"] == "failed", source
        assert source["status_detail"] == (
            f"not fetched: {host} resolves to {why}; "
            "--allow-private or PROV_ALLOW_PRIVATE=1 fetches it"
        )
    loopback = {
        internal.url(REPORT): "127.0.0.1 is not a public address (loopback)",
        f"http://localhost:{internal.port}{OTHER}": "localhost is not a public address",
        f"http://2130706433:{internal.port}{LEGACY}": "2130706433 is not a public",
    }
    for url, why in loopback.items():
        assert sources[url]["status"] == "failed" and why in sources[url]["status_detail"]
    unknown = sources[f"http://unknown.egress.test{REPORT}"]
    assert unknown["status_detail"] == "DNS lookup failed: no address for unknown.egress.test"
    assert not internal.exchanges  # not even its robots.txt
    rows = _errors(graph)
    assert all(rows[url] for url in sources), rows  # one index row each, with the reason
    assert f"prov: source not captured: {internal.url(REPORT)}" in result.stderr


def test_a_redirect_to_loopback_is_refused_and_allow_private_follows_it(
    tmp_path: Path, site: RawHTTPServer, internal: RawHTTPServer
) -> None:
    start = site.url("/start")
    site.clear_log()
    internal.clear_log()
    refused, graph = _crawl(tmp_path / "refused" / "prov-data", start)
    assert refused.returncode == 1
    assert not site.exchanges_for("/2026/11/20/loopback.html")
    hops = {c["url"]: c for c in graph["article"]["captures"]}
    assert hops[start]["status"] == 302
    listed = run_prov("lookup", "--json", site.url("/2026/11/20/loopback.html"),
                      home=tmp_path / "refused" / "prov-data").json()  # fmt: skip
    assert len(listed) == 1 and listed[0]["status"] is None
    assert listed[0]["error"].startswith("not fetched: 127.0.0.1 is not a public address")
    assert "R" in listed[0]["hop_path"]
    allowed, graph = _crawl(tmp_path / "allowed" / "prov-data", start, "--allow-private")
    assert allowed.returncode == 0, allowed.stderr
    assert len(site.exchanges_for("/2026/11/20/loopback.html")) == 1
    assert [s["status"] for s in graph["sources"]] == ["captured"]
    assert internal.exchanges_for(REPORT)


def test_an_allowed_network_is_connected_to_at_the_address_that_was_checked(
    tmp_path: Path, site: RawHTTPServer, internal: RawHTTPServer
) -> None:
    """PROV_ALLOW_NETWORKS lets a range through; the connection goes to the address the
    policy checked (the guard would log a second lookup of the name), with the name as Host."""
    internal.clear_log()
    article = site.url("/2026/11/20/pinned.html")
    result, graph = _crawl(tmp_path / "prov-data", article, PROV_ALLOW_NETWORKS="127.0.0.0/8")
    assert result.returncode == 0, result.stderr
    assert [s["status"] for s in graph["sources"]] == ["captured"]
    [fetched] = internal.exchanges_for(OTHER)
    assert fetched.request.header("Host") == f"pinned.egress.test:{internal.port}"
    assert graph["sources"][0]["captures"][0]["ip"] == "127.0.0.1"
    home = tmp_path / "prov-data"
    bad = run_prov("crawl", article, home=home, env=prov_env(home, PROV_ALLOW_NETWORKS="10.0/x"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "'10.0/x'" in bad.stderr


def test_through_a_proxy_ip_literals_and_localhost_are_refused_and_names_go_to_the_proxy(
    tmp_path: Path, web: tuple[ForwardProxy, RawHTTPServer], internal: RawHTTPServer
) -> None:
    proxy, _news = web
    proxy.clear_log()
    internal.clear_log()
    _, graph = _crawl(tmp_path / "a" / "prov-data", "--proxy", proxy.url,
                      f"http://{NEWS}/2026/11/20/a.html")  # fmt: skip
    status = {s["url"]: (s["status"], s["status_detail"] or "") for s in graph["sources"]}
    assert status[f"http://{SOURCE}{REPORT}"] == ("captured", "")
    for url in (
        internal.url(REPORT),
        f"http://localhost:{internal.port}{OTHER}",
        f"http://2130706433:{internal.port}{LEGACY}",
        f"http://10.20.30.40{REPORT}",
        f"http://[fe80::1]{REPORT}",
    ):
        assert status[url][0] == "failed" and "not a public address" in status[url][1], url
    moved = status[f"http://{NEWS}/2026/11/18/moved.html"]
    assert moved == ("redirected", f"to {internal.url(ADMIN)}")
    hop = run_prov("lookup", "--json", internal.url(ADMIN), home=tmp_path / "a" / "prov-data")
    assert [(c["status"], c["hop_path"]) for c in hop.json()] == [(None, "LR")]
    assert hop.json()[0]["error"].startswith("not fetched: 127.0.0.1 is not a public address")
    assert not internal.exchanges
    assert all(NEWS in t or SOURCE in t for t in proxy.requests), proxy.requests
    _, graph = _crawl(tmp_path / "b" / "prov-data", "--proxy", proxy.url,
                      f"http://{NEWS}/2026/11/20/b.html", PROV_ALLOW_PRIVATE="1")  # fmt: skip
    assert [s["status"] for s in graph["sources"]] == ["captured"]  # the setting turns it off
    assert internal.exchanges_for(REPORT)


def test_the_policy_judges_every_address_before_a_connection() -> None:
    def reason(text: str) -> str | None:
        return non_public_reason(ipaddress.ip_address(text))

    public = ("93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8")
    assert [reason(a) for a in public] == [None] * len(public)
    expected = {
        "127.0.0.1": "loopback", "127.8.9.1": "loopback", "::1": "loopback",
        "10.0.0.1": "private", "172.16.0.1": "private", "172.31.255.255": "private",
        "192.168.0.1": "private", "fc00::1": "private", "fdff::1": "private",
        "169.254.169.254": "link-local", "fe80::1": "link-local",
        "100.64.0.1": "shared (carrier-grade NAT)", "100.127.255.254": "shared (carrier-grade NAT)",
        "224.0.0.251": "multicast", "ff02::1": "multicast",
        "0.0.0.0": "unspecified", "::": "unspecified",
        "240.0.0.1": "reserved", "255.255.255.255": "reserved", "192.0.2.7": "reserved",
        "198.18.0.1": "reserved", "2001:db8::1": "reserved",
        "::ffff:10.0.0.1": "private", "64:ff9b::7f00:1": "loopback",
        "2002:a9fe:a9fe::": "link-local",
    }  # fmt: skip
    assert {a: reason(a) for a in expected} == expected
    for form in ("127.1", "0x7f000001", "2130706433", "017700000001", "[::1]"):
        address = literal_address(form)
        assert address is not None and address.is_loopback, form
    asked: list[str] = []

    def stub(host: str, port: int) -> list[str]:
        asked.append(host)
        return list(HOSTS[host])

    assert [str(a) for a in check_host("public.egress.test", 80, stub)] == HOSTS[
        "public.egress.test"
    ]
    for host in ("mixed.egress.test", "ula.egress.test", "localhost", "a.localhost", "127.1"):
        with pytest.raises(EgressRefused):
            check_host(host, 80, stub)
    assert asked == ["public.egress.test", "mixed.egress.test", "ula.egress.test"]
    assert check_host("www.example.org", 80, None) == []  # through a proxy: the proxy resolves


def test_the_connect_guard_refuses_what_is_not_loopback(tmp_path: Path) -> None:
    """The guard the crawl tests rely on: it stops a connect (or a DNS lookup) before the
    kernel sees it, and logs it."""
    log = tmp_path / "connects.log"
    code = (
        "import socket\n"
        "for address in [('10.20.30.40', 80), ('93.184.216.34', 80)]:\n"
        "    try:\n"
        "        socket.create_connection(address, timeout=0.01)\n"
        "    except PermissionError as exc:\n"
        "        print('refused', exc)\n"
        "try:\n"
        "    socket.getaddrinfo('intranet.egress.test', 80)\n"
        "except socket.gaierror as exc:\n"
        "    print('refused', exc)\n"
    )
    env = prov_env(tmp_path / "h", PROV_TEST_CONNECT_LOG=str(log))
    env["PYTHONPATH"] = f"{GUARD}:{REPO}"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=30, check=False)  # fmt: skip
    assert done.stdout.count("test guard: no connection to") == 2, done.stdout + done.stderr
    assert "no lookup of 'intranet.egress.test'" in done.stdout
    logged = log.read_text()
    assert all(s in logged for s in ("10.20.30.40", "93.184.216.34", "intranet.egress.test"))
