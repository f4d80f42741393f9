"""No credential from a proxy URL, ``http_proxy``, the AWS variables or a webhook URL is
written anywhere: not in WARCs (raw or gunzipped), CDXJ, the index, the spool, S3 objects or
any output of archive, crawl, upload and watch runs, in plain, base64 or URL-encoded form."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from archive.citations.registry import load_registry
from tests.conftest import ProvResult, register_home, run_prov
from tests.conftest_s3 import S3Server
from tests.conftest_servers import NEWS_HOST
from tests.s3_check import download_warcs, local_bytes, object_bytes, s3_home_env, split
from tests.servers import (
    ForwardProxy,
    RawHTTPServer,
    Request,
    ResponseWriter,
    TLSFiles,
    build_response,
)
from tests.servers.newsweb import ARTICLE_URL, news_web
from tests.wire_check import read_records

PROXY_USER, PROXY_PASSWORD = "optuser", "Opt-Pw-7Hq2Lx"
ENV_USER, ENV_PASSWORD = "envuser", "Env-Pw-3Kd9Vb"
CRAWL_USER, CRAWL_PASSWORD = "crawluser", "Crawl-Pw-5Tz1Nm"
HOOK_USER, HOOK_PASSWORD = "hookuser", "Hook-Pw-8Rw4Jc"
HTML = [("Content-Type", "text/html; charset=utf-8")]


def with_userinfo(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=f"{user}:{quote(password)}@{parts.netloc}").geturl()


def forms(user: str, password: str) -> list[bytes]:
    """Every spelling of a credential that must not appear."""
    pair = f"{user}:{password}"
    return [
        password.encode(),
        quote(password, safe="").encode(),
        base64.b64encode(pair.encode()),
        base64.b64encode(password.encode()),
    ]


@dataclass
class Watched:
    server: RawHTTPServer
    phase: int = 0
    authorizations: list[str | None] = field(default_factory=list)

    def page(self, _r: Request, w: ResponseWriter) -> None:
        words = ["The council approved the budget."] * 40 if self.phase == 0 else ["Gone."]
        body = "<html><body><main><article><h1>Budget</h1><p>" + " ".join(words)
        w.send(build_response(200, HTML, (body + "</p></article></main></body></html>").encode()))

    def hook(self, r: Request, w: ResponseWriter) -> None:
        self.authorizations.append(r.header("Authorization"))
        w.send(build_response(204, [], content_length=False))


@dataclass
class LeakRun:
    home: Path
    store: str
    results: dict[str, ProvResult]
    watched: Watched
    origin_requests: list[bytes]


@pytest.fixture(scope="module")
def leak_run(
    s3_server: S3Server,
    s3_bucket: str,
    forward_proxy: ForwardProxy,
    raw_server: RawHTTPServer,
    tls_files: TLSFiles,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LeakRun]:
    home = tmp_path_factory.mktemp("leak") / "prov-data"
    with RawHTTPServer() as hooks:
        watched = Watched(hooks)
        hooks.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        hooks.route("/budget", watched.page)
        hooks.route("/hook", watched.hook)
        hook_url = with_userinfo(hooks.url("/hook"), HOOK_USER, HOOK_PASSWORD)
        env = s3_home_env(home, s3_server, s3_bucket, PROV_WEBHOOK_URL=hook_url)
        env["PROV_WEBHOOK_RETRY"] = "0"
        results: dict[str, ProvResult] = {}

        def prov(name: str, *args: str, **extra: str) -> ProvResult:
            results[name] = run_prov(*args, home=home, env={**env, **extra})
            return results[name]

        option_proxy = with_userinfo(forward_proxy.url, PROXY_USER, PROXY_PASSWORD)
        urls = (f"http://{NEWS_HOST}/plain", f"https://{NEWS_HOST}/dup-headers")
        archived = prov("archive", "archive", "--json", "--proxy", option_proxy, *urls)
        assert archived.returncode == 0, archived.stderr
        origin_requests = list(raw_server.received_for("/plain"))
        env_proxy = with_userinfo(forward_proxy.url, ENV_USER, ENV_PASSWORD)
        by_env = prov(
            "env-proxy", "archive", "--json", f"http://{NEWS_HOST}/gzip",
            http_proxy=env_proxy, https_proxy=env_proxy,
        )  # fmt: skip
        assert by_env.returncode == 0, by_env.stderr
        isw = load_registry().get("isw")
        assert isw is not None
        with news_web(tls_files, [isw.feeds[0].url]) as web:
            crawl_proxy = with_userinfo(web.proxy.url, CRAWL_USER, CRAWL_PASSWORD)
            crawled = prov("crawl", "crawl", "--json", "--proxy", crawl_proxy, ARTICLE_URL)
            assert crawled.returncode == 1, crawled.stderr  # its dead link is reported
        uploaded = prov("upload", "upload", "--json")
        assert uploaded.returncode == 0, uploaded.stderr
        added = prov(
            "schedule-add", "schedule", "add", "--every", "3600", "--url",
            hooks.url("/budget"), "--name", "budget", "--json",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        for phase in range(2):
            watched.phase = phase
            ran = prov(f"watch-{phase}", "schedule", "run", "--all", "--json")
            assert ran.returncode in (0, 1), ran.stderr
            time.sleep(1.1)  # a second capture in a new second, for pywb's index key
        assert download_warcs(s3_server, env["PROV_STORE"], home / "warcs")
        register_home(home)
        yield LeakRun(home, env["PROV_STORE"], results, watched, origin_requests)


SECRETS = [
    ("--proxy", forms(PROXY_USER, PROXY_PASSWORD)),
    ("http_proxy", forms(ENV_USER, ENV_PASSWORD)),
    ("crawl --proxy", forms(CRAWL_USER, CRAWL_PASSWORD)),
    ("webhook", forms(HOOK_USER, HOOK_PASSWORD)),
]


def test_no_credential_in_any_file_object_or_output(
    leak_run: LeakRun, s3_server: S3Server, s3_bucket: str
) -> None:
    bucket, prefix = split(leak_run.store + "/")
    places = local_bytes(leak_run.home) + object_bytes(s3_server, bucket, prefix)
    places += [(f"{n} output", (r.stdout + r.stderr).encode()) for n, r in leak_run.results.items()]
    aws = [s3_server.secret_key.encode(), s3_server.access_key.encode()]
    assert len(places) > 20
    for where, data in places:
        for source, spellings in [*SECRETS, ("AWS", aws)]:
            for secret in spellings:
                assert secret not in data, f"{source} credential {secret!r} in {where}"


def test_request_records_hold_what_reached_the_origin(leak_run: LeakRun) -> None:
    records = read_records(sorted((leak_run.home / "warcs").glob("*.warc.gz")))
    requests = [r for r in records if r.warc_type == "request"]
    assert requests and not any(b"Proxy-Authorization" in r.block for r in requests)
    plain = next(r for r in requests if r.url == f"http://{NEWS_HOST}/plain")
    assert plain.block in leak_run.origin_requests, "the forward proxy relayed other bytes"
    assert plain.block.startswith(b"GET /plain HTTP/1.1\r\n")
    response = next(r for r in records if r.warc_type == "response" and r.url == plain.url)
    metadata = next(
        r
        for r in records
        if r.warc_type == "metadata"
        and r.headers.get("WARC-Concurrent-To") == response.headers["WARC-Record-ID"]
    )
    assert b"\nproxy: http://127.0.0.1:" in b"\n" + metadata.block


def test_webhook_credentials_are_sent_as_a_header(leak_run: LeakRun) -> None:
    expected = "Basic " + base64.b64encode(f"{HOOK_USER}:{HOOK_PASSWORD}".encode()).decode()
    assert leak_run.watched.authorizations, leak_run.results["watch-1"].stderr
    assert set(leak_run.watched.authorizations) == {expected}
