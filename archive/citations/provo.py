"""Export a citation graph as JSON, or as W3C PROV-O in JSON-LD.

PROV-O mapping (``to_prov_jsonld``):

* each capture is a ``prov:Entity`` identified by its WARC record id (``urn:uuid:...``),
  ``prov:specializationOf`` the web resource (its URL), with ``prov:generatedAtTime`` (the
  capture time) and ``prov:wasGeneratedBy`` its crawl;
* each crawl is a ``prov:Activity`` (``prov:startedAtTime``, ``prov:endedAtTime``); a crawl that
  captured sources ``prov:used`` the article capture it read them from;
* each cited source is a ``pa:Citation`` node (how it was found: link or name, anchor text,
  sentence, registry source, discovery score and reason), and the article capture
  ``dcterms:references`` the source's URL;
* each claim is a ``prov:Entity`` with ``prov:value`` (the statement), ``prov:wasDerivedFrom``
  the article capture, ``prov:wasAttributedTo`` its speaker (a ``prov:Agent``), an
  ``oa:TextPositionSelector`` (offsets in the article's extracted text), and
  ``prov:wasQuotedFrom`` each matched passage;
* a passage is a ``prov:Entity`` and ``oa:SpecificResource``: ``oa:hasSource`` and
  ``prov:wasDerivedFrom`` the source capture, ``oa:hasSelector`` its offsets, id
  ``<capture>#char=start,end`` (RFC 5147), with ``pa:score`` and ``pa:method``.

``graph_to_provo`` also takes the ``prov sources --json`` dict (``graph_json``).
``pa:`` is this project's own small vocabulary (``PA_NAMESPACE``) for what PROV-O has no term
for (HTTP status, digests, match scores).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from archive.citations.graph import CaptureRef, CitationGraph, Claim, CrawlRef
from archive.citations.graph_json import graph_from_sources_json

__all__ = [
    "PA_NAMESPACE",
    "PROV_CONTEXT",
    "capture_iri",
    "graph_to_provo",
    "to_json",
    "to_prov_jsonld",
]

PA_NAMESPACE = "urn:prov-archive:terms:"
PROV_CONTEXT: dict[str, str] = {
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "pa": PA_NAMESPACE,
}

Node = dict[str, Any]


def to_json(graph: CitationGraph, *, indent: int | None = 2) -> str:
    """The graph as JSON text (``CitationGraph.to_dict``)."""
    return json.dumps(graph.to_dict(), ensure_ascii=False, indent=indent)


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _datetime(value: str) -> dict[str, str]:
    """An ``xsd:dateTime`` literal from a 14-digit timestamp or an ISO 8601 string."""
    if len(value) == 14 and value.isdigit():
        parsed = datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        value = parsed.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"@value": value, "@type": "xsd:dateTime"}


def capture_iri(capture: CaptureRef) -> str:
    """The capture's WARC record id as an IRI, or a URN built from its time and URL."""
    if capture.record_id:
        return capture.record_id.strip("<>")
    return f"{PA_NAMESPACE}capture:{capture.timestamp}:{quote(capture.url, safe='')}"


def _crawl_iri(crawl_id: str) -> str:
    return f"{PA_NAMESPACE}crawl:{quote(crawl_id, safe='')}"


def _selector(start: int, end: int) -> Node:
    return {"@type": "oa:TextPositionSelector", "oa:start": start, "oa:end": end}


def _capture_node(capture: CaptureRef) -> Node:
    node: Node = {
        "@id": capture_iri(capture),
        "@type": "prov:Entity",
        "prov:specializationOf": _ref(capture.url),
        "pa:url": capture.url,
        "prov:generatedAtTime": _datetime(capture.timestamp),
    }
    if capture.crawl_id:
        node["prov:wasGeneratedBy"] = _ref(_crawl_iri(capture.crawl_id))
    optional = {
        "pa:httpStatus": capture.status,
        "pa:payloadDigest": capture.payload_digest,
        "pa:warc": capture.warc,
        "pa:offset": capture.offset,
        "pa:length": capture.length,
        "pa:error": capture.error,
        "pa:textRecord": capture.text_record_id.strip("<>") if capture.text_record_id else None,
    }
    node.update({key: value for key, value in optional.items() if value is not None})
    return node


def _crawl_node(crawl: CrawlRef, used: list[str]) -> Node:
    node: Node = {
        "@id": _crawl_iri(crawl.id),
        "@type": "prov:Activity",
        "prov:startedAtTime": _datetime(crawl.started),
        "pa:kind": crawl.kind,
    }
    if crawl.finished:
        node["prov:endedAtTime"] = _datetime(crawl.finished)
    if used:
        node["prov:used"] = [_ref(iri) for iri in used]
    if crawl.seeds:
        node["pa:seed"] = [_ref(seed) for seed in crawl.seeds]
    return node


def _claim_nodes(claim: Claim, index: int, article: str | None) -> list[Node]:
    claim_id = f"{article or PA_NAMESPACE + 'article'}#claim-{index}"
    node: Node = {
        "@id": claim_id,
        "@type": ["prov:Entity", "pa:Claim"],
        "prov:value": claim.statement,
        "pa:kind": claim.kind,
        "pa:status": claim.status,
        "oa:hasSelector": _selector(claim.start, claim.end),
    }
    if article:
        node["prov:wasDerivedFrom"] = _ref(article)
    if claim.speaker:
        node["prov:wasAttributedTo"] = {"@type": "prov:Agent", "pa:name": claim.speaker}
    if claim.source_id:
        node["pa:namedSource"] = claim.source_id
    if claim.link_url:
        node["pa:citedResource"] = _ref(claim.link_url)
    for key, value in (
        ("pa:sourceResolution", claim.resolution),
        ("pa:speakerResolution", claim.speaker_resolution),
        ("pa:confidence", claim.confidence),
        ("pa:repeatsClaimAt", claim.repeats),
    ):
        if value is not None:
            node[key] = value
    nodes = [node]
    quoted: list[dict[str, str]] = []
    for match in claim.matches:
        if match.status != "found" or match.start is None or match.end is None:
            continue
        capture = match.capture_record_id.strip("<>") if match.capture_record_id else None
        base = capture or match.source_url
        passage_id = f"{base}#char={match.start},{match.end}"
        quoted.append(_ref(passage_id))
        nodes.append(
            {
                "@id": passage_id,
                "@type": ["prov:Entity", "oa:SpecificResource"],
                "oa:hasSource": _ref(base),
                "prov:wasDerivedFrom": _ref(base),
                "oa:hasSelector": _selector(match.start, match.end),
                "prov:value": match.passage,
                "pa:score": match.score,
                "pa:method": match.method,
            }
        )
    if quoted:
        node["prov:wasQuotedFrom"] = quoted
    return nodes


def _used_by_crawl(graph: CitationGraph) -> dict[str, list[str]]:
    """For each crawl that captured sources, the article capture it read them from."""
    if not graph.article_captures:
        return {}
    article = graph.article_captures[-1]
    by_crawl = {c.crawl_id: capture_iri(c) for c in graph.article_captures if c.crawl_id}
    used: dict[str, list[str]] = {}
    for source in graph.sources:
        for capture in source.captures:
            if capture.crawl_id:
                used[capture.crawl_id] = [by_crawl.get(capture.crawl_id, capture_iri(article))]
    return used


def to_prov_jsonld(graph: CitationGraph) -> dict[str, Any]:
    """The graph as a PROV-O JSON-LD document (see the module docstring for the mapping)."""
    article = capture_iri(graph.article_captures[-1]) if graph.article_captures else None
    nodes: list[Node] = [_capture_node(c) for c in graph.article_captures]
    if article:
        nodes[-1]["dcterms:references"] = [_ref(s.url) for s in graph.sources]
    used = _used_by_crawl(graph)
    nodes.extend(_crawl_node(crawl, used.get(crawl.id, [])) for crawl in graph.crawls)
    for number, source in enumerate(graph.sources, start=1):
        nodes.extend(_capture_node(c) for c in source.captures)
        citation: Node = {
            "@id": f"{article or PA_NAMESPACE + 'article'}#citation-{number}",
            "@type": "pa:Citation",
            "pa:citedResource": _ref(source.url),
            "pa:foundBy": source.found_by,
            "pa:status": source.status,
            "pa:depth": source.depth,
            "pa:capture": [_ref(capture_iri(c)) for c in source.captures],
        }
        if article:
            citation["pa:citingCapture"] = _ref(article)
        optional = {
            "pa:anchorText": source.anchor,
            "pa:sentence": source.sentence,
            "pa:registrySource": source.source_id,
            "pa:citedName": source.name,
            "pa:score": source.score,
            "pa:reason": source.reason,
        }
        citation.update({key: value for key, value in optional.items() if value is not None})
        nodes.append(citation)
    for index, claim in enumerate(graph.claims, start=1):
        nodes.extend(_claim_nodes(claim, index, article))
    return {"@context": dict(PROV_CONTEXT), "@graph": nodes}


def graph_to_provo(graph: CitationGraph | Mapping[str, Any]) -> dict[str, Any]:
    """PROV-O JSON-LD of a ``CitationGraph`` or of a ``prov sources --json`` dict."""
    if not isinstance(graph, CitationGraph):
        graph = graph_from_sources_json(graph)
    return to_prov_jsonld(graph)
