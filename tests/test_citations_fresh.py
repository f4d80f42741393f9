"""The fresh set: invented articles of prov's own kind, labelled blind, measured once blind
(``tests/citations_fresh/README.md``), since then a second development set whose floors
guard against regressions."""

from __future__ import annotations

import json

import pytest

from tests.citations_eval import FRESH_DIR, eval_registry, figures, load_set

_FLOORS: dict[str, float] = json.loads((FRESH_DIR / "floors.json").read_text(encoding="utf-8"))


def test_fresh_labels_are_well_formed() -> None:
    articles = load_set(FRESH_DIR)
    assert len(articles) == 3
    for article in articles:
        assert article.extraction.ok, article.id
        for claim in article.claims:
            assert claim.start >= 0, (article.id, claim.claim)
            assert (claim.source is None) == (claim.source_kind == "none"), article.id
            if claim.passage and claim.source_page:
                assert claim.passage in article.source_pages[claim.source_page][0]


@pytest.mark.parametrize("name", sorted(_FLOORS))
def test_fresh_figures_reach_the_floors(name: str) -> None:
    measured = figures(load_set(FRESH_DIR), eval_registry())
    assert measured[name] >= _FLOORS[name], f"{name}: {measured[name]:.3f} < {_FLOORS[name]}"
