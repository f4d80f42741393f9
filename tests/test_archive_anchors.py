"""Anchor offsets come from the rendering, not from searching the anchor's words."""

from __future__ import annotations

from archive.citations.links import classify_links
from archive.text.extraction import extract

_PAGE = """<html><head><title>Runway</title></head><body><article>
<h1>Runway on North Tarn</h1>
<p>The ministry did not dispute the images. “The construction is a matter of national
sovereignty,” a spokesperson said in a statement, which was read out on the radio.</p>
<p>The foreign ministry issued <a href="https://mfa.example/statements/1">a statement</a> on
Monday evening and called on the government to halt all construction on the islands.</p>
<p>Analysts said the <a href="https://institute.example/report"><b>satellite</b> report</a>
was credible, and <a href="https://mfa.example/statements/1">a statement</a> followed.</p>
</article></body></html>"""


def _article() -> tuple[str, tuple[tuple[str, int, int], ...]]:
    extraction = extract(_PAGE.encode(), "https://news.example/world/runway", "text/html")
    assert extraction.ok and extraction.anchors is not None
    return extraction.text, extraction.anchors


def test_each_occurrence_is_located_where_it_was_linked() -> None:
    text, anchors = _article()
    first_unlinked = text.index("a statement")
    assert [href for href, _, _ in anchors] == [
        "https://mfa.example/statements/1",
        "https://institute.example/report",
        "https://mfa.example/statements/1",
    ]
    assert all(text[start:end] in ("a statement", "satellite report") for _, start, end in anchors)
    assert anchors[0][1] > first_unlinked  # not the earlier, unlinked "a statement"
    assert text[anchors[0][1] - 7 : anchors[0][1]] == "issued "
    assert anchors[2][1] > anchors[1][2]  # the repeat is its own occurrence


def test_classified_links_sit_in_their_own_sentences() -> None:
    extraction = extract(_PAGE.encode(), "https://news.example/world/runway", "text/html")
    decisions = classify_links(extraction, "https://news.example/world/runway")
    sentences = [d.link.sentence for d in decisions]
    assert sentences[0].startswith("The foreign ministry issued a statement")
    assert sentences[2].startswith("Analysts said")
    assert all("national sovereignty" not in s for s in sentences)


def test_texts_without_offsets_fall_back_to_searching() -> None:
    extraction = extract(_PAGE.encode(), "https://news.example/world/runway", "text/html")
    older = type(extraction)(text=extraction.text, links=extraction.links)  # a stored record
    decisions = classify_links(older, "https://news.example/world/runway")
    assert decisions and all(d.link.start >= 0 for d in decisions)
