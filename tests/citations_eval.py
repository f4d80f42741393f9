"""The hand-labelled evaluation set of attribution and claim linking, and how it is scored.

The set (``tests/citations_eval/*.json``, one file per article) holds real corpus articles
(``"html": "corpus:NNN"``) and invented ones with their source pages (in ``pages/``).
Every ``claim`` is an exact substring of the article's text as ``archive.text.extraction.extract``
gives it (``start`` is the offset of the occurrence meant), every ``passage`` one of the source
page's text; ``links`` lists every main-text link with whether it is a citation (a link offered
as the source or evidence of the statement around it; not: tag, topic, section and profile
pages, links on an entity's name to background, promos, newsletters, related-article lists,
share and self links). ``skipped`` lists attributions left out as ambiguous.

Scoring (micro-averaged over the set; a ratio with nothing to count is 1.0):

* tokens are ``\\w+`` runs; a predicted statement *matches* a gold claim when they share at
  least half of the shorter one's tokens; matching is one-to-one, largest overlap first. A
  prediction overlapping a ``skipped`` span that matches no gold claim is not counted at all;
* claim P = matched predictions / predictions, R = matched gold claims / gold claims;
* speaker P = matched predictions whose speaker is the gold speaker / predictions naming a
  speaker; R = gold claims with a speaker whose matched prediction names it / gold claims with
  a speaker. Names compare case-insensitively without titles ("Mr.", "Sen.") or a leading
  "the"; a prediction names the gold speaker when it equals the name or an alias, contains one
  ("Eswar Prasad, a trade professor"), or is the surname alone;
* source: the same, over predictions naming a source and gold claims with one. A link source
  is named by its URL, by a gold alias, or by the registry id of the source hosting the URL; a
  named source by its name, an alias, or the registry id those names resolve to;
* links: P/R of ``citation`` over the gold links, each gold link taking the decision of
  ``classify_links`` for the same URL whose anchor contains its anchor (pieces of one link are
  merged there);
* claim -> passage linking (``score_linking``): each prediction says which source page and
  which ``[start, end)`` of its text backs which gold claim; it is correct when the gold claim
  has a passage on that page sharing at least half of the shorter one's tokens. P = correct /
  predictions, R = correct / gold passages. The pinned figures come from ``pipeline_links``
  (what prov does: each predicted claim against the page its resolved source is);
  ``baseline_links`` is printed beside it: every gold claim against every source page of its
  article (so a decoy found in the wrong page counts against precision).

``python -m tests.citations_eval`` prints the per-article table and the totals (``... blind``
and ``... fresh`` for the other two sets).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from archive.citations.article_claims import find_claims
from archive.citations.attributions import Attribution
from archive.citations.links import citation_links, classify_links
from archive.citations.matching import match_claim
from archive.citations.registry import Registry, load_registry
from archive.citations.registry_file import read_sources
from archive.text.extraction import Extraction, extract
from tests.citations_data import corpus_dir

__all__ = [
    "BLIND_DIR",
    "EVAL_DIR",
    "FIGURES",
    "FRESH_DIR",
    "Article",
    "GoldClaim",
    "GoldLink",
    "PassagePrediction",
    "Prediction",
    "align_links",
    "baseline_links",
    "eval_registry",
    "figures",
    "load_set",
    "main",
    "pipeline_links",
    "predict",
    "score_article",
    "score_linking",
    "score_set",
    "scores",
    "source_matches",
    "speaker_matches",
    "tokens",
]

EVAL_DIR = Path(__file__).resolve().parent / "citations_eval"
BLIND_DIR = Path(__file__).resolve().parent / "citations_blind"
FRESH_DIR = Path(__file__).resolve().parent / "citations_fresh"
REPO = EVAL_DIR.parents[1]
_TOKEN = re.compile(r"\w+")
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "sgt", "president", "the"})
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class GoldClaim:
    claim: str
    start: int
    speaker: str | None
    speaker_aliases: tuple[str, ...]
    source: str | None
    source_aliases: tuple[str, ...]
    source_kind: str
    passage: str | None
    passage_start: int | None
    source_page: str | None


@dataclass(frozen=True, slots=True)
class GoldLink:
    url: str
    anchor: str
    citation: bool


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    url: str
    language: str
    extraction: Extraction
    claims: tuple[GoldClaim, ...]
    links: tuple[GoldLink, ...]
    skipped: tuple[Span, ...]
    source_pages: dict[str, tuple[str, str | None]]  # path -> (text, language)
    covers: tuple[str, ...]
    source_urls: dict[str, str] = field(default_factory=dict)  # url -> path

    @property
    def text(self) -> str:
        return self.extraction.text


@dataclass(frozen=True, slots=True)
class Prediction:
    """An attributed statement as a method predicts it (offsets in the article text)."""

    start: int
    end: int
    speaker: str | None
    source: str | None = None  # a URL or a name
    source_id: str | None = None  # a registry id


@dataclass(frozen=True, slots=True)
class PassagePrediction:
    """Claim ``claim`` of article ``article`` is backed by ``[start, end)`` of ``source_page``."""

    article: str
    claim: int
    source_page: str
    start: int
    end: int


# figure name -> (numerator, denominator): names of the counts ``score_article`` makes
FIGURES = {
    "claim_precision": ("matched", "predicted"),
    "claim_recall": ("matched", "gold"),
    "speaker_precision": ("speaker_right", "speaker_predicted"),
    "speaker_recall": ("speaker_right", "speaker_gold"),
    "source_precision": ("source_right", "source_predicted"),
    "source_recall": ("source_right", "source_gold"),
    "link_precision": ("links_right", "links_predicted"),
    "link_recall": ("links_right", "links_gold"),
}


def scores(counts: Counter[str]) -> dict[str, float]:
    """The figures of ``FIGURES`` from counts."""
    return {name: _ratio(counts[num], counts[den]) for name, (num, den) in FIGURES.items()}


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def tokens(text: str, start: int = 0, end: int | None = None) -> set[int]:
    """Start offsets of the ``\\w+`` tokens of ``text[start:end]`` (a set, for overlaps)."""
    return {m.start() for m in _TOKEN.finditer(text, start, len(text) if end is None else end)}


def _overlaps(first: set[int], second: set[int]) -> int:
    shared = len(first & second)
    return shared if first and second and shared * 2 >= min(len(first), len(second)) else 0


def _locate(text: str, piece: str, hint: int | None) -> int:
    """The occurrence of ``piece`` in ``text`` at (or nearest to) ``hint``; -1 if none."""
    found = [m.start() for m in re.finditer(re.escape(piece), text)]
    if not found:
        return -1
    return min(found, key=lambda at: abs(at - (hint or 0)))


@cache
def _page(html: str, url: str) -> Extraction:
    if html.startswith("corpus:"):
        body = (corpus_dir() / f"{html.removeprefix('corpus:')}.html").read_bytes()
    else:
        body = (REPO / html).read_bytes()
    return extract(body, url, "text/html")


def _article(data: dict[str, Any]) -> Article:
    extraction = _page(data["html"], data["url"])
    text = extraction.text
    claims = []
    for item in data["attributions"]:
        values = {key: item.get(key) for key in GoldClaim.__dataclass_fields__}
        values["start"] = _locate(text, item["claim"], item.get("start"))
        values["speaker_aliases"] = tuple(item.get("speaker_aliases", ()))
        values["source_aliases"] = tuple(item.get("source_aliases", ()))
        claims.append(GoldClaim(**values))
    skipped = [
        (at, at + len(s["text"]))
        for s in data.get("skipped", [])
        for at in [_locate(text, s["text"], None)]
        if at >= 0
    ]
    pages = {
        page["path"]: (_page(page["path"], page["url"]).text, page.get("language"))
        for page in data.get("source_pages", [])
    }
    links = tuple(GoldLink(i["url"], i["anchor"], i["citation"]) for i in data["links"])
    urls = {page["url"]: page["path"] for page in data.get("source_pages", [])}
    return Article(
        data["id"],
        data["url"],
        data["language"],
        extraction,
        tuple(claims),
        links,
        tuple(skipped),
        pages,
        tuple(data.get("covers", ())),
        urls,
    )


def load_set(directory: Path = EVAL_DIR) -> list[Article]:
    """Every article of the set, extracted (``floors.json`` and ``sources.json`` excluded)."""
    files = sorted(p for p in directory.glob("*.json") if p.stem not in ("floors", "sources"))
    if not files:
        raise FileNotFoundError(f"no labelled article in {directory}")
    return [_article(json.loads(path.read_text(encoding="utf-8"))) for path in files]


@cache
def eval_registry() -> Registry:
    """The default registry (no ``$PROV_SOURCES``) plus the fixture outlets of the
    development and the fresh set."""
    registry = load_registry(EVAL_DIR / "sources.json", environ={})
    return registry.with_overrides(read_sources(FRESH_DIR / "sources.json", allow_disabled=True))


def predict(article: Article, registry: Registry) -> list[Prediction]:
    """``find_claims`` on the article's text and its citation links (as the citations
    spider calls it), as predictions: a linked source is named by its URL."""
    links = citation_links(article.extraction, article.url, registry)
    found = find_claims(article.text, links, registry, article.url)
    return [
        Prediction(
            a.start,
            a.end,
            a.speaker,
            a.source.url if a.source is not None and a.source.url else a.source_name,
            a.source_id,
        )
        for a in found
    ]


def _name_tokens(name: str) -> list[str]:
    words = re.findall(r"[\w'’-]+", name.casefold().replace("’", "'"))
    while len(words) > 1 and words[0].rstrip(".") in _TITLES:
        words = words[1:]
    return [word.removesuffix("'s") for word in words]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def speaker_matches(predicted: str, gold: str, aliases: Iterable[str] = ()) -> bool:
    """Whether ``predicted`` names the gold speaker (see the module docstring)."""
    said = _name_tokens(predicted)
    if not said:
        return False
    for form in (gold, *aliases):
        wanted = _name_tokens(form)
        if wanted and (_contains(said, wanted) or (len(said) == 1 and said[0] == wanted[-1])):
            return True
    return False


def _plain_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), parts.query, ""))


def _source_ids(gold: GoldClaim, registry: Registry) -> set[str]:
    found = (registry.find_source(form) for form in (gold.source or "", *gold.source_aliases))
    return {source.id for source in found if source is not None}


def source_matches(predicted: Prediction, gold: GoldClaim, registry: Registry) -> bool:
    """Whether the prediction names the gold claim's source (see the module docstring)."""
    if gold.source is None:
        return False
    if predicted.source_id is not None and predicted.source_id in _source_ids(gold, registry):
        return True
    if predicted.source is None:
        return False
    if "://" in predicted.source:
        forms = [gold.source, *gold.source_aliases]
        return _plain_url(predicted.source) in {_plain_url(f) for f in forms if "://" in f}
    names = [f for f in (gold.source, *gold.source_aliases) if "://" not in f]
    return any(_name_tokens(predicted.source) == _name_tokens(name) for name in names)


def _pairs(golds: Sequence[set[int]], preds: Sequence[set[int]]) -> dict[int, int]:
    """One-to-one matches gold index -> prediction index, largest overlap first."""
    candidates = sorted(
        ((_overlaps(g, p), gi, pi) for gi, g in enumerate(golds) for pi, p in enumerate(preds)),
        reverse=True,
    )
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for overlap, gi, pi in candidates:
        if overlap and gi not in pairs and pi not in used:
            pairs[gi] = pi
            used.add(pi)
    return pairs


def align_links(article: Article, registry: Registry) -> list[tuple[GoldLink, bool | None]]:
    """Each gold link with the ``keep`` of its ``classify_links`` decision (None: no decision)."""
    decisions = [
        (_plain_url(d.link.url), d.link.anchor, d.keep)
        for d in classify_links(article.extraction, article.url, registry)
    ]
    aligned: list[tuple[GoldLink, bool | None]] = []
    for gold in article.links:
        url, anchor = _plain_url(gold.url), " ".join(gold.anchor.split())
        keep = next((k for u, a, k in decisions if u == url and anchor in a), None)
        aligned.append((gold, keep))
    return aligned


def score_article(
    article: Article, predictions: Sequence[Prediction], registry: Registry
) -> Counter[str]:
    """Claim, speaker, source and link counts of one article (names: see ``FIGURES``)."""
    text = article.text
    golds = [tokens(text, g.start, g.start + len(g.claim)) for g in article.claims]
    preds = [tokens(text, p.start, p.end) for p in predictions]
    pairs = _pairs(golds, preds)
    skipped = [tokens(text, *span) for span in article.skipped]
    counted = [
        predictions[i]
        for i, p in enumerate(preds)
        if i in pairs.values() or not any(_overlaps(p, s) for s in skipped)
    ]
    counts: Counter[str] = Counter(gold=len(golds), predicted=len(counted), matched=len(pairs))
    counts["speaker_predicted"] = sum(p.speaker is not None for p in counted)
    counts["source_predicted"] = sum(bool(p.source or p.source_id) for p in counted)
    for index, gold in enumerate(article.claims):
        pred = predictions[pairs[index]] if index in pairs else None
        counts["speaker_gold"] += gold.speaker is not None
        counts["speaker_right"] += bool(
            pred
            and pred.speaker
            and gold.speaker
            and speaker_matches(pred.speaker, gold.speaker, gold.speaker_aliases)
        )
        counts["source_gold"] += gold.source is not None
        counts["source_right"] += bool(pred and source_matches(pred, gold, registry))
    for link, decided in align_links(article, registry):
        counts["links_gold"] += link.citation
        counts["links_predicted"] += bool(decided)
        counts["links_right"] += bool(decided) and link.citation
    return counts


def score_set(
    articles: Sequence[Article],
    registry: Registry,
    method: Callable[[Article, Registry], list[Prediction]] = predict,
) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """Per-article counts and their total, for ``method`` (default: ``find_attributions``)."""
    per_article = {a.id: score_article(a, method(a, registry), registry) for a in articles}
    return per_article, sum(per_article.values(), Counter())


def score_linking(
    articles: Sequence[Article], predicted: Iterable[PassagePrediction]
) -> tuple[float, float, int, int, int]:
    """Claim -> passage P and R, with (correct, predictions, gold passages)."""
    by_id = {article.id: article for article in articles}
    gold_total = sum(1 for a in articles for c in a.claims if c.passage and c.source_page)
    correct = count = 0
    for guess in predicted:
        count += 1
        if guess.claim < 0:  # a passage for a statement that is no gold claim
            continue
        claim = by_id[guess.article].claims[guess.claim]
        if claim.passage is None or claim.source_page != guess.source_page:
            continue
        source = by_id[guess.article].source_pages[guess.source_page][0]
        start = _locate(source, claim.passage, claim.passage_start)
        gold = tokens(source, start, start + len(claim.passage))
        correct += bool(_overlaps(gold, tokens(source, guess.start, guess.end)))
    return _ratio(correct, count), _ratio(correct, gold_total), correct, count, gold_total


def baseline_links(articles: Sequence[Article]) -> list[PassagePrediction]:
    """``match_claim`` of every gold claim against every source page of its article."""
    found: list[PassagePrediction] = []
    for article in articles:
        for path, (source, language) in article.source_pages.items():
            for index, claim in enumerate(article.claims):
                match = match_claim(claim.claim, source, language, article.language)
                if match.found and match.start is not None and match.end is not None:
                    found.append(PassagePrediction(article.id, index, path, match.start, match.end))
    return found


def pipeline_links(articles: Sequence[Article], registry: Registry) -> list[PassagePrediction]:
    """What prov links, as ``archive.citations.claims`` does after a crawl: each predicted
    claim against the page its resolved source is (a cited URL, or the pages of the named
    registry source), with ``match_claim``; a found passage is credited to the gold claim the
    prediction matches."""
    found: list[PassagePrediction] = []
    for article in articles:
        links = citation_links(article.extraction, article.url, registry)
        claims = find_claims(article.text, links, registry, article.url)
        golds = [tokens(article.text, g.start, g.start + len(g.claim)) for g in article.claims]
        pairs = _pairs(golds, [tokens(article.text, c.start, c.end) for c in claims])
        gold_of = {pred: gold for gold, pred in pairs.items()}
        starts = {claim.start: number for number, claim in enumerate(claims)}
        passages: dict[int, tuple[str, int, int]] = {}
        for number, claim in enumerate(claims):
            for path in _pages_of(article, claim, registry):
                source, language = article.source_pages[path]
                match = match_claim(
                    claim.statement, source, language, article.language, speaker=claim.speaker
                )
                if match.found and match.start is not None and match.end is not None:
                    passages[number] = (path, match.start, match.end)
                    break
        for number, claim in enumerate(claims):
            # a headline's claim has the passage of the body claim it repeats
            body = starts.get(claim.repeats, -1) if claim.repeats is not None else number
            if body in passages:
                path, start, end = passages[body]
                gold = gold_of.get(number, -1)
                found.append(PassagePrediction(article.id, gold, path, start, end))
    return found


def _pages_of(article: Article, claim: Attribution, registry: Registry) -> list[str]:
    url = claim.source.url if claim.source is not None else None
    if url:
        return [article.source_urls[url]] if url in article.source_urls else []
    source = registry.get(claim.source_id) if claim.source_id else None
    if source is None:
        return []
    return [p for u, p in article.source_urls.items() if registry.source_for_host(u) == source]


def figures(articles: Sequence[Article], registry: Registry) -> dict[str, float]:
    """Every total figure of the set by name (as pinned in ``floors.json``)."""
    measured = scores(score_set(articles, registry)[1])
    precision, recall, *_ = score_linking(articles, pipeline_links(articles, registry))
    measured["passage_precision"], measured["passage_recall"] = precision, recall
    return measured


def _row(name: str, counts: Counter[str]) -> str:
    numbers = f"{counts['gold']:>4} {counts['predicted']:>4} "
    numbers += f"{counts['links_gold']:>3}/{counts['links_predicted']:<3}"
    return f"{name:<28} {numbers} " + " ".join(f"{v:5.2f}" for v in scores(counts).values())


def main() -> None:
    """Print the per-article table, the totals and the linking figures of the development
    set, or of the blind or fresh set with ``blind`` or ``fresh`` as argument."""
    directory = {"blind": BLIND_DIR, "fresh": FRESH_DIR}.get(" ".join(sys.argv[1:]), EVAL_DIR)
    articles = load_set(directory)
    registry = eval_registry()
    per_article, total = score_set(articles, registry)
    print(f"{'article':<28} gold pred cit/kept claimP claimR spkP  spkR  srcP  srcR  linkP linkR")
    for article_id, counts in per_article.items():
        print(_row(article_id, counts))
    print(_row("TOTAL", total))
    for name, predicted in (
        ("prov's pipeline", pipeline_links(articles, registry)),
        ("every gold claim x every page", baseline_links(articles)),
    ):
        precision, recall, correct, count, gold = score_linking(articles, predicted)
        print(
            f"linking ({name}): P {precision:.2f} R {recall:.2f} "
            f"({correct} correct of {count} found; {gold} gold passages)"
        )


if __name__ == "__main__":
    main()
