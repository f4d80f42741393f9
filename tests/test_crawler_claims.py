"""Claims that hold on a realistic article: attribution across sentences, only citations
followed, a source found by name in another language (the acceptance of the claims work).

One ``prov crawl`` over the web of ``tests/servers/claimsweb.py`` (all https, through a
proxy): every checkable claim must be linked to its passage with capture and offsets, the
agency quoted in English must be found through its robots.txt sitemap (its registry feed
answers 404) among decoys, and its quotes must be ``needs_translation`` with the right
candidate; no tag or promo link may be fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import prov_env, run_prov
from tests.servers import TLSFiles
from tests.servers.claimsweb import (
    AGENCY_FEED_URL,
    AGENCY_SITEMAP_URL,
    AGENCY_URL,
    ARTICLE_URL,
    DECOY_SPEAKER_URL,
    DECOY_TOPIC_URL,
    INTERVIEW_URL,
    NEWS,
    NOT_FOLLOWED,
    OLD_URL,
    REPORT_SHORT_URL,
    REPORT_URL,
    ClaimsWeb,
    claims_web,
)

# (a phrase of the claim, its speaker, the URL of its source, a phrase of its passage)
LINKED = [
    ("1.2 million tonnes of wheat", "Marta Kell", INTERVIEW_URL, "1.2 million tonnes of wheat"),
    ("publish the full shipping records", "Marta Kell", INTERVIEW_URL, "full shipping records"),
    ("diverted to third countries", "Marta Kell", INTERVIEW_URL, "diverted to third countries"),
    ("inspections at the port of Ostrava", "Marta Kell", INTERVIEW_URL, "shortage of staff"),
    ("far fewer ships than declared", None, REPORT_URL, "far fewer ships than declared"),
    ("eleven days in October", None, REPORT_URL, "stopped for eleven days"),
]
NAMED = ["guarantee safe passage", "first joint inspection"]


@pytest.fixture(scope="module")
def web(tls_files: TLSFiles, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClaimsWeb]:
    with claims_web(tls_files, tmp_path_factory.mktemp("claimsweb")) as fixture:
        yield fixture


@pytest.fixture(scope="module")
def crawled(web: ClaimsWeb, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("claims") / "prov-data"
    env = prov_env(home, PROV_SOURCES=str(web.registry_file))
    result = run_prov("crawl", "--json", "--proxy", web.proxy.url, ARTICLE_URL, home=home, env=env)
    assert result.returncode in (0, 1), result.stderr
    graph: dict[str, Any] = result.json()
    graph["_home"], graph["_env"], graph["_stderr"] = home, env, result.stderr
    return graph


def _claim(graph: dict[str, Any], phrase: str) -> dict[str, Any]:
    found = [c for c in graph["claims"] if phrase in c["statement"]]
    assert found, (phrase, [c["statement"] for c in graph["claims"]])
    return found[0]


def _source_text(graph: dict[str, Any], url: str) -> str:
    shown = run_prov("text", url, "--json", home=graph["_home"], env=graph["_env"])
    assert shown.returncode == 0, shown.stderr
    text: str = shown.json()["text"]
    return text


@pytest.mark.parametrize(("phrase", "speaker", "source", "passage"), LINKED)
def test_every_linked_claim_reaches_its_passage(
    crawled: dict[str, Any], phrase: str, speaker: str | None, source: str, passage: str
) -> None:
    claim = _claim(crawled, phrase)
    assert claim["status"] == "matched", claim
    assert claim["matched_url"] == source, claim
    assert passage in claim["passage"], claim
    assert claim["matched_capture"], claim
    text = _source_text(crawled, source)
    assert text[claim["passage_start"] : claim["passage_end"]] == claim["passage"]
    if speaker is not None:
        assert claim["speaker"] == speaker, claim


def test_statements_after_the_introduction_carry_its_source(crawled: dict[str, Any]) -> None:
    for phrase in ("publish the full shipping records", "diverted to third countries"):
        claim = _claim(crawled, phrase)
        assert claim["cited_url"] == INTERVIEW_URL
        assert claim["resolution"].startswith("carried from sentence"), claim
        assert claim["carried_from"] is not None and claim["speaker_resolution"] == "pronoun"
        assert 0 < claim["confidence"] < 1
    report = _claim(crawled, "far fewer ships than declared")
    assert report["cited_url"] == REPORT_SHORT_URL and report["speaker"] != "satellite images"


def test_the_agency_named_in_english_is_found_through_its_robots_sitemap(
    crawled: dict[str, Any], web: ClaimsWeb
) -> None:
    listings = {row["url"]: row for row in crawled["discovery"]}
    assert listings[AGENCY_FEED_URL]["failure"] == "HTTP 404"
    assert listings[AGENCY_SITEMAP_URL]["origin"] == "robots"
    assert listings[AGENCY_SITEMAP_URL]["failure"] is None
    named = [s for s in crawled["sources"] if s["found_by"] == "name"]
    best = max(named, key=lambda s: s["confidence"])
    assert best["url"] == AGENCY_URL and best["status"] == "captured", named
    assert "Vasin" in best["reason"] and "Васин" in best["reason"], best["reason"]
    ranked = {s["url"]: s["confidence"] for s in named}
    for decoy in (DECOY_SPEAKER_URL, DECOY_TOPIC_URL):
        assert ranked.get(decoy, 0) < ranked[AGENCY_URL], (decoy, ranked)
    assert OLD_URL not in ranked  # outside the date window
    assert not web.requested(OLD_URL)


@pytest.mark.parametrize("phrase", NAMED)
def test_quotes_of_the_russian_source_need_translation_with_the_right_candidate(
    crawled: dict[str, Any], phrase: str
) -> None:
    claim = _claim(crawled, phrase)
    assert claim["speaker"] == "Oleg Vasin", claim
    assert claim["status"] == "needs_translation", claim
    assert claim["matched_url"] == AGENCY_URL, claim
    assert "Васин" in (claim["passage"] or "") or "Новороссийске" in (claim["passage"] or "")


def test_no_tag_or_promo_link_is_fetched_and_each_says_why(
    crawled: dict[str, Any], web: ClaimsWeb
) -> None:
    for path in NOT_FOLLOWED:
        assert not web.requested(f"https://{NEWS}{path}"), path
    refused = {d["url"]: d["reason"] for d in crawled["links"] if not d["followed"]}
    assert refused[f"https://{NEWS}/world/oleg-vasin"].startswith("person-topic"), refused
    assert refused[f"https://{NEWS}/info/newsletters/morning-brief"].startswith("promo"), refused


def test_prov_o_export_carries_the_resolution(crawled: dict[str, Any]) -> None:
    exported = run_prov(
        "sources", ARTICLE_URL, "--format", "prov-o", home=crawled["_home"], env=crawled["_env"]
    )
    assert exported.returncode == 0, exported.stderr
    assert "carried from sentence" in exported.stdout
    assert "pa:confidence" in exported.stdout



def test_each_publishers_robots_txt_is_fetched_once(
    crawled: dict[str, Any], web: ClaimsWeb
) -> None:
    """Discovery's own request for the agency's robots.txt is also the request that gives its
    rules: the publisher sees one request for the file, not one per reader."""
    assert crawled["discovery"]  # discovery ran
    for host, server in web.servers.items():
        asked = len(server.sent_for("/robots.txt"))
        assert asked <= 1, (host, asked)
    agency = urlsplit(AGENCY_URL).hostname or ""
    assert len(web.servers[agency].sent_for("/robots.txt")) == 1
