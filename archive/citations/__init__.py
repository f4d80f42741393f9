"""Citations: from an article's text to the sources it cites and the passages that back it.

Pure library (no Scrapy) used by the ``citations`` spider and ``prov sources``:

* ``registry``: publishers, their names and domains, and their feeds/sitemaps/search
  (``settings/sources.json`` plus ``$PROV_SOURCES``);
* ``links``: which main-text links are citations, with anchor text and sentence;
* ``attributions``: quotes and reported speech, with speaker and named source;
* ``discovery``: parse RSS/Atom/news sitemaps, rank candidates for a statement;
* ``matching``: the passage of a source that backs a claim (or "not found",
  or "needs translation");
* ``graph`` and ``provo``: the citation graph, as JSON and as PROV-O JSON-LD.
"""

from __future__ import annotations

from archive.citations.attributions import Attribution, find_attributions
from archive.citations.discovery import (
    Candidate,
    FeedListing,
    RankedCandidate,
    date_window,
    parse_date,
    parse_feed,
    rank_candidates,
)
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
from archive.citations.languages import normalize_language
from archive.citations.links import CitationLink, LinkDecision, citation_links, classify_links
from archive.citations.matching import MATCH_THRESHOLD, PassageMatch, match_claim
from archive.citations.provo import graph_to_provo, to_json, to_prov_jsonld
from archive.citations.registry import (
    Endpoint,
    NameMatch,
    Registry,
    RegistryError,
    Source,
    load_registry,
    search_url,
)
from archive.citations.xmlsafe import UnsafeXMLError, XMLError

__all__ = [
    "MATCH_THRESHOLD",
    "Attribution",
    "Candidate",
    "CaptureRef",
    "CitationGraph",
    "CitationLink",
    "CitedSource",
    "Claim",
    "ClaimMatch",
    "CrawlRef",
    "Endpoint",
    "FeedListing",
    "LinkDecision",
    "NameMatch",
    "PassageMatch",
    "RankedCandidate",
    "Registry",
    "RegistryError",
    "Source",
    "UnsafeXMLError",
    "XMLError",
    "capture_status",
    "citation_links",
    "classify_links",
    "date_window",
    "find_attributions",
    "graph_from_sources_json",
    "graph_to_provo",
    "load_registry",
    "match_claim",
    "normalize_language",
    "parse_date",
    "parse_feed",
    "rank_candidates",
    "search_url",
    "to_json",
    "to_prov_jsonld",
]
