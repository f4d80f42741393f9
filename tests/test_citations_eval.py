"""The hand-labelled citations evaluation set: well-formed, covering its cases, and scored at
least at the floors pinned in ``tests/citations_eval/floors.json``."""

from __future__ import annotations

import json
import math
import re
from functools import cache
from urllib.parse import urlsplit

import pytest

from tests.citations_eval import (
    EVAL_DIR,
    Article,
    PassagePrediction,
    Prediction,
    align_links,
    eval_registry,
    figures,
    load_set,
    score_linking,
    score_set,
    scores,
    source_matches,
    speaker_matches,
)

# the cases the set must hold, each checked against the data below where it can be
REQUIRED_COVERS = frozenset(
    {
        "interview_by_link",
        "report_by_link",
        "agency_named_no_link",
        "foreign_language_source",
        "pronoun_chain",
        "reported_speech",
        "multi_paragraph_quote",
        "according_to",
        "headline_repeat",
        "caption_repeat",
        "link_in_previous_sentence",
        "tag_links",
        "newsletter_promo",
        "decoy_same_speaker",
        "decoy_same_topic",
    }
)
KINDS = frozenset({"link", "named", "none"})


@cache
def _set() -> tuple[Article, ...]:
    return tuple(load_set())


@cache
def _raw() -> tuple[dict[str, object], ...]:
    files = sorted(p for p in EVAL_DIR.glob("*.json") if p.stem not in ("floors", "sources"))
    return tuple(json.loads(p.read_text(encoding="utf-8")) for p in files)


def test_size_of_the_set() -> None:
    articles = _set()
    corpus = [a for a in articles if a.id.startswith("corpus-")]
    own = [a for a in articles if not a.id.startswith("corpus-")]
    assert len(corpus) >= 15 and len(own) >= 4
    assert sum(len(a.claims) for a in articles) >= 150
    assert sum(len(a.links) for a in articles) >= 100
    assert len({a.id for a in articles}) == len(articles)


def test_every_claim_and_passage_is_in_the_extracted_text() -> None:
    for article in _set():
        assert article.extraction.ok, article.id
        for claim in article.claims:
            assert claim.start >= 0, (article.id, claim.claim)
            assert article.text[claim.start : claim.start + len(claim.claim)] == claim.claim
            assert claim.source_kind in KINDS, (article.id, claim.claim)
            assert (claim.source is None) == (claim.source_kind == "none"), claim.claim
            assert (claim.source_kind == "link") == ("://" in (claim.source or ""))
            if claim.passage is not None:
                assert claim.source_page in article.source_pages, (article.id, claim.claim)
                assert claim.passage in article.source_pages[claim.source_page][0]
            else:
                assert claim.source_page is None, (article.id, claim.claim)


def test_offsets_name_the_occurrence_meant() -> None:
    for data in _raw():
        article = next(a for a in _set() if a.id == data["id"])
        items = data["attributions"]
        assert isinstance(items, list)
        for item, claim in zip(items, article.claims, strict=True):
            assert item["start"] == claim.start, (article.id, claim.claim)
        starts = [claim.start for claim in article.claims]
        assert len(set(starts)) == len(starts), article.id


def test_skipped_spans_are_in_the_text_and_have_reasons() -> None:
    for data in _raw():
        article = next(a for a in _set() if a.id == data["id"])
        skipped = data.get("skipped", [])
        assert isinstance(skipped, list)
        assert len(article.skipped) == len(skipped)
        assert all(isinstance(s, dict) and s["why"] for s in skipped)


def test_every_main_text_link_is_labelled_once() -> None:
    for article in _set():
        labelled = [(link.url, link.anchor) for link in article.links]
        extracted = [
            (href.strip(), " ".join(text.split())) for href, text in article.extraction.links
        ]
        assert labelled == extracted, article.id


def test_every_gold_link_finds_its_decision() -> None:
    registry = eval_registry()
    for article in _set():
        assert all(keep is not None for _, keep in align_links(article, registry)), article.id


def _covering(tag: str) -> list[Article]:
    return [a for a in _set() if tag in a.covers]


def test_required_cases_are_covered() -> None:
    tagged = {tag for article in _set() for tag in article.covers}
    assert tagged >= REQUIRED_COVERS, REQUIRED_COVERS - tagged


def test_cover_tags_match_the_data() -> None:
    for article in _covering("interview_by_link") + _covering("report_by_link"):
        assert sum(c.source_kind == "link" and c.passage is not None for c in article.claims) >= 4
    for article in _covering("agency_named_no_link"):
        named = [c for c in article.claims if c.source_kind == "named" and c.passage]
        assert named and all("://" not in c.source for c in named if c.source)
    for article in _covering("foreign_language_source"):
        assert any(lang != article.language for _, lang in article.source_pages.values())
    for article in _covering("multi_paragraph_quote"):
        # a quotation left open at a paragraph's end, the next paragraph opening another
        opened = re.search(r'“[^”\n]*\n“|"[^"\n]*\n"', article.text)
        assert opened, article.id
    for article in _covering("according_to"):
        assert "according to" in article.text.casefold(), article.id
    for article in _covering("tag_links"):
        tags = [
            link
            for link in article.links
            if not link.citation and re.fullmatch(r"/\w+/[a-z]+-[a-z]+", urlsplit(link.url).path)
        ]
        assert tags, article.id
    for article in _covering("newsletter_promo"):
        assert any(not link.citation and "sign-up" in link.url for link in article.links)
        assert "newsletter" in article.text
    for tag in ("decoy_same_speaker", "decoy_same_topic"):
        for article in _covering(tag):
            if article.source_pages:
                assert any(c.passage is None and c.speaker for c in article.claims), article.id


def test_the_set_adds_its_outlets_to_the_default_registry() -> None:
    registry = eval_registry()
    assert registry.find_source("https://www.dailypaper.test/news/x") is not None
    assert registry.find_source("Новый вестник") is not None
    assert registry.find_source("Reuters") is not None  # the defaults are kept


def test_names_compare_as_the_docstring_says() -> None:
    assert speaker_matches("Mr. Trump", "Trump")
    assert speaker_matches("Eswar Prasad, a trade professor at Cornell", "Eswar Prasad")
    assert speaker_matches("Prasad", "Eswar Prasad")
    assert speaker_matches("The president", "Trump", ["the president"])
    assert not speaker_matches("he", "Eswar Prasad")
    assert not speaker_matches("Mary E", "Mary E. Lovely")
    assert not speaker_matches("Jason Foy", "Montell Figgins", ["Figgins"])


def test_a_perfect_method_scores_one_and_a_silent_one_zero() -> None:
    articles = _set()
    registry = eval_registry()

    def oracle(article: Article, _registry: object) -> list[Prediction]:
        return [
            Prediction(c.start, c.start + len(c.claim), c.speaker, c.source) for c in article.claims
        ]

    perfect = scores(score_set(articles, registry, oracle)[1])
    for name in ("claim", "speaker", "source"):
        assert (perfect[f"{name}_precision"], perfect[f"{name}_recall"]) == (1.0, 1.0), name
    silent = scores(score_set(articles, registry, lambda _a, _r: [])[1])
    assert silent["claim_recall"] == 0.0 and silent["speaker_recall"] == 0.0
    assert silent["claim_precision"] == 1.0  # nothing predicted, nothing wrong


def test_a_wrong_source_does_not_count() -> None:
    article = next(a for a in _set() if a.id == "herald-kessel-port")
    claim = next(c for c in article.claims if c.source_kind == "link")
    registry = eval_registry()
    assert source_matches(Prediction(0, 1, None, None, "dailypaper"), claim, registry)
    assert not source_matches(Prediction(0, 1, None, None, "reuters"), claim, registry)
    assert not source_matches(Prediction(0, 1, None, "Morning Herald"), claim, registry)


def test_linking_scores_gold_passages_as_correct_and_others_not() -> None:
    articles = _set()
    gold = [
        PassagePrediction(a.id, i, c.source_page, s, s + len(c.passage))
        for a in articles
        for i, c in enumerate(a.claims)
        if c.passage and c.source_page
        for s in [a.source_pages[c.source_page][0].find(c.passage)]
    ]
    assert score_linking(articles, gold)[:2] == (1.0, 1.0)
    shifted = [PassagePrediction(p.article, p.claim, p.source_page, 0, 1) for p in gold]
    assert score_linking(articles, shifted)[0] == 0.0


def _floors() -> dict[str, float]:
    floors: dict[str, float] = json.loads((EVAL_DIR / "floors.json").read_text("utf-8"))
    return floors


@cache
def _measured() -> dict[str, float]:
    return figures(_set(), eval_registry())


@pytest.mark.parametrize("name", sorted(_floors()))
def test_measured_figures_reach_the_floors(name: str) -> None:
    measured = _measured()[name]
    assert measured >= _floors()[name], f"{name}: {measured:.3f} < floor {_floors()[name]}"


def test_floors_are_pinned_for_every_figure() -> None:
    floors = _floors()
    assert set(floors) == set(_measured())
    assert all(0.0 <= value <= 1.0 and math.isfinite(value) for value in floors.values())
