"""Social-media posts embedded in an article: their words are their author's claims.

An embedded post renders, once extracted, as its text followed by a credit line naming its
author and linking the post on its date: "— Arvind Kejriwal (@ArvindKejriwal) November 1,
2019" (X/Twitter), "A post shared by Jane Roe (@janeroe) on Mar 3, 2025 at 9:14am PST"
(Instagram). The post's lines are the ones just above the credit line: always the nearest,
then each line above it that does not end a sentence (post lines seldom end with a full stop;
the article's prose does), at most four. Each line is a claim of the author, whose source is
the post's link; trailing media links ("pic.twitter.com/...") are not part of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive.citations.outlets import LinkSpan
from archive.citations.sentences import Span

__all__ = ["EmbeddedPost", "embedded_posts"]

_CREDITS = (
    re.compile(
        r"^[—–-]{1,2}\s*(?P<name>[^\n()@]{2,80}?)\s*\(@(?P<handle>\w{1,30})\)\s*[^\n]{0,40}$",
        re.MULTILINE,
    ),
    re.compile(
        r"^A (?:post|photo|video) shared by (?P<name>[^\n()@]{2,80}?)\s*\(@(?P<handle>\w{1,30})\)"
        r"[^\n]{0,60}$",
        re.MULTILINE,
    ),
)
_MEDIA_TAIL = re.compile(r"(?:\s+(?:pic\.twitter\.com/\S+|https?://\S+))+\s*$")
_SENTENCE_END = re.compile(r"[.!?][”\"’']?\s*$")
MAX_LINES = 4
MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class EmbeddedPost:
    """One post: its author, its link (None when the credit line has none) and its lines."""

    author: str
    url: str | None
    lines: tuple[Span, ...]  # each line's words in the text, media links left out
    credit: Span  # the credit line


def _line_above(text: str, start: int) -> Span | None:
    """The non-empty line ending just before offset START (the start of a line)."""
    end = start - 1
    while end > 0 and text[end - 1] == "\n":
        end -= 1
    if end <= 0:
        return None
    begin = text.rfind("\n", 0, end) + 1
    return (begin, end) if text[begin:end].strip() else None


def _words(text: str, span: Span) -> Span:
    start, end = span
    tail = _MEDIA_TAIL.search(text, start, end)
    end = tail.start() if tail else end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def embedded_posts(text: str, links: Sequence[LinkSpan]) -> list[EmbeddedPost]:
    """Every embedded post of TEXT, in order (see the module docstring)."""
    posts: list[EmbeddedPost] = []
    for pattern in _CREDITS:
        for credit in pattern.finditer(text):
            url = next(
                (link[2] for link in links if credit.start() <= link[0] < credit.end()), None
            )
            lines: list[Span] = []
            above = _line_above(text, credit.start())
            while above is not None and len(lines) < MAX_LINES:
                if lines and _SENTENCE_END.search(text, *above):
                    break
                words = _words(text, above)
                if len(text[words[0] : words[1]].split()) >= MIN_WORDS:
                    lines.insert(0, words)
                above = _line_above(text, above[0])
            if lines:
                posts.append(
                    EmbeddedPost(credit.group("name").strip(), url, tuple(lines), credit.span())
                )
    return sorted(posts, key=lambda post: post.credit)
