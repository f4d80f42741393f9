"""Quotations in a text, and sentences grouped so that no quotation crosses a group boundary.

Marks paired: “…”, «…», „…“ (or „…”), and straight "…" paired in order within a paragraph.
An opening mark with no closing mark in its paragraph quotes to the paragraph's end (the
convention for a quotation that runs over several paragraphs: ``quotation_chains`` joins such
a quotation to the one opening the next paragraph). Single quotes are ignored:
they cannot be told apart from apostrophes.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.citations.sentences import Span, paragraph_spans

__all__ = ["Quote", "group_sentences", "quotation_chains", "quote_spans"]

_PAIRS = {"“": "”", "«": "»", "„": "“”"}


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``text[start:end]`` is its content, ``mark_start``/``mark_end`` its marks."""

    mark_start: int  # offset of the opening mark
    mark_end: int  # offset just after the closing mark (the paragraph end if unclosed)
    closed: bool

    @property
    def start(self) -> int:
        return self.mark_start + 1

    @property
    def end(self) -> int:
        return self.mark_end - 1 if self.closed else self.mark_end


def _paragraph_quotes(text: str, start: int, end: int) -> list[Quote]:
    quotes: list[Quote] = []
    position = start
    straight_open: int | None = None
    while position < end:
        char = text[position]
        if char in _PAIRS:
            closers = _PAIRS[char]
            close = next(
                (i for i in range(position + 1, end) if text[i] in closers or text[i] in _PAIRS),
                end,
            )
            if close < end and text[close] in closers:
                quotes.append(Quote(position, close + 1, True))
                position = close + 1
                continue
            if close == end:
                quotes.append(Quote(position, end, False))
                break
        elif char == '"':
            if straight_open is None:
                straight_open = position
            else:
                quotes.append(Quote(straight_open, position + 1, True))
                straight_open = None
        position += 1
    if straight_open is not None:
        quotes.append(Quote(straight_open, end, False))
    return quotes


def quote_spans(text: str) -> list[Quote]:
    """Every quotation of ``text``, in order."""
    quotes: list[Quote] = []
    for start, end in paragraph_spans(text):
        quotes.extend(_paragraph_quotes(text, start, end))
    quotes.sort(key=lambda quote: quote.mark_start)
    return quotes


def group_sentences(sentences: list[Span], quotes: list[Quote]) -> list[Span]:
    """Runs of consecutive sentences joined wherever a quotation crosses from one to the next."""
    groups: list[Span] = []
    for start, end in sentences:
        if groups and any(
            q.mark_start < groups[-1][1] and q.mark_end > start and q.mark_start >= groups[-1][0]
            for q in quotes
        ):
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    return groups


def quotation_chains(text: str, quotes: list[Quote]) -> list[list[Quote]]:
    """Quotations running over several paragraphs: each unclosed at its paragraph's end and
    followed by one opening the next paragraph (two quotations or more per chain)."""
    paragraphs = paragraph_spans(text)
    starts = {start for start, _end in paragraphs}
    ends = {end for _start, end in paragraphs}
    chains: list[list[Quote]] = []
    current: list[Quote] = []
    for quote in quotes:
        previous = current[-1] if current else None
        if (
            previous is not None
            and not previous.closed
            and previous.mark_end in ends
            and quote.mark_start in starts
            and not text[previous.mark_end : quote.mark_start].strip()
        ):
            current.append(quote)
            continue
        if len(current) > 1:
            chains.append(current)
        current = [quote]
    if len(current) > 1:
        chains.append(current)
    return chains
