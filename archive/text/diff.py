"""Differences between two extracted texts, by sentence, ignoring whitespace-only changes.

Texts are split into paragraphs (lines) and paragraphs into sentences (after ``.``, ``!``,
``?`` and their CJK forms, followed by space). Sentences are compared with whitespace collapsed,
so re-wrapped or re-indented text is not a change.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

__all__ = ["Change", "diff_texts", "sentences"]

_SENTENCE_END = re.compile("(?<=[.!?])\\s+|(?<=[\u3002\uff01\uff1f])\\s*")  # CJK ends: no space


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.splitlines():
        for sentence in _SENTENCE_END.split(paragraph):
            clean = " ".join(sentence.split())
            if clean:
                out.append(clean)
    return out


@dataclass(frozen=True)
class Change:
    op: str  # "insert", "delete" or "replace"
    old: list[str]
    new: list[str]
    old_index: int
    new_index: int

    def to_json(self) -> dict[str, object]:
        return {
            "op": self.op,
            "old": self.old,
            "new": self.new,
            "old_index": self.old_index,
            "new_index": self.new_index,
        }


def diff_texts(old: str, new: str) -> list[Change]:
    before, after = sentences(old), sentences(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [
        Change(op, before[i1:i2], after[j1:j2], i1, j1)
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]
