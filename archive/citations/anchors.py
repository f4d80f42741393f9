"""What two texts in different languages can still share: numbers and month names.

``anchors(text)`` maps each anchor to its weight as evidence:

* numbers, normalised ("1,500", "1 500" and "1500" are ``1500``; a decimal comma is a point:
  "12,5" is ``12.5``): weight 1.0, a year (1900-2099) 0.5, a single digit 0.3, since those are
  common in any news text;
* months, in English, Russian and Ukrainian ("May", "мая", "травня" are ``May``): 0.5. The
  English "May" counts only capitalised (else it is the verb).
"""

from __future__ import annotations

import re

from archive.citations.lexicon import MONTHS

__all__ = ["anchors", "shared_anchors"]

_GROUPED = r"\d{1,3}(?:[,. \u00a0\u202f]\d{3})+(?![\d])"
_NUMBER = re.compile(rf"(?<![\w.,])(?:{_GROUPED}|\d+(?:[.,]\d{{1,2}}(?![\d]))?)")
_WORD = re.compile(r"[^\W\d_]+")
# each month: its English abbreviation, then prefixes of its Russian and Ukrainian forms
_MONTH_PREFIXES = (
    ("jan", "январ", "січн"),
    ("feb", "феврал", "лют"),
    ("mar", "март", "березн"),
    ("apr", "апрел", "квітн"),
    ("may", "мая", "май", "мае", "травн"),
    ("jun", "июн", "червн"),
    ("jul", "июл", "липн"),
    ("aug", "август", "серпн"),
    ("sep", "сентябр", "вересн"),
    ("oct", "октябр", "жовтн"),
    ("nov", "ноябр", "листопад"),
    ("dec", "декабр", "грудн"),
)
YEAR_WEIGHT, DIGIT_WEIGHT, MONTH_WEIGHT = 0.5, 0.3, 0.5


def _number_weight(value: str) -> float:
    if "." not in value and len(value) == 4 and 1900 <= int(value) <= 2099:
        return YEAR_WEIGHT
    return DIGIT_WEIGHT if len(value) == 1 else 1.0


def _month(word: str) -> str | None:
    folded = word.casefold()
    for number, (english, *others) in enumerate(_MONTH_PREFIXES):
        name = MONTHS[number]
        if folded in (name.lower(), english, "sept" if english == "sep" else english):
            return None if folded == "may" and not word[:1].isupper() else name
        if len(folded) <= 10 and any(folded.startswith(prefix) for prefix in others):
            return name
    return None


def anchors(text: str) -> dict[str, float]:
    """The numbers and months of ``text``, each with its weight as evidence."""
    found: dict[str, float] = {}
    for match in _NUMBER.finditer(text):
        raw = match.group(0)
        value = re.sub(r"[,. \u00a0\u202f]", "", raw) if re.fullmatch(_GROUPED, raw) else raw
        value = value.replace(",", ".")
        found[value] = _number_weight(value)
    for match in _WORD.finditer(text):
        month = _month(match.group(0))
        if month is not None:
            found[month] = MONTH_WEIGHT
    return found


def shared_anchors(wanted: dict[str, float], text: str) -> tuple[float, list[str]]:
    """The share of ``wanted``'s weight found in ``text``, and the anchors found."""
    if not wanted:
        return 0.0, []
    have = anchors(text)
    found = [anchor for anchor in wanted if anchor in have]
    return sum(wanted[a] for a in found) / sum(wanted.values()), found
