"""The sentence of a source in another language most likely to carry a claim.

When a claim and its source are in different languages nothing is matched (see
``matching``), but a reader still wants to know where to look. Each sentence of the source
is scored with the evidence that survives translation (``evidence``, as ``discovery`` ranks
candidates across languages): ``0.25 speaker + 0.25 names + 0.3 anchors + 0.2 cognates``
(``0.35 names + 0.4 anchors + 0.25 cognates`` with no speaker), where ``speaker`` is the
speaker's name in any script or case form, ``names`` the claim's other proper names
transliterated, ``anchors`` its numbers and months, ``cognates`` its international words.
Within one source the topic tells sentences apart better than the speaker, who is often
named once and then referred to ("according to him" in the source's language): a sentence
after the one naming the speaker gets half the speaker's part. A sentence sharing no name,
the speaker's included, scores half. The best sentence wins (on a tie, one with quotation
marks, then the earliest); none when no sentence shares anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archive.citations.anchors import anchors
from archive.citations.evidence import (
    CandidateText,
    Part,
    anchors_part,
    cognate_words,
    cognates_part,
    names_part,
    other_names,
    speaker_part,
)
from archive.citations.name_forms import person_name
from archive.citations.names import proper_names
from archive.citations.sentences import Span, sentence_spans

__all__ = ["LikelyPassage", "likely_passage"]

WEIGHTS = {"speaker": 0.25, "names": 0.25, "anchors": 0.3, "cognates": 0.2}
WEIGHTS_NO_SPEAKER = {"names": 0.35, "anchors": 0.4, "cognates": 0.25}
NO_NAME_FACTOR = 0.5
NAMED_BEFORE = 0.5  # the speaker's part in a sentence after the one naming them
_QUOTES = '«»“”„"'


@dataclass(frozen=True, slots=True)
class LikelyPassage:
    """A source sentence likely to carry a claim, its evidence score (0..1) and why."""

    start: int
    end: int
    score: float
    reasons: tuple[str, ...]


def _score(parts: dict[str, Part], weights: dict[str, float]) -> float:
    score = sum(weight * parts[key].value for key, weight in weights.items() if key in parts)
    named = any(parts[key].found for key in ("speaker", "names") if key in parts)
    return score if named else score * NO_NAME_FACTOR


def likely_passage(
    statement: str,
    source_text: str,
    *,
    speaker: str | None = None,
    names: Sequence[str] = (),
) -> LikelyPassage | None:
    """The sentence of ``source_text`` most likely to carry ``statement`` (see docstring)."""
    person = person_name(speaker)
    folded = statement.casefold()
    topic = [name for name in names if name.casefold() in folded] or list(proper_names(statement))
    topic = other_names(topic, person)
    wanted = anchors(statement)
    words = cognate_words(statement, [*names, *([speaker] if speaker else [])])
    weights = WEIGHTS if person else WEIGHTS_NO_SPEAKER
    best: tuple[float, bool, int, Span, tuple[str, ...]] | None = None
    named_before: Part | None = None
    for start, end in sentence_spans(source_text):
        text = CandidateText.plain(source_text[start:end])
        parts: dict[str, Part] = {}
        if person:
            here = speaker_part(person, text)
            if here.found:
                named_before = here
            elif named_before is not None:
                reason = f"{named_before.reason}, in an earlier sentence"
                here = Part(NAMED_BEFORE * named_before.value, named_before.found, reason)
            parts["speaker"] = here
        if topic:
            parts["names"] = names_part(topic, text, across=True)
        parts["anchors"] = anchors_part(wanted, text)
        parts["cognates"] = cognates_part(words, text)
        score = _score(parts, weights)
        if score <= 0:
            continue
        quoted = any(mark in text.text for mark in _QUOTES)
        reasons = tuple(
            part.reason for part in parts.values() if part.reason and (part.found or part.value)
        )
        key = (round(score, 4), quoted, -start, (start, end), reasons)
        if best is None or key[:3] > best[:3]:
            best = key
    if best is None:
        return None
    score, _quoted, _start, (start, end), reasons = best
    return LikelyPassage(start, end, min(score, 0.99), reasons)
