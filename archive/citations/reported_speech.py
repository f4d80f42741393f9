"""Reported speech: "X said (that) ...", its quotations and its conjoined complements.

``reported_statement`` reads a sentence group's statement around a reporting frame (see
``frames.Frame.reported``); ``with_reported`` keeps it beside the quotations of the same
group; ``split_conjoined`` cuts "... and called on ..." into two claims.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from archive.citations.attribution import (
    MIN_STATEMENT_WORDS,
    Attribution,
    make_attribution,
    trimmed_span,
    word_count,
)
from archive.citations.frames import Frame
from archive.citations.lexicon import REPORTING_VERBS
from archive.citations.outlets import LinkSpan
from archive.citations.quotes import Quote
from archive.citations.sentences import Span
from archive.citations.speaker_phrases import speaker_before

__all__ = ["participle_after", "reported_statement", "split_conjoined", "with_reported"]

# a quotation with its own frame inside reported speech: "a visit she described as “...”"
_CHARACTERISES = re.compile(
    r"\b(?:described|describing|called|calling|dubbed|termed|labell?ed|branded)\b"
)
# a second frame with a subject of its own: "..., though he stressed ...", "..., as thinktank
# warns ..."
_JOINED_SUBJECT = re.compile(
    r",\s+(?:and|but|though|although|while|as|after)\s+"
    r"(?P<subject>he|she|they|it|we|[^,;.“”\"]{1,40}?)"
    r"\s+(?:(?:also|later|then|still|[a-z]+ly)\s+)*$"
)
_CLAUSE_JOIN = re.compile(r"[,)]\s+and\s+|;\s+|,\s+but\s+")
_CONJOINED = re.compile(
    r",?\s+(?:and|but|though|although|while)\s+(?:(?:he|she|it|they|we|also|then|later)\s+)*(?:"
    + "|".join(sorted(REPORTING_VERBS - {"say", "says", "tells"}, key=len, reverse=True))
    + r"|called\s+(?:on|for))\s+(?:that\s+)?(?!(?:to|in|on|at|by|for|of)\b)"
    # "... has denied that ..., saying reports of a deal were ...": the participle's own claim
    r"|,\s+(?:saying|adding|noting|insisting|arguing|stressing|claiming)\s+(?:that\s+)?"
    r"(?!(?:to|in|on|at|by|for|of)\b)"
    # "said X, and that Y": the verb's second complement ("and that changed ...", "and that
    # is why ...": "that" is the subject, no second clause)
    r"|,?\s+and\s+that\s+(?!(?:is|was|were|are|has|had|have|would|will|could|should|can|"
    r"may|might|must|did|does|do|[a-z]+ed)\b)"
)


def reported_statement(text: str, group: Span, frames: list[Frame]) -> Attribution | None:
    """The reported statement of GROUP at its first frame that has one: ended before a
    trailing frame ("..., TASS reported.") and at a semicolon ("Starner says that the family
    were conservative; Ford's attitude ...": what follows is the writer's)."""
    for frame in frames:
        found = frame.reported(text, group)
        if found is not None:
            span, speaker, kind = found
            span = _cut_trailing_frame(text, span, frames)
            semicolon = text.find("; ", span[0], span[1])
            if semicolon > span[0] and not _quoted(text, span[0], semicolon):
                span = (span[0], semicolon)
            attribution = make_attribution(text, span, kind, frame, speaker, group)
            if attribution is not None:
                return attribution
    return None


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether a quotation opened in ``text[start:end]`` is still open at END."""
    piece = text[start:end]
    return piece.count("“") > piece.count("”") or piece.count('"') % 2 == 1


def _comma_before(text: str, position: int) -> bool:
    """Whether a comma comes right before POSITION, white space aside."""
    while position > 0 and text[position - 1].isspace():
        position -= 1
    return position > 0 and text[position - 1] == ","


def participle_after(
    text: str, group: Span, frames: list[Frame], claim: Attribution, after: int
) -> list[Attribution]:
    """A second claim after AFTER (a claim and its tag): the clause of a participle, of the
    same speaker ("“I will always love him,” Harry said, adding that repairing the
    relationship was one of his priorities"), or of a frame joined with a pronoun subject
    ("..., Woodard said, though he stressed he had no proof of favoritism")."""
    for frame in frames:
        if frame.start < after:
            continue
        joined = _JOINED_SUBJECT.search(text, after, frame.start)
        if frame.kind == "verb" and joined is not None:
            reported = frame.reported(text, (joined.start("subject"), group[1]))
            if reported is None or _quoted(text, frame.start, reported[0][0]):
                continue
            span, speaker, kind = reported
            found = make_attribution(text, span, kind, frame, speaker, group)
        elif _comma_before(text, frame.start):
            clause = frame.participle_clause(text, group)
            if clause is None or _quoted(text, frame.start, clause[0]):
                continue
            found = make_attribution(text, clause, "reported", frame, claim.speaker, group)
        else:
            continue
        return split_conjoined(text, found) if found is not None else []
    return []


def with_reported(
    text: str, group: Span, frames: list[Frame], quotes: list[Quote], made: list[Attribution]
) -> list[Attribution]:
    """The quotations' claims MADE, with the reported speech whose clause holds them: "The
    paper said that the exercise included a “stabilization maneuver” ..." is one claim; in
    "she acknowledged that a delegation had visited, a visit she described as “a courtesy,
    nothing more”" the quotation has its own frame, and both are claims. A participle after
    the quotations' tag reports a claim of their own ("..., she said, adding that ...")."""
    if made:
        added = participle_after(text, group, frames, made[-1], quotes[-1].mark_end)
        made = sorted([*made, *added], key=lambda a: a.start)
    before = [frame for frame in frames if frame.end <= quotes[0].mark_start]
    reported = reported_statement(text, group, before) if before else None
    if reported is None or reported.start >= quotes[0].mark_start:
        return made
    inside = [q for q in quotes if reported.start <= q.mark_start < reported.end]
    own_frame = inside and _CHARACTERISES.search(text, reported.start, inside[0].mark_start)
    if own_frame:
        comma = text.rfind(",", reported.start, own_frame.start())
        if comma <= reported.start:
            return made
        reported = (
            make_attribution(
                text,
                (reported.start, comma),
                reported.kind,
                _frame_of(reported),
                reported.speaker,
                (reported.sentence_start, reported.sentence_end),
            )
            or reported
        )
        inside = []
    kept = [a for a in made if not any(q.start <= a.start < q.mark_end for q in inside)]
    return sorted([*split_conjoined(text, reported), *kept], key=lambda a: a.start)


def split_conjoined(
    text: str, attribution: Attribution, links: Sequence[LinkSpan] = ()
) -> list[Attribution]:
    """ATTRIBUTION cut where its statement goes on with a second reporting verb of the same
    speaker ("it was deeply concerned and called on Veldana to halt ...", "..., and he noted
    that ..."), or with a second clause backed by a link of its own ("the province is [India's
    breadbasket], and improvements ... helped deliver a [food surplus]"): each is a claim."""
    cuts = [
        (m.start(), m.end()) for m in _CONJOINED.finditer(text, attribution.start, attribution.end)
    ]
    for match in _CLAUSE_JOIN.finditer(text, attribution.start, attribution.end):
        before = any(attribution.start <= link[0] < match.start() for link in links)
        after = any(match.end() <= link[0] < attribution.end for link in links)
        if before and after:
            cuts.append((match.start(), match.end()))
    parts: list[Span] = []
    start = attribution.start
    for cut_start, cut_end in sorted(cuts):
        if cut_start >= start and word_count(text[start:cut_start]) >= MIN_STATEMENT_WORDS:
            parts.append((start, cut_start))
            start = cut_end
    if not parts or word_count(text[start : attribution.end]) < MIN_STATEMENT_WORDS:
        return [attribution]
    parts.append((start, attribution.end))
    return [
        replace(attribution, statement=text[lo:hi].strip(), start=lo, end=hi)
        for lo, hi in (trimmed_span(text, lo, hi) for lo, hi in parts)
    ]


def _frame_of(attribution: Attribution) -> Frame:
    return Frame(attribution.start, attribution.start, "verb", attribution.verb or "said")


def _cut_trailing_frame(text: str, span: Span, frames: list[Frame]) -> Span:
    """A statement without a second frame at its end: "..., TASS reported." is cut off, and so
    is a second frame with a subject of its own ("..., as thinktank warns the sale could ...":
    ``participle_after`` reads it)."""
    for frame in frames:
        if not span[0] < frame.start < span[1]:
            continue
        joined = _JOINED_SUBJECT.search(text, span[0], frame.start)
        if joined is not None and frame.reported(text, (joined.start("subject"), span[1])):
            return span[0], joined.start()
        comma = text.rfind(",", span[0], frame.start)
        if comma < 0 or speaker_before(text, comma + 1, frame) is None:
            continue
        rest = text[frame.end : span[1]].strip(" \t\n.")
        if len(rest.split()) < MIN_STATEMENT_WORDS and "," not in rest:
            return span[0], comma
    return span
