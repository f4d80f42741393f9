"""Split extracted text into sentences, as character spans of the original text.

Rules (enough for news prose, not a full segmenter):

* a line break ends a sentence, unless the next line is indented or starts in lower case
  (trafilatura keeps the source's hard-wrapped lines of some pages inside one paragraph);
* ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets) followed by white space
  and an upper-case letter, a digit or an opening quote ends a sentence, unless the word
  before the full stop is a known abbreviation (Mr., Gen., Nov., U.S., ...) or an initial.
"""

from __future__ import annotations

import re

from archive.citations.tokens import word_set

__all__ = ["Span", "paragraph_index", "paragraph_spans", "sentence_at", "sentence_spans"]

Span = tuple[int, int]  # [start, end) character offsets

_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof gov sen rep st sr jr gen col lt sgt capt adm rev mt pres amb maj cpl jan "
    "feb mar apr jun jul aug sep sept oct nov dec no nos vs etc e.g i.e inc corp ltd co dept "
    "approx est fig al ft ave blvd"
)
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’»)\]]*(?P<gap>\s+)(?=[\"“‘«(\[]?[A-ZА-ЯЁ0-9À-ÖØ-Þ])")
_LAST_WORD = re.compile(r"([\w.]+)[.]$")


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs: runs of lines joined where a line break is only a hard wrap."""
    spans: list[Span] = []
    start = 0
    position = 0
    for line in text.splitlines(keepends=True):
        end = position + len(line)
        following = text[end : end + 1]
        wrapped = following in (" ", "\t") or following.islower()
        if not wrapped:
            if text[start:end].strip():
                spans.append(_trim(text, start, end))
            start = end
        position = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial."""
    match = _LAST_WORD.search(text, max(0, dot - 20), dot + 1)
    if match is None:
        return False
    word = match.group(1)
    if "." in word:  # U.S., e.g., a.m.
        return True
    if len(word) == 1 and word.isupper():  # an initial: Donald J. Trump
        return True
    return word.casefold() in _ABBREVIATIONS


def sentence_spans(text: str) -> list[Span]:
    """Sentences of ``text`` in order, as [start, end) spans without surrounding space."""
    spans: list[Span] = []
    for para_start, para_end in paragraph_spans(text):
        start = para_start
        for match in _BOUNDARY.finditer(text, para_start, para_end):
            dot = match.start() - 1
            while dot > start and text[dot] not in ".!?…":
                dot -= 1
            if text[dot] == "." and _is_abbreviation(text, dot):
                continue
            end = match.start("gap")
            if end > start:
                spans.append(_trim(text, start, end))
            start = match.end("gap")
        if para_end > start:
            spans.append(_trim(text, start, para_end))
    return [span for span in spans if span[1] > span[0]]


def sentence_at(spans: list[Span], start: int, end: int) -> Span:
    """The smallest run of sentences covering [start, end) (``(start, end)`` if none does)."""
    first = next((span for span in spans if span[0] <= start < span[1]), None)
    last = next((span for span in spans if span[0] < end <= span[1]), None)
    if first is None or last is None:
        return start, end
    return first[0], last[1]


def paragraph_index(paragraphs: list[Span], offset: int) -> int:
    """The index of the paragraph holding ``offset`` (the last one starting before it)."""
    index = 0
    for number, (start, _end) in enumerate(paragraphs):
        if start <= offset:
            index = number
    return index
