"""Proper names in a text (runs of capitalised words), used to rank candidate source articles.

"Yevgeny Prigozhin", "the Wagner Group", "Bakhmut", "Institute for the Study of War": a run of
capitalised words, joined by a few lower-case particles (of, for, the, de, al...). A run made
only of a sentence-initial function word ("The", "But", "In") is not a name.
"""

from __future__ import annotations

import re

from archive.citations.tokens import STOPWORDS

__all__ = ["proper_names"]

_CAPITALISED = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*(?:\.[A-ZА-ЯЁ][\w’'\-]*)*"
_PARTICLE = r"(?:of|for|the|de|del|la|le|al|el|von|van|der|bin|ibn|и)"
_NAME = re.compile(rf"(?<![\w’']){_CAPITALISED}(?:\s+(?:{_PARTICLE}\s+)*{_CAPITALISED})*")
_POSSESSIVE = re.compile(r"[’']s?$")
_EDGE_WORDS = STOPWORDS | {"according", "but", "and", "mr", "mrs", "ms", "dr"}


def _trim(words: list[str]) -> list[str]:
    while words and words[0].casefold().rstrip(".") in _EDGE_WORDS:
        words = words[1:]
    while words and words[-1].casefold().rstrip(".") in _EDGE_WORDS:
        words = words[:-1]
    return words


def proper_names(text: str, limit: int = 12) -> tuple[str, ...]:
    """Distinct proper names of ``text`` in order of first appearance (at most ``limit``)."""
    names: list[str] = []
    seen: set[str] = set()
    for match in _NAME.finditer(text):
        words = _trim(_POSSESSIVE.sub("", match.group(0)).split())
        if not words:
            continue
        name = " ".join(words)
        key = name.casefold()
        if key not in seen and (len(name) > 2 or name.isupper()):
            seen.add(key)
            names.append(name)
            if len(names) >= limit:
                break
    return tuple(names)
