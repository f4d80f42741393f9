"""Which frame of a sentence names the speaker: the outermost one, or the next sentence's.

Used by ``attributions`` (see its docstring).
"""

from __future__ import annotations

import re

from archive.citations.frames import NOT_CLAUSE_START, Frame, complementizer, find_frames
from archive.citations.quotes import Quote
from archive.citations.sentences import Span
from archive.citations.speaker_phrases import speaker_before

__all__ = ["outer_frames", "tag_sentence"]

_JOINED = re.compile(r"[,;:“”\"«»]|\b(?:and|but|while|whereas|or)\b")


def outer_frames(text: str, group: Span, frames: list[Frame]) -> list[Frame]:
    """Frames not inside the reported clause of an earlier one: in "It said satellite images
    strongly suggested “...”" the quotation is the report's, not the images'."""
    kept: list[Frame] = []
    for frame in frames:
        outer = next((k for k in kept if k.kind == "verb"), None)
        if (
            outer is not None
            and not _JOINED.search(text, outer.end, frame.start)
            and speaker_before(text, group[0], outer) is not None
        ):
            continue
        kept.append(frame)
    return kept


def tag_sentence(text: str, group: Span, quotes: list[Quote]) -> tuple[Frame, str] | None:
    """A sentence that only names who spoke the quotation before it, and that speaker.

    "“... on the Chinese part?” He Jianxiong, the former director, said at a Nov. 6 event."
    (the question mark ended the quotation's sentence).
    """
    frames = find_frames(text, group, quotes)
    if not frames or frames[0].kind != "verb":
        return None
    frame = frames[0]
    speaker = speaker_before(text, group[0], frame)
    lead = text[group[0] : frame.start].strip(" \t\n,")
    if speaker is None or lead != speaker:
        return None
    rest = text[frame.end : group[1]].strip(" \t\n.")
    first = rest.split()[0].casefold() if rest else ""
    if complementizer(rest) is None and (not first or first in NOT_CLAUSE_START):
        return frame, speaker
    return None
