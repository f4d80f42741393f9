"""Citation crawls over a multi-host fixture web reached through an HTTP proxy."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.citations.registry import load_registry
from tests.conftest import prov_env, run_prov
from tests.servers import TLSFiles, build_response
from tests.servers.corpus import default_corpus_dir
from tests.servers.newsweb import (
    ARTICLE_URL,
    BOILERPLATE,
    DEAD_URL,
    ISW_REPORT_PATH,
    NEWS,
    QUANTA_URL,
    RUSSIAN_URL,
    NewsWeb,
    news_web,
)

CORPUS_011 = Path(default_corpus_dir()) / "011.html"
HTML = [("Content-Type", "text/html")]


@pytest.fixture(scope="module")
def web(tls_files: TLSFiles) -> Iterator[NewsWeb]:
    isw = load_registry().get("isw")
    assert isw is not None and isw.feeds
    with news_web(tls_files, [isw.feeds[0].url]) as fixture:
        yield fixture


@pytest.fixture(scope="module")
def crawled(web: NewsWeb, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, str]:
    home = tmp_path_factory.mktemp("citations") / "prov-data"
    result = run_prov("crawl", "--json", "--proxy", web.proxy.url, ARTICLE_URL, home=home)
    assert result.returncode == 1, result.stderr  # the dead link is reported
    assert f"source not captured: {DEAD_URL}" in result.stderr
    return home, result.json(), result.stderr


def _sources(graph: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {source["url"]: source for source in graph["sources"]}


def test_linked_sources_are_captured_and_boilerplate_is_not_followed(
    crawled: tuple[Path, Any, str], web: NewsWeb
) -> None:
    _, graph, _ = crawled
    sources = _sources(graph)
    linked = {url for url, s in sources.items() if s["found_by"] == "link"}
    assert linked == {QUANTA_URL, RUSSIAN_URL, DEAD_URL}
    assert sources[QUANTA_URL]["status"] == "captured"
    assert sources[RUSSIAN_URL]["status"] == "captured"
    assert (sources[DEAD_URL]["status"], sources[DEAD_URL]["status_detail"]) == ("gone", "HTTP 404")
    assert "Quanta Magazine reported" in sources[QUANTA_URL]["sentence"]
    for path in BOILERPLATE:
        assert not web.requested(f"http://{NEWS}{path}"), path
    assert not any("twitter" in target for target in web.proxy.requests)


def test_source_cited_only_by_name_is_found_through_its_feed(
    crawled: tuple[Path, Any, str], web: NewsWeb
) -> None:
    _, graph, _ = crawled
    named = [s for s in graph["sources"] if s["found_by"] == "name"]
    assert named, graph["sources"]
    best = max(named, key=lambda s: s["confidence"])
    assert best["url"].endswith(ISW_REPORT_PATH)
    assert best["source_id"] == "isw" and best["status"] == "captured"
    assert best["reason"]
    assert not any("china-taiwan" in s["url"] for s in named)  # outside the date window


def test_claims_link_to_the_right_passages(crawled: tuple[Path, Any, str]) -> None:
    _, graph, _ = crawled
    claims = graph["claims"]
    by_source = {c["matched_url"]: c for c in claims if c["matched_url"]}
    quanta = by_source[QUANTA_URL]
    assert quanta["status"] == "matched"
    assert "tuft cells are an important hub" in quanta["passage"]
    isw = next(c for c in claims if c["matched_url"] and c["matched_url"].endswith(ISW_REPORT_PATH))
    assert isw["status"] == "matched"
    assert "limited attacks near Kupiansk" in isw["passage"]
    russian = by_source[RUSSIAN_URL]
    assert russian["status"] == "needs_translation"
    # "An earlier story on the subject has since been removed": a link, but nothing reported
    assert not [c for c in claims if c["cited_url"] == DEAD_URL]


def test_prov_sources_reports_the_graph_and_exports_prov_o(
    crawled: tuple[Path, Any, str],
) -> None:
    home, graph, _ = crawled
    again = run_prov("sources", ARTICLE_URL, "--json", home=home)
    assert again.returncode == 0, again.stderr
    assert _sources(again.json()).keys() == _sources(graph).keys()
    assert again.json()["claims"] == graph["claims"]
    provo = run_prov("sources", ARTICLE_URL, "--format", "prov-o", home=home).json()
    assert "prov" in str(provo.get("@context"))
    human = run_prov("sources", ARTICLE_URL, home=home)
    assert QUANTA_URL in human.stdout and "needs_translation" in human.stdout


def test_every_main_text_link_has_a_recorded_decision_and_follow_overrides_it(
    crawled: tuple[Path, Any, str], web: NewsWeb, prov_home: Path
) -> None:
    _, graph, _ = crawled
    decisions = {d["url"]: d for d in graph["links"] if d["article_url"] == ARTICLE_URL}
    assert {QUANTA_URL, RUSSIAN_URL, DEAD_URL} <= {u for u, d in decisions.items() if d["followed"]}
    refused = [d for d in decisions.values() if not d["followed"]]
    assert refused, decisions
    for decision in decisions.values():
        assert decision["reason"] and ":" in decision["reason"], decision
    for decision in refused:
        assert not web.requested(decision["url"]), decision
    wanted = refused[0]["url"]
    again = run_prov(
        "crawl", "--json", "--proxy", web.proxy.url, "--follow", wanted, ARTICLE_URL,
        home=prov_home,
    )  # fmt: skip
    assert again.returncode in (0, 1), again.stderr
    overridden = {d["url"]: d for d in again.json()["links"]}[wanted]
    assert overridden["followed"] and overridden["reason"].startswith("override: --follow")
    assert web.requested(wanted)


def test_depth_two_follows_the_sources_own_citations_and_nothing_else(
    web: NewsWeb, prov_home: Path
) -> None:
    result = run_prov(
        "crawl", "--json", "--depth", "2", "--proxy", web.proxy.url, ARTICLE_URL, home=prov_home
    )
    graph = result.json()
    second = [s for s in graph["sources"] if s["depth"] == 2]
    assert second and all(s["cited_by"] in (QUANTA_URL, RUSSIAN_URL) for s in second)
    assert any("doi.org" in s["url"] for s in second)
    # everything at depth 2 was fetched (through the proxy; unknown hosts answer 502)
    fetched = set(web.proxy.requests)
    for source in second:
        host = source["url"].split("/")[2]
        assert any(host in target for target in fetched), source["url"]
    quanta = web.servers["www.quantamagazine.org"]
    asked = {f"https://www.quantamagazine.org{e.request.path}" for e in quanta.exchanges}
    cited = {s["url"] for s in graph["sources"]}
    assert asked <= cited | {"https://www.quantamagazine.org/robots.txt"}  # no site crawl


def test_bad_input_exits_2(prov_home: Path, tmp_path: Path) -> None:
    assert run_prov("crawl", "ftp://x.test/a", home=prov_home).returncode == 2
    assert run_prov("crawl", ARTICLE_URL, "--depth", "9", home=prov_home).returncode == 2
    bad = tmp_path / "sources.json"
    bad.write_text('{"sources": [{"id": "Bad Id", "name": "x"}]}')
    env = prov_env(prov_home, PROV_SOURCES=str(bad))
    result = run_prov("crawl", ARTICLE_URL, home=prov_home, env=env)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert not prov_home.exists()


def test_article_watch_rechecks_every_claim(tls_files: TLSFiles, tmp_path: Path) -> None:
    """A source edited so the passage backing a claim is gone: the watch reports claim_lost."""
    isw = load_registry().get("isw")
    assert isw is not None
    home = tmp_path / "prov-data"
    with news_web(tls_files, [isw.feeds[0].url]) as fixture:
        env = prov_env(home, http_proxy=fixture.proxy.url, https_proxy=fixture.proxy.url)
        add = ["schedule", "add", "--every", "3600", "--article", ARTICLE_URL, "--name", "a"]
        assert run_prov(*add, home=home, env=env).returncode == 0
        first = run_prov("schedule", "run", "a", "--json", home=home, env=env)
        assert first.returncode in (0, 1), first.stderr
        quanta = fixture.servers["www.quantamagazine.org"]
        page = CORPUS_011.read_bytes()
        hub = page.index(b"tuft cells are an important hub")  # drop the paragraph holding it
        edited = page[: page.rindex(b"<p", 0, hub)] + page[page.index(b"</p>", hub) + 4 :]
        quanta.route(QUANTA_URL.split(".org", 1)[1], build_response(200, HTML, edited))
        time.sleep(1.1)  # pywb keys captures by second
        second = run_prov("schedule", "run", "a", "--json", home=home, env=env)
        assert second.returncode in (0, 1), second.stderr
        changes = run_prov("changes", "--json", home=home, env=env).json()
    lost = [c for c in changes if c["kind"] == "claim_lost"]
    assert len(lost) == 1, changes
    assert "tuft cells are an important hub" in json.dumps(lost[0])
    assert lost[0]["final_url"] == QUANTA_URL
