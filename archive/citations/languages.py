"""Language tags and writing scripts, to tell when a source needs translation.

``normalize_language("en-US") == "en"``; an empty, ``und`` or malformed tag is ``None``
(unknown). ``dominant_script(text)`` names the script most letters of a text are written in
("latin", "cyrillic", "greek", "arabic", "hebrew", "cjk", "hangul", "other"), so that two texts
whose declared languages are unknown can still be seen to differ.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

__all__ = ["dominant_script", "languages_differ", "normalize_language"]

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_UNKNOWN = frozenset({"und", "mul", "zxx", "xx"})
_SCRIPTS = (
    ("LATIN", "latin"),
    ("CYRILLIC", "cyrillic"),
    ("GREEK", "greek"),
    ("ARABIC", "arabic"),
    ("HEBREW", "hebrew"),
    ("CJK", "cjk"),
    ("HIRAGANA", "cjk"),
    ("KATAKANA", "cjk"),
    ("HANGUL", "hangul"),
)
_SAMPLE = 4000  # letters looked at: the script of a page shows in its first few thousand


def normalize_language(tag: str | None) -> str | None:
    """The primary language subtag, lower case (``"en-US"`` -> ``"en"``), or None if unknown."""
    if not tag:
        return None
    match = _TAG.match(tag.strip())
    if match is None:
        return None
    primary = match.group(1).lower()
    return None if primary in _UNKNOWN else primary


def _script_of(char: str) -> str:
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPTS:
        if name.startswith(prefix):
            return script
    return "other"


def dominant_script(text: str) -> str | None:
    """The script of most letters in ``text`` (None when it has no letters)."""
    counts: Counter[str] = Counter()
    seen = 0
    for char in text:
        if char.isalpha():
            counts[_script_of(char)] += 1
            seen += 1
            if seen >= _SAMPLE:
                break
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def languages_differ(
    first_language: str | None, second_language: str | None, first_text: str, second_text: str
) -> str | None:
    """Why two texts are in different languages, or None when they are not known to be.

    Declared languages are compared when both are known; otherwise the dominant scripts of the
    texts are (an unknown language alone never counts as different).
    """
    first, second = normalize_language(first_language), normalize_language(second_language)
    if first and second:
        return f"languages differ: {first} vs {second}" if first != second else None
    first_script, second_script = dominant_script(first_text), dominant_script(second_text)
    if first_script and second_script and first_script != second_script:
        return f"scripts differ: {first_script} vs {second_script}"
    return None
