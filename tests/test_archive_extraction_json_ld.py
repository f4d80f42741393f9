"""A page whose body scripts render: the JSON-LD articleBody is its text, when it says much
more than the HTML body; otherwise the HTML's main text (with its links) stays."""

from __future__ import annotations

import json

from archive.text.extraction import extract

BODY = " ".join(
    f"Paragraph {n} of the opinion piece says the chief executive acted too late again."
    for n in range(20)
)


def _page(body_html: str, ld: object) -> bytes:
    block = json.dumps(ld) if not isinstance(ld, str) else ld
    return (
        "<html><head><title>Opinion</title>"
        f'<script type="application/ld+json">{block}</script></head>'
        f"<body><article>{body_html}</article></body></html>"
    ).encode()


def test_the_declared_body_replaces_a_caption_only_extraction() -> None:
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage"},
        {"@type": ["OpinionNewsArticle"], "headline": "Opinion", "articleBody": BODY},
    ]}  # fmt: skip
    html = "<figure><p>The chief executive at a debate on Monday. Photo: AP</p></figure>"
    found = extract(_page(html, ld), "https://news.test/opinion/1", "text/html")
    assert found.ok and found.text == BODY
    assert found.options["main_text"] == "json-ld articleBody"
    assert found.links == ()  # JSON-LD gives the text, not its links


def test_a_real_body_keeps_its_text_and_links_and_broken_blocks_are_ignored() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the report, as <a href='https://src.test/{n}'>the agency said</a>, "
        "describes the storm damage along the northern coast in some detail.</p>"
        for n in range(12)
    )
    short = {"@type": "NewsArticle", "articleBody": "A storm hit the coast."}
    for ld in (short, "{not json", {"@type": "Recipe", "articleBody": BODY * 3}):
        found = extract(_page(paragraphs, ld), "https://news.test/storm", "text/html")
        assert found.ok and "main_text" not in found.options, ld
        assert "Paragraph 11 of the report" in found.text and found.links
