"""An attributed statement, and how one is cut out of the text (see ``attributions``)."""

from __future__ import annotations

from dataclasses import dataclass

from archive.citations.frames import Frame
from archive.citations.outlets import SourceRef
from archive.citations.sentences import Span
from archive.citations.speaker_phrases import DATELINE

__all__ = [
    "MIN_QUOTE_WORDS",
    "MIN_STATEMENT_WORDS",
    "Attribution",
    "make_attribution",
    "trimmed_span",
    "word_count",
]

MIN_QUOTE_WORDS = 4
MIN_STATEMENT_WORDS = 4
_EDGE = " \t\n,;:—–-"


@dataclass(frozen=True, slots=True)
class Attribution:
    """A statement attributed to a speaker; ``text[start:end] == statement``."""

    statement: str
    start: int
    end: int
    kind: str  # "quote" | "reported" | "according_to"
    speaker: str | None  # who said it (a "he"/"she" resolved to the previous named speaker)
    speaker_text: str | None  # the speaker as written
    verb: str | None  # "said", "told", "according to", "saying", "quoted"...
    sentence_start: int
    sentence_end: int
    source_id: str | None = None  # the registered source named in the attribution
    source_name: str | None = None  # that source's name as written in the text
    names: tuple[str, ...] = ()  # proper names of statement and speaker (for ranking)
    sentence_index: int = 0  # index of its (first) sentence in ``sentence_spans(text)``
    source: SourceRef | None = None  # the cited link, named outlet or document
    resolution: str | None = None  # "link" | "named" | "carried from sentence N" | None
    carried_from: int | None = None  # that N
    speaker_resolution: str = "explicit"  # explicit|pronoun|surname|description|continuation
    speaker_from: int | None = None  # sentence of the mention the speaker refers back to
    confidence: float = 1.0  # lower for pronouns, descriptions and long carries
    repeats: int | None = None  # a headline's claim: the start of the body claim it repeats


def trimmed_span(text: str, start: int, end: int) -> Span:
    """``[start, end)`` without a dateline, edge punctuation and a leading "that"."""
    dateline = DATELINE.match(text, start, end)
    if dateline:
        start = dateline.end()
    while start < end and (text[start] in _EDGE or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _EDGE + "." or text[end - 1].isspace()):
        end -= 1
    if text[start:end].lower().startswith("that "):
        start += 5
    return start, end


def word_count(text: str) -> int:
    """The number of white-space separated words."""
    return len(text.split())


def make_attribution(
    text: str, span: Span, kind: str, frame: Frame, speaker: str | None, group: Span
) -> Attribution | None:
    """The attribution of the statement at SPAN (trimmed), None when it is too short."""
    start, end = trimmed_span(text, *span)
    if word_count(text[start:end]) < MIN_STATEMENT_WORDS:
        return None
    return Attribution(
        statement=text[start:end],
        start=start,
        end=end,
        kind=kind,
        speaker=speaker,
        speaker_text=speaker,
        verb=frame.verb,
        sentence_start=group[0],
        sentence_end=group[1],
    )
