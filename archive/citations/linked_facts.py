"""Linked statements of fact: the writer's sentences whose citation link backs a fact.

Not every sentence with a link is a claim: "Brick kilns that burn solid fuels are [another
factor]" is the writer's narrative with a see-also link. A linked sentence is a claim when its
fact is *reported* (a word says it comes from elsewhere: "reportedly", "according to", "a
study found", "data show", "announced") or *measured* (a quantity in numbers: "more than [10
million vehicles]", "40 to 80 percent", "$63 billion"; a year or a date alone is not one).
Its source is the link on it, not a link on a name leading to a home or profile page
("[WeWork] is reportedly being investigated": wework.com is not the report).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from archive.citations.link_shapes import profile_like

__all__ = ["EVIDENTIAL", "QUANTITY_WORDS", "backing_links", "reported_or_measured"]

# words that present a sentence as reported or measured by someone else (a closed class:
# hedges, reporting verbs of documents, and the nouns of evidence)
EVIDENTIAL = re.compile(
    r"\b(?:reportedly|allegedly|apparently|according|estimat(?:e|es|ed)|projections?|"
    r"found|finds|show(?:s|ed|n)?|suggest(?:s|ed)?|conclud(?:e|es|ed)|indicat(?:e|es|ed)|"
    r"surveys?|stud(?:y|ies)|report(?:s|ed)?|analys[ie]s|polls?|polled|"
    # evidence that speaks: "data ... supported", "online records revealed"
    r"(?:data|figures|records|documents|filings|statistics)\s+(?:[\w’'\-]+\s+){0,8}?"
    r"(?:show|shows|showed|shown|suggest|suggests|suggested|indicate|indicates|indicated|"
    r"support|supports|supported|reveal|reveals|revealed|confirm|confirms|confirmed))\b",
    re.IGNORECASE,
)
QUANTITY_WORDS = (
    r"percent|per\s+cent|percentage|million|billion|trillion|thousands?|hundreds?|dozens?|"
    r"twice|doubled|tripled|quadrupled"
)
_QUANTITY_WORD = re.compile(rf"\b(?:{QUANTITY_WORDS})\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])[$£€]?\d(?:[\d,.]*\d)?%?")
_AGE = re.compile(r",\s*$")
_MONTHS = (
    r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|"
    r"July|August|September|October|November|December"
)
_DATE_BEFORE = re.compile(rf"(?:{_MONTHS})\.?\s+$")
_DATE_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b")
_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d$")


def _counts(sentence: str) -> bool:
    """Whether SENTENCE gives a quantity: a number that is not a year, a day or a time."""
    if _QUANTITY_WORD.search(sentence):
        return True
    for match in _NUMBER.finditer(sentence):
        number = match.group(0)
        if _YEAR.match(number) or ":" in sentence[match.end() : match.end() + 1]:
            continue
        if (
            _AGE.search(sentence, 0, match.start())
            and sentence[match.end() : match.end() + 1] == ","
        ):
            continue  # "The former star, 42, was voted off": an age
        if _DATE_BEFORE.search(sentence, 0, match.start()) or _DATE_AFTER.match(
            sentence[match.end() :]
        ):
            continue
        return True
    return False


def reported_or_measured(sentence: str, anchor: tuple[int, int] | None = None) -> bool:
    """Whether a linked SENTENCE states a reported or a measured fact (module docstring). A
    word inside the ANCHOR (offsets in SENTENCE) does not count: "A research institute
    published [a report] on Monday" introduces a document, it reports nothing."""
    for match in EVIDENTIAL.finditer(sentence):
        if anchor is None or not anchor[0] <= match.start() < anchor[1]:
            return True
    return _counts(sentence)


def backing_links(urls: Sequence[str]) -> list[str]:
    """The URLs that may back a fact: not a home or profile page."""
    return [url for url in urls if not profile_like(url)]
