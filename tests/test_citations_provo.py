"""The citation graph as JSON and as PROV-O JSON-LD (checked by structure and by pyld)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archive.citations.attributions import find_attributions
from archive.citations.graph import (
    CaptureRef,
    CitationGraph,
    CitedSource,
    Claim,
    ClaimMatch,
    CrawlRef,
    capture_status,
)
from archive.citations.graph_json import graph_from_sources_json
from archive.citations.matching import match_claim
from archive.citations.provo import graph_to_provo, to_json, to_prov_jsonld
from archive.citations.registry import load_registry
from tests.citations_data import article

ARTICLE = "https://news.example.com/2023/05/21/bakhmut"
ISW = "https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-may-20-2023"
ISW_TEXT = (
    "Wagner Group financier Yevgeny Prigozhin claimed that Wagner forces captured Bakhmut on May "
    "20. Ukrainian forces still hold positions in the western outskirts of the city.\n"
    "Russian forces will likely continue offensive operations near Bakhmut in the coming weeks."
)
ARTICLE_TEXT = (
    "Russian forces are likely to continue offensive operations near Bakhmut in the coming weeks, "
    "according to a report by the Institute for the Study of War.\n"
    "Kremlin spokesman Dmitry Peskov told the RIA Novosti news agency that Moscow had not "
    "received any proposals from Kyiv.\n"
    "A spokesman told Reuters the grain deal would be extended by two more months.\n"
    "The Tunisian attack is cited here too: “Our nation is in danger,” Essid declared."
)
CRAWL = "20230521-090000-abcd"
RIA = "https://ria.ru/20230521/peskov.html"
WAPO = "http://www.washingtonpost.com/world/gunmen-storm-museum-in-tunisia/2015/03/18/story.html"


def capture(url: str, second: int, status: int | None, error: str | None = None) -> CaptureRef:
    return CaptureRef(
        url=url,
        timestamp=f"202305210900{second:02d}",
        record_id=f"<urn:uuid:00000000-0000-4000-8000-{second:012d}>",
        status=status,
        payload_digest="sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ" if status else None,
        warc="file:///data/warcs/prov-20230521090000-00000-host-1.warc.gz",
        offset=1000 * second,
        length=900,
        crawl_id=CRAWL,
        error=error,
        text_record_id=f"<urn:uuid:10000000-0000-4000-8000-{second:012d}>" if status else None,
    )


def build_graph() -> CitationGraph:
    registry = load_registry(environ={})
    washington = article(51)
    texts = {  # what each claim is compared with: the source it names, or the link beside it
        "isw": (ISW, ISW_TEXT, "en"),
        "ria": (RIA, "Песков заявил, что Москва не получала никаких предложений от Киева.", "ru"),
        "reuters": (ISW, ISW_TEXT, "en"),  # the only candidate found: it does not back the claim
        None: (WAPO, washington.text, washington.language),
    }
    claims: list[Claim] = []
    for found in find_attributions(ARTICLE_TEXT, registry):
        url, text, language = texts[found.source_id]
        claim = Claim(
            found.statement,
            found.start,
            found.end,
            found.kind,
            found.speaker,
            found.source_id,
            found.source_name,
            link_url=None if found.source_id else url,
        )
        match = match_claim(found.statement, text, language, "en")
        claim.matches.append(
            ClaimMatch(
                url,
                f"<urn:uuid:{url[-4:]}>",
                match.status,
                match.score,
                match.method,
                match.start,
                match.end,
                match.passage,
                match.reason,
            )
        )
        claims.append(claim)
    return CitationGraph(
        article_url=ARTICLE,
        article_captures=[capture(ARTICLE, 1, 200)],
        article_language="en",
        article_date="2023-05-21",
        sources=[
            CitedSource(ISW, "name", sentence=ARTICLE_TEXT.split("\n")[0], source_id="isw",
                        name="the Institute for the Study of War", score=0.73,
                        reason="4/11 statement words; names 3/3", captures=[capture(ISW, 2, 200)]),
            CitedSource(RIA, "name", source_id="ria", language="ru",
                        captures=[capture(RIA, 3, 200)]),
            CitedSource("https://gone.example.org/report", "link", anchor="a report",
                        captures=[capture("https://gone.example.org/report", 4, 404)]),
            CitedSource("https://down.example.org/", "link", anchor="statement",
                        captures=[capture("https://down.example.org/", 5, None, "DNS failed")]),
            CitedSource(WAPO, "link", anchor="Our nation is in danger"),
        ],
        claims=claims,
        crawls=[CrawlRef(CRAWL, "2023-05-21T09:00:00Z", "2023-05-21T09:00:30Z",
                         seeds=[ARTICLE])],
        generated="2023-05-21T09:01:00Z",
    )  # fmt: skip


@pytest.fixture(scope="module")
def graph() -> CitationGraph:
    return build_graph()


def test_claims_and_statuses(graph: CitationGraph) -> None:
    isw, peskov, reuters, quote = graph.claims
    assert (isw.kind, isw.source_id, isw.status) == ("according_to", "isw", "found")
    best = isw.best_match()
    assert best is not None and best.source_url == ISW and best.score > 0.6
    assert best.passage == (
        "Russian forces will likely continue offensive operations near Bakhmut in the coming weeks."
    )
    assert (peskov.source_id, peskov.status) == ("ria", "needs_translation")
    assert peskov.best_match() is None
    assert (reuters.source_id, reuters.status) == ("reuters", "not_found")
    assert (quote.kind, quote.status, quote.link_url) == ("quote", "found", WAPO)
    assert [s.status for s in graph.sources] == [
        "captured",
        "captured",
        "gone",
        "failed",
        "pending",
    ]
    assert capture_status(CaptureRef("u", "20230521090000", status=301)) == "redirected"
    assert Claim("s", 0, 1, "quote").status == "unmatched"


def test_json_round_trip(graph: CitationGraph) -> None:
    data = json.loads(to_json(graph))
    assert data["sources"][2]["status"] == "gone"
    assert data["claims"][0]["status"] == "found"
    assert data["sources"][0]["captures"][0]["record_id"].startswith("<urn:uuid:")
    assert CitationGraph.from_dict(data) == graph


def nodes_by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in document["@graph"]}


def test_prov_o_structure(graph: CitationGraph) -> None:
    document = to_prov_jsonld(graph)
    assert document["@context"]["prov"] == "http://www.w3.org/ns/prov#"
    nodes = nodes_by_id(document)
    article_capture = nodes["urn:uuid:00000000-0000-4000-8000-000000000001"]
    assert article_capture["@type"] == "prov:Entity"
    assert article_capture["prov:specializationOf"] == {"@id": ARTICLE}
    assert article_capture["prov:generatedAtTime"] == {
        "@value": "2023-05-21T09:00:01Z",
        "@type": "xsd:dateTime",
    }
    assert article_capture["prov:wasGeneratedBy"] == {
        "@id": f"urn:prov-archive:terms:crawl:{CRAWL}"
    }
    assert {"@id": ISW} in article_capture["dcterms:references"]
    crawl = nodes[f"urn:prov-archive:terms:crawl:{CRAWL}"]
    assert crawl["@type"] == "prov:Activity"
    assert crawl["prov:used"] == [{"@id": article_capture["@id"]}]
    assert crawl["prov:endedAtTime"]["@value"] == "2023-05-21T09:00:30Z"
    citations = [n for n in document["@graph"] if n["@type"] == "pa:Citation"]
    assert [c["pa:foundBy"] for c in citations] == ["name", "name", "link", "link", "link"]
    assert citations[0]["pa:registrySource"] == "isw" and citations[0]["pa:score"] == 0.73
    claims = [n for n in document["@graph"] if "pa:Claim" in n["@type"]]
    assert len(claims) == 4
    quoted = claims[0]["prov:wasQuotedFrom"]
    passage = nodes[quoted[0]["@id"]]
    assert passage["@id"].startswith(f"urn:uuid:{ISW[-4:]}#char=")
    assert passage["oa:hasSelector"]["@type"] == "oa:TextPositionSelector"
    assert passage["prov:value"].startswith("Russian forces will likely continue")
    assert claims[0]["prov:wasDerivedFrom"] == {"@id": article_capture["@id"]}
    assert claims[0]["prov:wasAttributedTo"]["@type"] == "prov:Agent"
    assert "prov:wasQuotedFrom" not in claims[1]  # needs translation: nothing quoted
    json.dumps(document)  # plain JSON all the way down


def test_prov_o_expands_with_pyld(graph: CitationGraph) -> None:
    jsonld = pytest.importorskip("pyld.jsonld")
    quads = jsonld.to_rdf(to_prov_jsonld(graph), {"format": "application/n-quads"})
    prov = "http://www.w3.org/ns/prov#"
    article_capture = "<urn:uuid:00000000-0000-4000-8000-000000000001>"
    assert (
        f'{article_capture} <{prov}generatedAtTime> "2023-05-21T09:00:01Z"^^'
        "<http://www.w3.org/2001/XMLSchema#dateTime> ." in quads
    )
    assert (
        f"<urn:prov-archive:terms:crawl:{CRAWL}> "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        f"<{prov}Activity> ." in quads
    )
    assert f"<{prov}wasQuotedFrom> <urn:uuid:{ISW[-4:]}#char=" in quads
    assert f"<{prov}used> {article_capture} ." in quads
    expanded = jsonld.expand(to_prov_jsonld(graph))
    assert all(key.startswith(("http://", "urn:", "@")) for node in expanded for key in node)


def test_sources_json_of_the_index_exports_too() -> None:
    capture_json = {
        "url": ARTICLE,
        "timestamp": "20230521090001",
        "status": 200,
        "mime": "text/html",
        "payload_digest": "sha1:X",
        "warc": "file:///w.warc.gz",
        "offset": 0,
        "length": 10,
        "record_id": "<urn:uuid:aaaaaaaa-0000-4000-8000-000000000001>",
        "error": None,
        "crawl_id": CRAWL,
    }
    data = {
        "article": {"url": ARTICLE, "captures": [capture_json], "language": "en",
                    "published": "2023-05-21", "title": "Bakhmut"},
        "crawl_id": CRAWL,
        "sources": [{
            "url": ISW, "cited_by": ARTICLE, "found_by": "name", "depth": 1, "anchor": None,
            "sentence": "...", "source_id": "isw", "source_name": "ISW", "confidence": 0.7,
            "reason": "r", "status": "captured", "language": "en", "title": "t",
            "captures": [{**capture_json, "url": ISW, "timestamp": "20230521090009",
                          "record_id": "<urn:uuid:aaaaaaaa-0000-4000-8000-000000000002>"}],
        }],
        "claims": [{
            "id": 1, "article_url": ARTICLE, "statement": "Russian forces will continue",
            "speaker": "ISW", "source_name": "ISW", "source_id": "isw", "cited_url": None,
            "start": 0, "end": 28, "status": "matched", "matched_url": ISW,
            "matched_capture": "<urn:uuid:aaaaaaaa-0000-4000-8000-000000000002>",
            "passage": "Russian forces will likely continue", "passage_start": 164,
            "passage_end": 199, "score": 0.8, "method": "fuzzy",
        }],
    }  # fmt: skip
    graph = graph_from_sources_json(data)
    assert graph.claims[0].status == "found" and graph.sources[0].score == 0.7
    assert graph.crawls[0].started == "20230521090001" and graph.crawls[0].finished.endswith("09")
    nodes = nodes_by_id(graph_to_provo(data))
    claim = nodes["urn:uuid:aaaaaaaa-0000-4000-8000-000000000001#claim-1"]
    assert claim["prov:wasQuotedFrom"] == [
        {"@id": "urn:uuid:aaaaaaaa-0000-4000-8000-000000000002#char=164,199"}
    ]
    assert nodes[f"urn:prov-archive:terms:crawl:{CRAWL}"]["prov:startedAtTime"]["@value"] == (
        "2023-05-21T09:00:01Z"
    )
