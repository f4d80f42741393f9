"""Citation links against a hand-labelled set: precision and recall of "citation" over floors.

``tests/link_eval/labels.json`` labels every main-text link of 49 corpus pages (all those with
links but the Wikipedia page, whose 391 wikilinks would swamp the rest) and of the synthetic pages
of ``tests/link_eval/synthetic.json``, with ``citation`` (is the target a source document?) and a
one-word class. A page about a person or an organisation (a staff, faculty or lab page, a
Crunchbase profile: class ``profile``) is no source document; those labels were made false when
the issue's "author pages are not citations" was applied to other sites' profiles too. Floors
are in ``tests/link_eval/floors.json``. Run as a module
(``python -m tests.test_citations_link_eval``) for the full report.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from archive.citations.links import LinkDecision, classify_links
from archive.text.extraction import Extraction
from tests.citations_data import article

_DIR = Path(__file__).resolve().parent / "link_eval"


@dataclass(frozen=True, slots=True)
class Judged:
    """One labelled link and the classifier's decision on it."""

    source: str  # "page 12" or "case uk-daily"
    label: dict[str, object]
    decision: LinkDecision


def _labels() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads((_DIR / "labels.json").read_text(encoding="utf-8"))
    return rows


def _pages() -> dict[str, tuple[Extraction, str]]:
    """Source key -> (extraction, article URL), for every labelled page."""
    pages: dict[str, tuple[Extraction, str]] = {}
    for row in _labels():
        if row.get("page") is not None:
            number = int(str(row["page"]))
            pages[f"page {number}"] = (article(number), str(row["article"]))
    cases = json.loads((_DIR / "synthetic.json").read_text(encoding="utf-8"))["cases"]
    for case in cases:
        links = tuple((str(href), str(anchor)) for href, anchor in case["links"])
        pages[f"case {case['case']}"] = (
            Extraction(text=case["text"], links=links),
            case["article"],
        )
    return pages


def _key(row: dict[str, object]) -> str:
    return f"page {row['page']}" if row.get("page") is not None else f"case {row['case']}"


@cache
def judged() -> tuple[tuple[Judged, ...], tuple[str, ...]]:
    """Every labelled link with its decision, and the problems (unlabelled or unmatched links)."""
    by_source: dict[str, list[dict[str, object]]] = {}
    for row in _labels():
        by_source.setdefault(_key(row), []).append(row)
    results: list[Judged] = []
    problems: list[str] = []
    for source, (extraction, url) in _pages().items():
        pending = list(by_source.get(source, []))
        for decision in classify_links(extraction, url):
            link = decision.link
            match = next(
                (r for r in pending if r["url"] == link.url and r["anchor"] == link.anchor), None
            ) or next((r for r in pending if r["url"] == link.url), None)
            if match is None:
                problems.append(f"{source}: unlabelled {link.url} {link.anchor!r}")
                continue
            pending.remove(match)
            results.append(Judged(source, match, decision))
        problems += [f"{source}: label matched no link {r['url']} {r['anchor']!r}" for r in pending]
    return tuple(results), tuple(problems)


def scores(items: tuple[Judged, ...]) -> tuple[float, float, Counter[str]]:
    """Precision and recall of "citation", and the counts tp/fp/fn/tn."""
    counts: Counter[str] = Counter()
    for item in items:
        cited = bool(item.label["citation"])
        kept = item.decision.keep
        counts[("tp" if cited else "fp") if kept else ("fn" if cited else "tn")] += 1
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    return precision, recall, counts


def report(items: tuple[Judged, ...]) -> str:
    """Confusion per labelled class, then every error with the reason the classifier gave."""
    per_class: dict[str, Counter[str]] = {}
    for item in items:
        counts = per_class.setdefault(str(item.label["class"]), Counter())
        counts["kept" if item.decision.keep else "dropped"] += 1
    lines = [f"{'class':14} {'citation':>8} {'kept':>5} {'dropped':>7}"]
    for name, counts in sorted(per_class.items()):
        cited = next(bool(i.label["citation"]) for i in items if i.label["class"] == name)
        lines.append(f"{name:14} {cited!s:>8} {counts['kept']:5} {counts['dropped']:7}")
    for name, part in (
        ("corpus", tuple(i for i in items if i.source.startswith("page "))),
        ("synthetic", tuple(i for i in items if i.source.startswith("case "))),
        ("all", items),
    ):
        precision, recall, counts = scores(part)
        lines.append(f"{name:9} precision {precision:.3f} recall {recall:.3f} {dict(counts)}")
    for item in items:
        if item.decision.keep != bool(item.label["citation"]):
            link = item.decision.link
            wrong = "followed" if item.decision.keep else "dropped"
            lines.append(
                f"  {wrong} [{item.label['class']}] {item.source} {link.anchor[:50]!r}"
                f" {link.url[:80]} <- {item.decision.reason}"
            )
    return "\n".join(lines)


def test_labels_cover_every_link() -> None:
    items, problems = judged()
    assert not problems, problems
    pages = {item.source for item in items if item.source.startswith("page ")}
    assert len(pages) >= 25 and len(items) > 400


def test_precision_and_recall_above_floors() -> None:
    items, _ = judged()
    floors = json.loads((_DIR / "floors.json").read_text(encoding="utf-8"))
    print(report(items))
    precision, recall, _counts = scores(items)
    assert precision >= floors["precision"], f"precision {precision:.3f}"
    assert recall >= floors["recall"], f"recall {recall:.3f}"


def test_every_rejection_names_its_signal() -> None:
    items, _ = judged()
    for item in items:
        decision = item.decision
        assert decision.reason.split(":")[0] == decision.kind
        assert decision.keep == (decision.kind == "citation")


if __name__ == "__main__":
    print(report(judged()[0]))
