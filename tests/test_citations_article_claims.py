"""Every checkable claim of an article: attributions, evidential linked sentences, first-hand."""

from __future__ import annotations

import json
from pathlib import Path

from archive.citations.article_claims import find_claims
from archive.citations.links import CitationLink
from archive.citations.registry import load_registry

TEXT = (
    "The mayor told the Riverton Gazette that the bridge would reopen in June. "
    "The Courier reported that the repairs would cost £2m. "
    "Traffic counts compiled by the council show that 9,000 vehicles used the bridge daily. "
    "An older piece about the bridge is still online."
)


def _link(anchor: str, url: str) -> CitationLink:
    start = TEXT.index(anchor)
    sentence_start = TEXT.rfind(". ", 0, start) + 2 if TEXT.rfind(". ", 0, start) >= 0 else 0
    sentence_end = TEXT.index(".", start) + 1
    return CitationLink(
        url, anchor, TEXT[sentence_start:sentence_end], start, start + len(anchor),
        sentence_start, sentence_end, False,
    )  # fmt: skip


def test_linked_sentences_are_claims_only_when_they_report_something(tmp_path: Path) -> None:
    registry_file = tmp_path / "sources.json"
    registry_file.write_text(json.dumps({"sources": [
        {"id": "gazette", "name": "Riverton Gazette", "domains": ["riverton-gazette.test"]},
        {"id": "courier", "name": "The Courier", "domains": ["courier.test"]},
    ]}))  # fmt: skip
    registry = load_registry(registry_file, environ={})
    counts = _link("Traffic counts", "https://council.test/data/bridge-counts.csv")
    older = _link("An older piece", "https://riverton-gazette.test/2019/bridge")
    found = find_claims(
        TEXT, [counts, older], registry, "https://riverton-gazette.test/2025/bridge-june"
    )
    statements = {a.statement: a for a in found}
    mayor = next(a for s, a in statements.items() if "reopen in June" in s)
    assert mayor.source is None and mayor.source_id is None  # told this paper: first-hand
    courier = next(a for s, a in statements.items() if "£2m" in s)
    assert courier.source_id == "courier"
    data = next(a for a in found if a.kind == "link")
    assert data.source is not None and data.source.url == counts.url
    assert data.resolution == "link"
    assert not any("older piece" in a.statement for a in found)  # reports nothing


def test_a_headline_takes_the_source_of_the_sourced_body_claim_on_a_tie() -> None:
    """Two body claims say as much of the headline; only one has a source: that is the one the
    headline repeats (the other, unsourced, would leave the headline without a source)."""
    text = (
        "Harbour talks with foreign bidder collapsed in March, says port official\n"
        "The minister denied that the harbour was sold in March to a bidder.\n"
        "In an interview with the Coast Times, Ana Rist said the talks had collapsed in March "
        "after two rounds.\n"
    )
    anchor = "an interview"
    start = text.index(anchor)
    sentence_start = text.index("In an interview")
    link = CitationLink(
        "https://coasttimes.test/rist-interview", anchor, text[sentence_start:], start,
        start + len(anchor), sentence_start, len(text), False,
    )  # fmt: skip
    headline = find_claims(text, [link])[0]
    assert headline.start == 0
    assert headline.source is not None and headline.source.url == link.url
    assert headline.speaker == "Ana Rist"
