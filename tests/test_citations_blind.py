"""The blind set: articles labelled by people who never saw prov's output, on which no rule was
tuned. Its floors are what prov measured there the first time it was run against the final
labels (README, "How well it reads real articles"); they guard against regressions on text
nobody fitted, and are raised only by improving the method on the development set."""

from __future__ import annotations

import json

import pytest

from tests.citations_eval import BLIND_DIR, eval_registry, load_set, score_set, scores

_FLOORS: dict[str, float] = json.loads((BLIND_DIR / "floors.json").read_text(encoding="utf-8"))


def test_blind_labels_are_well_formed() -> None:
    articles = load_set(BLIND_DIR)
    assert len(articles) >= 8
    for article in articles:
        assert article.extraction.ok, article.id
        for claim in article.claims:
            assert claim.start >= 0, (article.id, claim.claim)
            assert claim.source_kind in ("link", "named", "none"), (article.id, claim.claim)
            assert (claim.source is None) == (claim.source_kind == "none"), article.id


@pytest.mark.parametrize("name", sorted(_FLOORS))
def test_blind_figures_reach_the_floors(name: str) -> None:
    _, total = score_set(load_set(BLIND_DIR), eval_registry())
    measured = scores(total)[name]
    assert measured >= _FLOORS[name], f"{name}: {measured:.3f} < floor {_FLOORS[name]}"
