"""What the pages show, shaped from the index: a URL's timeline of events, a side-by-side
sentence diff, and an article's claims with their passages in context."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from archive.index.rows import Capture
from archive.text.diff import sentences

__all__ = [
    "ClaimView",
    "DiffRow",
    "TimelineEvent",
    "claim_views",
    "passage_in_context",
    "side_by_side",
    "timeline",
]

GONE_STATUSES = (404, 410, 451)
CONTEXT = 320  # characters shown either side of a matched passage
CLAIM_STATUS = {"matched": "linked", "found": "linked"}


@dataclass(frozen=True)
class TimelineEvent:
    capture: Capture
    event: str  # first | changed | unchanged | revisit | gone | back | redirect | error
    note: str


def _event(capture: Capture, previous: str | None, was_gone: bool) -> tuple[str, str]:
    status = capture.status
    if capture.error or status is None:
        return ("gone" if not was_gone else "error"), capture.error or "no response"
    if status in GONE_STATUSES:
        return "gone", f"HTTP {status}"
    if 300 <= status < 400 and status != 304:
        return "redirect", f"to {capture.location}" if capture.location else f"HTTP {status}"
    if status >= 400:
        return "error", f"HTTP {status}"
    if was_gone:
        return "back", f"HTTP {status} again"
    if capture.record_type == "revisit":
        return "revisit", "same content as before (revisit record)"
    if previous is None:
        return "first", "first capture"
    if capture.payload_digest != previous:
        return "changed", "new content (payload digest changed)"
    return "unchanged", "same payload digest"


def timeline(captures: Sequence[Capture]) -> list[TimelineEvent]:
    """Each capture with what it means against the ones before: content changes (payload
    digest), revisits, and the URL going away and coming back."""
    events: list[TimelineEvent] = []
    previous: str | None = None
    was_gone = False
    for capture in captures:
        event, note = _event(capture, previous, was_gone)
        if event == "gone":
            was_gone = True
        elif event in ("first", "changed", "unchanged", "revisit", "back"):
            was_gone = False
            if capture.record_type == "response":
                previous = capture.payload_digest
        events.append(TimelineEvent(capture, event, note))
    return events


@dataclass(frozen=True)
class DiffRow:
    op: str  # equal | replace | delete | insert
    old: list[str]
    new: list[str]


def side_by_side(old_text: str, new_text: str) -> list[DiffRow]:
    """The two texts sentence by sentence, aligned, with the changed runs marked by op."""
    before, after = sentences(old_text), sentences(new_text)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [
        DiffRow(op, before[i1:i2], after[j1:j2])
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def passage_in_context(text: str, start: int | None, end: int | None) -> tuple[str, str, str]:
    """(before, passage, after) around TEXT[START:END], at most CONTEXT characters each side."""
    if start is None or end is None or not 0 <= start <= end <= len(text):
        return "", "", ""
    left = max(0, start - CONTEXT)
    right = min(len(text), end + CONTEXT)
    before = ("… " if left else "") + text[left:start]
    after = text[end:right] + (" …" if right < len(text) else "")
    return before, text[start:end], after


@dataclass(frozen=True)
class ClaimView:
    statement: str
    speaker: str | None
    source: str | None
    cited_url: str | None
    status: str
    matched_url: str | None
    matched_timestamp: str | None
    before: str
    passage: str
    after: str
    score: float | None


def claim_views(
    claims: Sequence[Mapping[str, Any]],
    texts_by_capture: Mapping[str, Mapping[str, Any]],
    lost: set[str],
    key_of: Any,
) -> list[ClaimView]:
    """The claims as the citation page shows them: the status word of the issue (``linked``,
    ``not_found``, ``needs_translation``, ``claim_lost``) and the passage in its source text.
    TEXTS_BY_CAPTURE maps a capture record id to its text row; LOST holds the claim keys
    (KEY_OF(statement)) whose newest check was ``claim_lost``."""
    views = []
    for claim in claims:
        status = CLAIM_STATUS.get(claim["status"], claim["status"])
        if key_of(claim["statement"]) in lost:
            status = "claim_lost"
        row = texts_by_capture.get(claim.get("matched_capture") or "")
        before = passage = after = ""
        if row is not None and claim.get("passage_start") is not None:
            before, passage, after = passage_in_context(
                row["text"], claim["passage_start"], claim["passage_end"]
            )
        if not passage and claim.get("passage"):
            passage = claim["passage"]
        views.append(
            ClaimView(
                statement=claim["statement"],
                speaker=claim.get("speaker"),
                source=claim.get("source_name") or claim.get("cited_url"),
                cited_url=claim.get("cited_url"),
                status=status,
                matched_url=claim.get("matched_url"),
                matched_timestamp=row["timestamp"] if row is not None else None,
                before=before,
                passage=passage,
                after=after,
                score=claim.get("score"),
            )
        )
    return views
