"""The citation graph of an article: its captures, the sources it cites, its claims and matches.

Plain dataclasses that ``to_dict``/``from_dict`` to JSON-ready dicts (the ``--json`` shape of
``prov sources``); ``provo.to_prov_jsonld`` exports the same graph as W3C PROV-O. Text offsets
(claims in the article, passages in a source) are ``[start, end)`` in the *extracted text* of
the capture named (``CaptureRef.text_record_id`` is its conversion record, when known).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = [
    "CaptureRef",
    "CitationGraph",
    "CitedSource",
    "Claim",
    "ClaimMatch",
    "CrawlRef",
    "capture_status",
    "status_of",
]


@dataclass(slots=True)
class CaptureRef:
    """One capture of a URL (the fields of the index that provenance needs)."""

    url: str
    timestamp: str  # 14-digit UTC YYYYMMDDhhmmss
    record_id: str | None = None  # WARC-Record-ID, "<urn:uuid:...>"
    status: int | None = None
    payload_digest: str | None = None
    warc: str | None = None
    offset: int | None = None
    length: int | None = None
    crawl_id: str | None = None
    error: str | None = None
    text_record_id: str | None = None  # the conversion record holding its extracted text


@dataclass(slots=True)
class CrawlRef:
    """A crawl: the activity that made captures."""

    id: str
    started: str  # ISO 8601
    finished: str | None = None
    kind: str = "citations"
    seeds: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ClaimMatch:
    """How well one captured source backs a claim (a ``matching.PassageMatch``, located)."""

    source_url: str
    capture_record_id: str | None
    status: str  # "found" | "not_found" | "needs_translation" | "not_captured"
    score: float
    method: str
    start: int | None = None
    end: int | None = None
    passage: str | None = None
    reason: str = ""


@dataclass(slots=True)
class Claim:
    """An attributed statement of the article and the passages found for it."""

    statement: str
    start: int
    end: int
    kind: str  # quote | reported | according_to | link (a linked fact) | post | headline
    speaker: str | None = None
    source_id: str | None = None  # registry id of the source named in the attribution
    source_name: str | None = None
    link_url: str | None = None  # the cited URL (in the claim's sentence, or carried)
    matches: list[ClaimMatch] = field(default_factory=list)
    resolution: str | None = None  # link | named | carried from sentence N
    speaker_resolution: str | None = None  # explicit | pronoun | surname | description ...
    confidence: float | None = None
    repeats: int | None = None  # a headline's claim: start of the body claim it repeats

    @property
    def status(self) -> str:
        """found, needs_translation, not_found, or unmatched (no source was compared)."""
        statuses = {match.status for match in self.matches}
        for status in ("found", "needs_translation", "not_found"):
            if status in statuses:
                return status
        return "unmatched"

    def best_match(self) -> ClaimMatch | None:
        """The found match with the highest score, if any."""
        found = [match for match in self.matches if match.status == "found"]
        return max(found, key=lambda match: match.score, default=None)


@dataclass(slots=True)
class CitedSource:
    """A source the article cites, how it was found, and its captures."""

    url: str
    found_by: str  # "link" | "name"
    anchor: str | None = None  # link text (found_by == "link")
    sentence: str | None = None  # the sentence citing it
    source_id: str | None = None  # registry source
    name: str | None = None  # the name the article cited it by (found_by == "name")
    score: float | None = None  # discovery rank score (found_by == "name")
    reason: str | None = None  # why this candidate was chosen
    depth: int = 1
    language: str | None = None
    captures: list[CaptureRef] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The status of its newest capture (see ``capture_status``)."""
        return capture_status(self.captures[-1] if self.captures else None)


def capture_status(capture: CaptureRef | None) -> str:
    """The status of a source from its newest capture (see ``status_of``)."""
    if capture is None:
        return "pending"
    return status_of(capture.status, capture.error)


def status_of(http_status: int | None, error: str | None) -> str:
    """prov's one vocabulary for a source: ``captured`` (2xx, or a 304 revisit of a capture),
    ``redirected`` (other 3xx), ``gone`` (404, 410), ``failed`` (an error, no response, any
    other status); ``pending`` (never fetched) comes from :func:`capture_status`."""
    if error is not None or http_status is None:
        return "failed"
    if 200 <= http_status < 300 or http_status == 304:
        return "captured"
    if 300 <= http_status < 400:
        return "redirected"
    if http_status in (404, 410):
        return "gone"
    return "failed"


@dataclass(slots=True)
class CitationGraph:
    """An article, its captures, its cited sources, its claims and the crawls behind them."""

    article_url: str
    article_captures: list[CaptureRef] = field(default_factory=list)
    article_language: str | None = None
    article_date: str | None = None  # ISO 8601 date of publication
    sources: list[CitedSource] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    crawls: list[CrawlRef] = field(default_factory=list)
    generated: str | None = None  # when this graph was built (ISO 8601)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with each source's and claim's status included."""
        data = asdict(self)
        for source, source_data in zip(self.sources, data["sources"], strict=True):
            source_data["status"] = source.status
        for claim, claim_data in zip(self.claims, data["claims"], strict=True):
            claim_data["status"] = claim.status
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CitationGraph:
        """The graph of a ``to_dict`` result (derived ``status`` keys are ignored)."""
        return cls(
            article_url=data["article_url"],
            article_captures=[_build(CaptureRef, c) for c in data.get("article_captures", [])],
            article_language=data.get("article_language"),
            article_date=data.get("article_date"),
            sources=[_source(s) for s in data.get("sources", [])],
            claims=[_claim(c) for c in data.get("claims", [])],
            crawls=[_build(CrawlRef, c) for c in data.get("crawls", [])],
            generated=data.get("generated"),
        )


def _build(kind: Any, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(kind)}
    return kind(**{key: value for key, value in data.items() if key in names})


def _source(data: dict[str, Any]) -> CitedSource:
    source: CitedSource = _build(CitedSource, {**data, "captures": []})
    source.captures = [_build(CaptureRef, c) for c in data.get("captures", [])]
    return source


def _claim(data: dict[str, Any]) -> Claim:
    claim: Claim = _build(Claim, {**data, "matches": []})
    claim.matches = [_build(ClaimMatch, m) for m in data.get("matches", [])]
    return claim
