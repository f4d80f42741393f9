"""How a claim's speaker and source were resolved, and how sure that is (see ``discourse``).

``confidence`` is 0.95 for a speaker named in the sentence, lower for a surname (0.9), a
description (0.8) or a pronoun (0.85 with one candidate, 0.65 with several, less with each
sentence back), times 0.9 and 0.97 for each further sentence a source is carried over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from archive.citations.coreference import Entity, Link
from archive.citations.outlets import SourceRef

__all__ = ["Claimed", "Resolved", "carry_factor", "speaker_confidence"]


class Claimed(Protocol):
    """What ``resolve_claims`` reads of a sentence-level attribution."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def speaker_text(self) -> str | None: ...
    @property
    def verb(self) -> str | None: ...
    @property
    def sentence_start(self) -> int: ...
    @property
    def sentence_end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Resolved:
    """A claim's speaker and source after reading the whole text."""

    sentence_index: int
    speaker: str | None
    speaker_resolution: str  # explicit | pronoun | surname | description | continuation | none
    speaker_from: int | None  # sentence of the antecedent
    source: SourceRef | None
    resolution: str | None  # "link" | "named" | "carried from sentence N"
    carried_from: int | None
    confidence: float
    entity: Entity | None = None


def speaker_confidence(link: Link, index: int) -> float:
    distance = index - link.antecedent if link.antecedent is not None else 0
    if link.how == "pronoun":
        if link.entity is None:
            return 0.2
        base = 0.85 if link.candidates <= 1 else 0.65
        return max(0.3, base - 0.05 * max(0, distance - 1))
    return {"surname": 0.9, "description": 0.8}.get(link.how, 0.95)


def carry_factor(index: int, ref: SourceRef | None) -> float:
    if ref is None or ref.sentence >= index:
        return 1.0
    return max(0.4, 0.9 * 0.97 ** (index - ref.sentence - 1))
