"""Headlines, standfirsts and captions that repeat a claim the body attributes.

"Kessel port talks collapsed in January, says ports chief" sits above the body that gives
the claim its speaker and source ("Roe said the talks had collapsed in January", after an
interview linked in the sentence before). A display line is a line of the text that does not
end a sentence (headlines, standfirsts and photo captions carry no full stop). A claim of a
display line with no source takes the source of the body claim that says most nearly the
same thing (at least ``MIN_SHARE`` of its content words, stems compared; when that claim has
no source, neither does the headline), and that claim's speaker when its
own is a description ("ports chief", "institute") rather than a name; ``repeats`` points at
that claim, whose passage is the headline's too (a headline's few words are too few to find
a passage on their own).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from archive.citations.attributions import Attribution
from archive.citations.tokens import stems

__all__ = ["MIN_SHARE", "display_line", "inherit_from_body"]

MIN_SHARE = 0.5
_MIN_HEADLINE_SHARE = 0.6  # a headline with no frame must say more of the body claim
_MIN_HEADLINE_WORDS = 5
_SENTENCE_END = re.compile(r"[.!?][”\"’')\]]*\s*$")


def display_line(text: str, offset: int) -> bool:
    """Whether the line holding OFFSET is a display line (no sentence end)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end >= 0 else len(text)]
    return bool(line.strip()) and _SENTENCE_END.search(line) is None


def _named(speaker: str | None) -> bool:
    return bool(speaker) and any(word[:1].isupper() for word in (speaker or "").split()[-2:])


def _share(display: set[str], body: set[str]) -> float:
    return len(display & body) / len(display) if display else 0.0


def _unframed_lines(text: str, claims: Sequence[Attribution]) -> list[Attribution]:
    """The display lines above the body that hold no claim, as claims to complete: a headline
    may repeat the body's claim with no frame at all ("Mill Street bridge to stay shut until
    June after inspectors find corrosion")."""
    found: list[Attribution] = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if not display_line(text, start):
            break  # the body has begun
        words = text[start:end].split()
        held = any(start <= claim.start < end for claim in claims)
        if len(words) >= _MIN_HEADLINE_WORDS and not held:
            line = text[start:end].strip()
            found.append(
                Attribution(
                    line,
                    start,
                    start + len(line),
                    "headline",
                    None,
                    None,
                    None,
                    start,
                    end,
                    speaker_resolution="none",
                    confidence=0.0,
                )
            )
        start = end + 1
    return found


def inherit_from_body(text: str, claims: Sequence[Attribution]) -> list[Attribution]:
    """CLAIMS, those of display lines with no source completed from the body (see above),
    and the headlines that repeat a sourced body claim without a frame."""
    completed = _completed(text, claims)
    headlines = [
        claim
        for claim in _completed(text, _unframed_lines(text, claims), body_from=claims)
        if claim.source is not None and claim.confidence >= _MIN_HEADLINE_SHARE * 0.5
    ]
    return sorted([*completed, *headlines], key=lambda claim: claim.start)


def _completed(
    text: str, claims: Sequence[Attribution], body_from: Sequence[Attribution] | None = None
) -> list[Attribution]:
    body = [
        (claim, stems(claim.statement))
        for claim in (claims if body_from is None else body_from)
        if not display_line(text, claim.start)
    ]
    needed = MIN_SHARE if body_from is None else _MIN_HEADLINE_SHARE
    completed: list[Attribution] = []
    for claim in claims:
        if claim.source is not None or not body or not display_line(text, claim.start):
            completed.append(claim)
            continue
        words = stems(claim.statement)
        best, share = max(  # on a tie, the body claim that has a source
            ((b, _share(words, w)) for b, w in body),
            key=lambda item: (item[1], item[0].source is not None),
        )
        if share < needed or best.source is None:
            completed.append(claim)
            continue
        sentence = best.source.sentence
        completed.append(
            replace(
                claim,
                source=best.source,
                source_id=best.source_id,
                source_name=best.source_name,
                resolution=f"carried from sentence {sentence}",
                carried_from=sentence,
                speaker=claim.speaker if _named(claim.speaker) else best.speaker,
                confidence=round(best.confidence * share, 3),
                repeats=best.start,
            )
        )
    return completed
