"""Proper names in a text (runs of capitalised words): to rank candidate source articles, and
to tell who or what a name names.

"Yevgeny Prigozhin", "the Wagner Group", "Bakhmut", "Institute for the Study of War": a run of
capitalised words, joined by a few lower-case particles (of, for, the, de, al...). A run made
only of a sentence-initial function word ("The", "But", "In") is not a name.

``name_runs`` also classifies each run: an ``outlet`` ends in an outlet word ("Daily
Courier"); an ``organisation`` holds an organisation word ("Defence Ministry") or is an
acronym; a ``place`` holds a place word ("South Korea"); a ``person`` has a title ("Interior
Minister Wolfgang Peschorn", "Secretary of State ..."), a listed given name, a person noun
before it ("spokesman Dmitry Peskov", "the deputy head of the agency, Jane Roe") or in
apposition after it ("Jane Roe, the deputy head"), an age (", 45,"), a ", who" clause, or is
two or three words followed by a reporting verb. Anything else is a ``name``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.citations.given_names import given_name_gender
from archive.citations.lexicon import (
    CALENDAR_WORDS,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    NAME_ORG_WORDS,
    NAME_OUTLET_WORDS,
    NAME_PLACE_WORDS,
    ORG_NOUNS,
    OUTLET_NOUNS,
    PERSON_NOUNS,
    TITLE_WORDS,
    gender_of_words,
)
from archive.citations.news_outlets import known_outlet
from archive.citations.sentences import Span
from archive.citations.tokens import STOPWORDS, word_set

__all__ = ["NameRun", "name_kind", "name_runs", "proper_names"]

_CAPITALISED = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*(?:\.[A-ZА-ЯЁ][\w’'\-]*)*"
_PARTICLE = r"(?:of|for|the|de|del|la|le|al|el|von|van|der|bin|ibn|и)"
_NAME = re.compile(rf"(?<![\w’']){_CAPITALISED}(?:\s+(?:{_PARTICLE}\s+)*{_CAPITALISED})*")
_POSSESSIVE = re.compile(r"[’']s?$")
_EDGE_WORDS = STOPWORDS | {"according", "but", "and", "mr", "mrs", "ms", "dr"}
_ALL_NOUNS = PERSON_NOUNS | GROUP_NOUNS | ORG_NOUNS | OUTLET_NOUNS | DOCUMENT_NOUNS
_CAP = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'.\-]*"
_RUN_PARTICLE = r"(?:of|for|the|de|del|la|le|al|el|von|van|der|bin|ibn|on)"
_RUN = re.compile(rf"(?<![\w’'\-]){_CAP}(?:\s+(?:{_RUN_PARTICLE}\s+)*{_CAP})*")
_OPENERS = (STOPWORDS - {"new", "last", "one", "two"}) | word_set(
    "according but and yet so however meanwhile still earlier later now after although while "
    "despite in on at as if when because since though separately also last this"
)
_NOT_NAMES = ("organisation", "outlet")  # a place word can be a surname: "James Hall"
_COMPOUND = re.compile(r"^[\w’'.]+-(?:based|born|owned|led|backed|run|funded|made|era)$")
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,6}$")
_APPOSITION = re.compile(
    r"^,\s+(?:(?:a|an|the|his|her|its|their)\s+)?(?:[\w’'.\-]+\s+){0,5}?(?P<noun>"
    + "|".join(sorted(PERSON_NOUNS, key=len, reverse=True))
    + r")\b"
)
_DATELINE = re.compile(r"^\s*(?:,[^—–\n]{0,30})?(?:\([^)\n]{0,40}\))?\s*(?:—|–|--|-)\s")
_TITLED = re.compile(  # "the deputy head of the agency, Jane Roe"
    r"\b(?:"
    + "|".join(sorted(PERSON_NOUNS, key=len, reverse=True))
    + r")(?:\s+(?:of|for|at)\s+[^,;]{1,60})?,\s+$"
)
_AGE = re.compile(r"^,\s+\d{1,3},")
_REPORTING = re.compile(
    r"^\s+(?:(?:has|had|also|later)\s+)?(?:said|says|told|added|wrote|argued|insisted|warned|"
    r"denied|noted|claimed|explained|stressed|acknowledged|admitted|confirmed)\b"
)


@dataclass(frozen=True, slots=True)
class NameRun:
    """A proper name in a text: ``text[start:end]``, what it names, and its words."""

    start: int
    end: int
    kind: str  # person | organisation | outlet | place | name
    name: str  # a person's name without title; the words otherwise
    gender: str | None
    words: tuple[str, ...]
    possessive: bool  # "Roe's"


def _clean(token: str) -> str:
    return token.rstrip(".,") if len(token) > 3 or not token.endswith(".") else token


def name_kind(words: list[str]) -> str | None:
    """The kind a proper name's words give by themselves (outlet, organisation, place); a
    well-known outlet's name ("Rodong Sinmun", "CNN") is an outlet."""
    if known_outlet(" ".join(words)):
        return "outlet"
    last = words[-1].rstrip(".")
    if (last in NAME_OUTLET_WORDS and len(words) > 1) or words[0] == "Daily":
        return "outlet"
    if any(word in NAME_OUTLET_WORDS for word in words[:-1]) and last in (
        "Agency",
        "Network",
        "Channel",
        "Corporation",
        "Service",
    ):
        return "outlet"
    if any(word in NAME_ORG_WORDS for word in words):
        return "organisation"
    if len(words) == 1 and _ACRONYM.match(words[0]):
        return "organisation"
    if any(word in NAME_PLACE_WORDS for word in words):
        return "place"
    return None


def _title(word: str) -> bool:
    return word in TITLE_WORDS or word.rstrip(".") in TITLE_WORDS


def _person_name(words: list[str]) -> tuple[list[str], list[str]]:
    """(title words, name words): "Secretary of State Mike Pompeo" splits before Mike.

    The name is the run of capitalised words at the end that are no title, organisation or
    place words; what comes before is a title only if it holds a title word and does not end
    in a particle ("Office of the Director of National Intelligence" is no person).
    """
    cut = len(words)
    while cut > 0:
        word = words[cut - 1]
        if not word[:1].isupper() or _title(word) or name_kind([word, word]) in _NOT_NAMES:
            break
        cut -= 1
    titles = words[:cut]
    if not titles or not any(_title(w) for w in titles) or not titles[-1][:1].isupper():
        return [], words
    return titles, words[cut:]


def _classify(text: str, start: int, end: int, words: list[str]) -> tuple[str, str, str | None]:
    """(kind, name, gender) of a capitalised run ``text[start:end]``."""
    titles, name = _person_name(words)
    if titles and 0 < len(name) <= 4:
        gender = gender_of_words(titles) or given_name_gender(name[0])
        return "person", " ".join(name), gender
    kind = name_kind(words)
    if kind is not None:
        return kind, " ".join(words), None
    if titles and not name:
        return "person", "", gender_of_words(titles)
    if len(words) <= 4 and all(w[:1].isupper() for w in words):
        gender = given_name_gender(words[0])  # "Jane Roe"; "Harry said" (a first name)
        before = text[max(0, start - 30) : start].split()
        after = text[end : end + 80]
        apposition = _APPOSITION.match(after)
        if (
            gender
            or (before and before[-1].casefold() in PERSON_NOUNS)
            or apposition
            or _AGE.match(after)
            or after.startswith((", who ", ", whose "))
            or _TITLED.search(text, max(0, start - 80), start)
            or (1 < len(words) <= 3 and _REPORTING.match(after.lstrip(",")))
        ):
            return "person", " ".join(words), gender
    return "name", " ".join(words), None


def _tokens(text: str, start: int, end: int) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"\S+", text[start:end])]


def _split_of(tokens: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """ "Penelope Muse Abernathy of the University of ...": a name, then an organisation."""
    for index, (_offset, token) in enumerate(tokens):
        if token not in ("of", "for") or index < 2:
            continue
        before = [t for _o, t in tokens[:index]]
        after = [t for _o, t in tokens[index + 1 :] if t[:1].isupper()]
        if (
            after
            and name_kind(before) is None
            and name_kind(after) is not None
            and not any(_title(t) for t in before)
        ):
            rest = tokens[index + 1 :]
            while rest and not rest[0][1][:1].isupper():
                rest = rest[1:]
            return [tokens[:index], rest]
    return [tokens]


def name_runs(text: str, span: Span, skipped: list[Span]) -> list[NameRun]:
    """The proper names of ``text[span]`` outside the ``skipped`` spans (quotations)."""
    found: list[NameRun] = []
    for match in _RUN.finditer(text, *span):
        tokens = _tokens(text, match.start(), match.end())
        cut = next((i for i, (_o, t) in enumerate(tokens) if _POSSESSIVE.search(t[-2:])), None)
        tokens = tokens[: cut + 1] if cut is not None else tokens  # "Trump's Oct. 11 visit"
        while tokens and (
            tokens[0][1].casefold().rstrip(",") in _OPENERS or _COMPOUND.match(tokens[0][1])
        ):
            tokens = tokens[1:]  # "But", "Sacramento-based"
        for part in _split_of(tokens):
            run = _run(text, span, skipped, match.start(), part)
            if run is not None:
                found.append(run)
    return found


def _run(
    text: str, span: Span, skipped: list[Span], base: int, tokens: list[tuple[int, str]]
) -> NameRun | None:
    """The mention of a run of capitalised words (``tokens`` with offsets from ``base``)."""
    while tokens and tokens[-1][1].casefold() in STOPWORDS:
        tokens = tokens[:-1]
    if not tokens or (len(tokens) == 1 and tokens[0][1].casefold() in GROUP_NOUNS):
        return None  # "Prosecutors said": a group, found as such
    start = base + tokens[0][0]
    last = tokens[-1][1]
    end = base + tokens[-1][0] + len(last)
    following = text[end:].split(" ", 2)
    if (
        len(tokens) == 1
        and not text[span[0] : start].strip(' \t\n"“')
        and len(following) > 1
        and following[1] in _ALL_NOUNS
    ):
        return None  # "Federal prosecutors", "Kremlin spokesman ...": a modifier
    words = [_clean(token) for _offset, token in tokens]
    possessive = last.endswith(("’s", "'s", "s’", "s'"))
    if possessive:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    end -= len(last) - len(words[-1])
    if any(lo <= start < hi for lo, hi in skipped) or not words[-1]:
        return None
    if all(word in CALENDAR_WORDS for word in words):
        return None  # "until June, Riverton council said": a date names nobody
    if start == span[0] and text[start:end].isupper() and _DATELINE.match(text, end):
        return None  # "CAIRO — "
    kind, name, gender = _classify(text, start, end, words)
    return NameRun(start, end, kind, name, gender, tuple(words), possessive)


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
