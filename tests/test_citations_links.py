"""Citation links: main-text links minus boilerplate, located in the text with their sentence."""

from __future__ import annotations

from archive.citations.links import citation_links, classify_links, same_site
from archive.citations.registry import load_registry
from archive.extraction import Extraction
from tests.citations_data import article, page_url


def reasons(number: int) -> dict[str, set[str]]:
    """Kind of decision -> anchors, for corpus page ``number``."""
    found: dict[str, set[str]] = {}
    for decision in classify_links(article(number), page_url(number)):
        found.setdefault(decision.kind, set()).add(decision.link.anchor)
    return found


def test_washington_post_article_citations_with_sentences() -> None:
    registry = load_registry(environ={})
    links = citation_links(article(51), page_url(51), registry)
    by_anchor = {link.anchor: link for link in links}
    # the link to the article itself is not a citation
    assert "stormed the Bardo National Museum" not in by_anchor
    ap = by_anchor["condemned the attack"]
    assert ap.url.startswith("http://hosted2.ap.org/APDEFAULT/")
    assert ap.source_id == "ap" and not ap.same_site
    assert "White House press secretary Josh Earnest condemned the attack" in ap.sentence
    assert article(51).text[ap.start : ap.end] == "condemned the attack"
    # the BBC link was split by inline markup into two pieces: one citation
    bbc = [link for link in links if link.url == "http://www.bbc.com/news/world-africa-23452979"]
    assert len(bbc) == 1 and bbc[0].source_id == "bbc"
    assert bbc[0].anchor.startswith("The government outlawed the group")
    assert bbc[0].anchor.endswith("of two leftist politicians")
    assert len(links) == 6


def test_boilerplate_of_real_pages_is_rejected() -> None:
    space = reasons(12)
    assert space["related"] >= {"Moon Rush: Private Lunar Lander Plans"}
    assert {"@tariqjmalik", "@Spacedotcom", "Facebook", "", "."} <= space["anchor"]
    assert "said in a statement" in space["citation"]  # NASA's press release
    hill = reasons(6)
    assert "MORE" in hill["navigation"]  # thehill.com/people/kristi-noem
    # the "related stories" hover card inlined in the first sentence
    assert "South Dakota drops pipeline protest laws after lawsuit" in hill["related"]
    assert "according to the Sioux Falls Argus Leader" in hill["citation"]
    assert any(anchor.startswith("South Dakota governor doubles down") for anchor in hill["self"])
    assert reasons(50)["taxonomy"] == {"Sudan", "South Sudan"}  # topics.nytimes.com
    assert reasons(50)["self"] == {"Continue reading the main story"}  # ...#whats-next
    assert reasons(47)["navigation"] >= {"Boko Haram", "Ramadan"}  # same-site search pages
    assert reasons(63)["taxonomy"] == {"USA", "Brasilien"}  # wiwo.de/themen/...
    liberation = reasons(62)
    assert "78 commentaires" in liberation["anchor"]
    assert "Une haute responsable de l'ETA arrêtée en France" in liberation["related"]


def test_links_of_every_corpus_page_are_located() -> None:
    located = total = 0
    for number in (1, 2, 3, 10, 14, 17, 45, 51):
        for link in citation_links(article(number), page_url(number)):
            total += 1
            if link.start >= 0:
                located += 1
                assert link.sentence_start <= link.start < link.end <= link.sentence_end
    assert total > 100 and located / total > 0.97


def test_hand_written_boilerplate() -> None:
    text = (
        "The ministry said on Monday that 12 drones were shot down, according to a statement.\n"
        "Share this article\nRead more\nFollow @newsdesk\nWar in Ukraine\n"
        "Our correspondent Jane Doe reported from Kyiv."
    )
    base = "https://news.example.com/2024/03/04/drones"
    extraction = Extraction(
        text=text,
        links=(
            ("https://mil.example.gov/statements/1234", "a statement"),
            ("https://www.facebook.com/sharer/sharer.php?u=" + base, "Share this article"),
            ("https://twitter.com/intent/tweet?url=" + base, "Share this article"),
            ("https://news.example.com/2024/03/04/other-story", "Read more"),
            ("https://twitter.com/newsdesk", "Follow @newsdesk"),
            ("https://news.example.com/tag/ukraine/", "War in Ukraine"),
            ("https://news.example.com/author/jane-doe", "Jane Doe"),
            ("mailto:tips@news.example.com", "tips"),
            ("javascript:void(0)", "print"),
            (base + "#comments", "comments"),
            ("https://www.news.example.com/", "Home"),
        ),
    )
    decisions = classify_links(extraction, base)
    assert [(d.kind, d.link.anchor) for d in decisions] == [
        ("citation", "a statement"),
        ("share", "Share this article"),
        ("share", "Share this article"),
        ("anchor", "Read more"),
        ("anchor", "Follow @newsdesk"),
        ("taxonomy", "War in Ukraine"),
        ("taxonomy", "Jane Doe"),
        ("scheme", "tips"),
        ("scheme", "print"),
        ("self", "comments"),
        ("homepage", "Home"),
    ]
    (kept,) = citation_links(extraction, base)
    assert kept.sentence.startswith("The ministry said on Monday") and kept.start > 0


def test_same_site() -> None:
    assert same_site("https://www.bbc.co.uk/news/1", "https://feeds.bbc.co.uk/x")
    assert not same_site("https://bbc.co.uk/", "https://co.uk/")
    assert same_site("http://topics.nytimes.com/top", "https://www.nytimes.com/2017/01/13/x")
    assert not same_site("https://nytimes.com/", "https://nytimes.co.uk/")
