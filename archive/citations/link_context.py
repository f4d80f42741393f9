"""What the text around a link says about it: a promo call, a "Read also:" lead-in, a headline.

* ``promo_call``: the sentence is a call to the reader ("Sign up to X, our free daily
  newsletter", "Subscribe to...", "Follow us on...", "Download our app", "Donate today",
  "Abonnez-vous", "Abonnieren Sie..."): an imperative at the start of a clause, or a
  first-person "our ... newsletter";
* ``lead_in``: the paragraph is a short label ending in a colon ("Read more:", "Lire aussi :",
  "More on this story:") followed by nothing but links;
* ``links_only``: the paragraph is nothing but links and separators;
* ``headline_lines``: a link that fills its line, or one of a run of short lines that each
  hold a link (a list of headlines rather than prose);
* ``closing_text``: an offset in the last few lines, where an author's bio sits.
"""

from __future__ import annotations

import re

from archive.citations.sentences import Span

__all__ = ["closing_text", "headline_lines", "lead_in", "links_only", "promo_call"]

_PROMO_START = re.compile(
    r"(?:please\s+|now\s+|jetzt\s+|bitte\s+)?("
    r"sign(?:\s|-)?up\b|subscribe\b|register\s+(?:now|here|today|for\s+(?:our|free))\b|"
    r"follow\s+(?:us|our|me|him|her|them)\b|join\s+(?:us|our)\b|donate\b|"
    r"support\s+(?:us|our|local|independent)\b|download\s+(?:our|the)\b|"
    r"get\s+(?:our|the)\s+(?:[\w-]+\s+){0,3}(?:newsletters?|apps?)\b|"
    r"become\s+an?\s+(?:member|subscriber|supporter|patron)\b|share\s+your\b|"
    r"send\s+us\b|tell\s+us\b|"
    r"abonnieren\s+sie\b|melden\s+sie\s+sich\b|folgen\s+sie\s+uns\b|unterstützen\s+sie\b|"
    r"spenden\s+sie\b|abonnez-vous\b|inscrivez-vous\b|suivez-nous\b|soutenez\b|"
    r"faites\s+un\s+don\b|suscr[ií]b[ea]|s[ií]guenos\b|iscriviti\b|seguici\b|abbonati\b"
    r")",
    re.IGNORECASE,
)
_PROMO_ANYWHERE = re.compile(
    r"\b((?:our|unseren?|notre|nos)\s+(?:[\w-]+\s+){0,3}"
    r"(?:newsletters?|lettres?\s+d'information|podcasts?|apps?))\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[:;?!()–—]|\s-\s|^")
_CLAUSE_LEAD = re.compile(r"[\s\-•*·]*")  # not quote marks: a quoted imperative is speech
_LEAD_IN = re.compile(r"^[\W_]*((?:[^\W\d_][\w'’.-]*\s*){1,4})[:：]\s*$")
_SEPARATORS = re.compile(r"[\s|·•,;/\-–—()\[\]«»\"“”.]+")
_HEADLINE_COVER = 0.85  # share of its line a link must fill to be a headline
_HEADLINE_WORDS = 15  # at most this many words on a line of a headline list
_BIO_TAIL = 400  # characters after an author link that still make a closing bio
_BIO_SHARE = 0.75  # ... which must also come after this share of the text


def promo_call(sentence: str) -> str | None:
    """The call to the reader in ``sentence`` ("sign up", "our free daily newsletter"...)."""
    for clause in _CLAUSE.finditer(sentence):
        lead = _CLAUSE_LEAD.match(sentence, clause.end())
        start = lead.end() if lead else clause.end()
        match = _PROMO_START.match(sentence, start)
        if match:
            return match.group(1)
    anywhere = _PROMO_ANYWHERE.search(sentence)
    return anywhere.group(1) if anywhere else None


def _rest(text: str, start: int, end: int, anchors: list[Span]) -> str:
    """``text[start:end]`` with the anchors cut out."""
    pieces: list[str] = []
    cursor = start
    for first, last in sorted(anchors):
        if last <= cursor or first >= end:
            continue
        pieces.append(text[cursor : max(cursor, first)])
        cursor = max(cursor, last)
    pieces.append(text[cursor:end])
    return " ".join(pieces)


def links_only(text: str, paragraph: Span, anchors: list[Span]) -> bool:
    """Whether the paragraph holds two links or more and nothing else but separators."""
    inside = [span for span in anchors if paragraph[0] <= span[0] < paragraph[1]]
    return len(inside) >= 2 and not _SEPARATORS.sub("", _rest(text, *paragraph, inside))


def lead_in(text: str, paragraph: Span, anchors: list[Span]) -> str | None:
    """The short "Label:" that opens a paragraph made of it and links only."""
    inside = sorted(span for span in anchors if paragraph[0] <= span[0] < paragraph[1])
    if not inside:
        return None
    match = _LEAD_IN.match(text[paragraph[0] : inside[0][0]])
    if match is None:
        return None
    rest = _SEPARATORS.sub("", _rest(text, inside[0][0], paragraph[1], inside))
    covered = sum(last - first for first, last in inside)
    return match.group(0).strip() if len(rest) <= 0.15 * (covered + len(rest)) else None


def _lines(text: str) -> list[Span]:
    spans: list[Span] = []
    position = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = position + line.index(stripped[0])
            spans.append((start, start + len(stripped)))
        position += len(line)
    return spans


def headline_lines(text: str, anchors: list[Span]) -> dict[Span, str]:
    """Anchors that are headlines: filling their line, or in a run of short link lines."""
    lines = _lines(text)
    found: dict[Span, str] = {}
    holding: dict[int, list[Span]] = {}
    for span in anchors:
        index = next((i for i, (s, e) in enumerate(lines) if s <= span[0] < e), None)
        if index is not None:
            holding.setdefault(index, []).append(span)
    short = {
        index
        for index in holding
        if len(text[slice(*lines[index])].split()) <= _HEADLINE_WORDS
        and not text[slice(*lines[index])].rstrip('"”’)»').endswith(".")
    }
    for index, spans in holding.items():
        line_text = _SEPARATORS.sub("", text[slice(*lines[index])])
        for span in spans:
            filled = len(_SEPARATORS.sub("", text[slice(*span)]))
            if line_text and filled >= _HEADLINE_COVER * len(line_text):
                found[span] = "same-site headline on a line of its own"
            elif index in short and (index - 1 in short or index + 1 in short):
                found[span] = "one of a list of short same-site link lines"
    return found


def closing_text(text: str, end: int) -> bool:
    """Whether offset ``end`` is in the last few lines of a text (where a closing bio sits)."""
    return len(text) - end <= _BIO_TAIL and end >= _BIO_SHARE * len(text)
