"""Find the passage of a source's text that backs a claim, or say that none does.

``match_claim(statement, source_text, source_language, article_language, speaker=, names=)``:

1. Languages: when both are known (``en-US`` counts as ``en``) and differ, or when either is
   unknown and the two texts are written in different scripts (Cyrillic vs Latin), the result
   is ``needs_translation``: nothing is matched, since word overlap across languages means
   nothing. The result still gives the candidate passage, the source sentence most likely to
   carry the claim (``likely_passage``: the speaker's name in any script or case form, the
   claim's names, numbers and international words), with its evidence as ``score``; none
   when no sentence shares anything. An unknown language alone is not a difference.
2. Exact: the statement, case-folded with quotes, dashes and white space unified, occurs in the
   source (a quotation with "..." or "[...]" matches when its pieces occur in order, close
   together): score 1.0, method ``exact``, offsets of the occurrence.
3. Fuzzy: every window of 1 to 3 consecutive sentences of one paragraph is scored
   ``0.55 * recall + 0.30 * ngrams + 0.15 * precision`` where ``recall`` is the share of the
   statement's (stemmed, stop-word-free) words found in the window, each word weighed by its
   rarity in the source (``log(1 + sentences / sentences holding it)``: "collapsed" in one
   sentence points at that passage, "talks" in ten does not), ``precision`` the share of
   the window's words found in the statement, and ``ngrams`` the share of the statement's
   character 4-grams found in the window. A statement of fewer than five distinct words has its
   score scaled by ``words / 5`` (two common words prove nothing). A window whose words in
   common with the statement are only names and numbers is never a match (an unnoticed
   other language, or a coincidence): at least two other words must be shared. The best
   window (the shortest on a tie) is the passage; below ``threshold`` (0.45) the result is
   ``not_found``. When the statement gives numbers, a window's score is scaled by how many of
   them it holds (from 0.7 for none to 1.0 for all): a figure is what a reader checks first.
   A short statement whose quotations (two words or more) all occur verbatim in the window is
   not scaled down: the writer gives those words as the source's own ("it was “deeply
   concerned” by the reports").

Offsets are ``[start, end)`` in ``source_text``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive.citations.languages import languages_differ
from archive.citations.likely_passage import likely_passage
from archive.citations.names import proper_names
from archive.citations.sentences import Span, paragraph_index, paragraph_spans, sentence_spans
from archive.citations.tokens import stems

__all__ = ["MATCH_THRESHOLD", "PassageMatch", "match_claim"]

MATCH_THRESHOLD = 0.45
MAX_WINDOW = 3
NGRAM = 4
FULL_WEIGHT_WORDS = 5
MIN_PLAIN_COMMON = 2  # words other than names and numbers a fuzzy match must share
_SHORTLIST = 12  # windows scored on n-grams after a first cut on word recall
_RECALL, _NGRAMS, _PRECISION = 0.55, 0.30, 0.15
_NUMBERS_FLOOR = 0.7  # a window with none of the statement's numbers keeps 70% of its score
_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
    }
)
_QUOTED = re.compile(r'"([^"]+)"')
MIN_QUOTED_WORDS = 2
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[[^\]]*\])\s*")
_EDGE_PUNCT = "\"'.,;:!? -"


@dataclass(frozen=True, slots=True)
class PassageMatch:
    """The passage of a source backing a claim (``status == "found"``), or why there is none."""

    status: str  # "found" | "not_found" | "needs_translation"
    score: float  # 0..1 (languages differ: the candidate passage's evidence, 0 without one)
    method: str  # "exact" | "fuzzy" | "language"
    start: int | None = None
    end: int | None = None
    passage: str | None = None
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.status == "found"


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` case-folded, quotes/dashes unified, white space collapsed; with source offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text.translate(_FOLD)):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                offsets.append(index)
            continue
        for folded in char.casefold():
            chars.append(folded)
            offsets.append(index)
    return "".join(chars), offsets


def _exact(statement: str, source_text: str) -> Span | None:
    folded, offsets = _fold(source_text)
    pieces = [_fold(piece)[0].strip(_EDGE_PUNCT) for piece in _ELLIPSIS.split(statement)]
    pieces = [piece for piece in pieces if len(piece.split()) >= 2 or (piece and len(pieces) == 1)]
    if not pieces:
        return None
    position = folded.find(pieces[0])
    while position >= 0:
        cursor = position + len(pieces[0])
        for piece in pieces[1:]:
            found = folded.find(piece, cursor, cursor + 2 * len(statement) + 40)
            if found < 0:
                break
            cursor = found + len(piece)
        else:
            return offsets[position], offsets[cursor - 1] + 1
        position = folded.find(pieces[0], position + 1)
    return None


def _ngrams(text: str) -> set[str]:
    folded = _fold(text)[0]
    return {folded[i : i + NGRAM] for i in range(max(0, len(folded) - NGRAM + 1))}


def _windows(spans: list[Span], paragraphs: list[Span]) -> list[Span]:
    """Runs of 1 to ``MAX_WINDOW`` consecutive sentences within one paragraph."""
    where = [paragraph_index(paragraphs, start) for start, _end in spans]
    return [
        (spans[i][0], spans[i + size - 1][1])
        for size in range(1, MAX_WINDOW + 1)
        for i in range(len(spans) - size + 1)
        if where[i] == where[i + size - 1]
    ]


def _plain_stems(statement: str, wanted: set[str]) -> set[str]:
    """The statement's stems that are neither numbers nor words of its proper names."""
    named = {stem for name in proper_names(statement, limit=50) for stem in stems(name)}
    return {stem for stem in wanted - named if not stem.isdigit()}


def _rarity(wanted: set[str], sentences: list[set[str]]) -> dict[str, float]:
    """Each statement word's weight: rarer in the source, heavier (a word in every sentence
    of the source tells no passage from another; one in a single sentence points at it)."""
    count = len(sentences)
    return {
        word: math.log(1.0 + count / max(1, sum(word in words for words in sentences)))
        for word in wanted
    }


def _fuzzy(statement: str, source_text: str) -> tuple[float, Span, str] | None:
    wanted = stems(statement)
    spans = sentence_spans(source_text)
    if not wanted or not spans:
        return None
    plain = _plain_stems(statement, wanted)
    sentence_stems = {span: stems(source_text[span[0] : span[1]]) for span in spans}
    weight = _rarity(wanted, list(sentence_stems.values()))
    total = sum(weight.values())
    first_cut: list[tuple[float, float, int, Span]] = []
    for window in _windows(spans, paragraph_spans(source_text)):
        have: set[str] = set().union(
            *(words for span, words in sentence_stems.items() if window[0] <= span[0] < window[1])
        )
        common = len(wanted & have)
        if len(plain & have) >= min(MIN_PLAIN_COMMON, len(plain)) and plain & have:
            recall = sum(weight[word] for word in wanted & have) / total
            precision = common / len(have)
            first_cut.append((recall, precision, window[1] - window[0], window))
    if not first_cut:
        return None  # nothing in common, or only names and numbers
    first_cut.sort(key=lambda item: (-(item[0] * _RECALL + item[1] * _PRECISION), item[2]))
    statement_grams = _ngrams(statement)
    numbers = {word for word in wanted if word.isdigit()}
    best: tuple[float, int, Span, str] | None = None
    for recall, precision, length, window in first_cut[:_SHORTLIST]:
        grams = len(statement_grams & _ngrams(source_text[window[0] : window[1]]))
        ngram_share = grams / len(statement_grams) if statement_grams else 0.0
        score = _RECALL * recall + _NGRAMS * ngram_share + _PRECISION * precision
        reason = f"words {recall:.2f}, 4-grams {ngram_share:.2f}, precision {precision:.2f}"
        if numbers:  # a figure is the claim's most checkable part: a passage must agree on it
            agree = len(numbers & stems(source_text[window[0] : window[1]])) / len(numbers)
            score *= _NUMBERS_FLOOR + (1 - _NUMBERS_FLOOR) * agree
            reason += f", numbers {agree:.2f}"
        if best is None or (score, -length) > (best[0], -best[1]):
            best = (score, length, window, reason)
    assert best is not None
    damping = min(1.0, len(wanted) / FULL_WEIGHT_WORDS)
    fragments = _quoted_fragments(statement)
    window_text = _fold(source_text[best[2][0] : best[2][1]])[0]
    if fragments and all(fragment in window_text for fragment in fragments):
        return best[0], best[2], best[3] + ", its quoted words verbatim"
    return best[0] * damping, best[2], best[3]


def _quoted_fragments(statement: str) -> list[str]:
    """The statement's quotations of two words or more, folded: the words the writer gives as
    the source's own ("it was “deeply concerned” by the reports")."""
    folded = _fold(statement)[0]
    return [
        piece.strip(_EDGE_PUNCT)
        for piece in _QUOTED.findall(folded)
        if len(piece.split()) >= MIN_QUOTED_WORDS
    ]


def match_claim(
    statement: str,
    source_text: str,
    source_language: str | None = None,
    article_language: str | None = None,
    *,
    threshold: float = MATCH_THRESHOLD,
    speaker: str | None = None,
    names: Sequence[str] = (),
) -> PassageMatch:
    """The passage of ``source_text`` that best matches ``statement`` (see module docstring).

    ``speaker`` (the attribution's speaker phrase) and ``names`` (its proper names) help find
    the candidate passage when the languages differ.
    """
    differ = languages_differ(source_language, article_language, source_text, statement)
    if differ is not None:
        likely = likely_passage(statement, source_text, speaker=speaker, names=names)
        if likely is None:
            return PassageMatch("needs_translation", 0.0, "language", reason=differ)
        return PassageMatch(
            "needs_translation",
            round(likely.score, 4),
            "language",
            likely.start,
            likely.end,
            source_text[likely.start : likely.end],
            f"{differ}; candidate passage: {'; '.join(likely.reasons)}",
        )
    exact = _exact(statement, source_text)
    if exact is not None:
        start, end = exact
        return PassageMatch(
            "found",
            1.0,
            "exact",
            start,
            end,
            source_text[start:end],
            "the statement occurs verbatim",
        )
    fuzzy = _fuzzy(statement, source_text)
    if fuzzy is None:
        return PassageMatch(
            "not_found",
            0.0,
            "fuzzy",
            reason="no statement word in the source other than names and numbers",
        )
    score, (start, end), reason = fuzzy
    score = round(min(score, 0.99), 4)
    if score < threshold:
        return PassageMatch(
            "not_found",
            score,
            "fuzzy",
            reason=f"best passage scores {score:.2f} < {threshold}: {reason}",
        )
    return PassageMatch("found", score, "fuzzy", start, end, source_text[start:end], reason)
