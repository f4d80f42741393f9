"""A person's name found in a text in another script or case form ("Dmitry Peskov" ~ "Пескову").

``match_name(name, text)`` looks for the name's surname (its last word) among the capitalised
words of ``text`` by ``transliteration.name_keys``: same spelling, another romanization,
another script, an inflected form. The given name then decides between two people of one
surname: when the words just before the surname in ``text`` give a first name or initials
("Дмитрий", initials, a patronymic skipped), its first letter must agree with the name's
("Nikolai Patrushev" is not "Дмитрий Патрушев"); with none there, the surname alone matches.
A sentence-opening adverb ("Вчера Песков ...") is not a first name.

``name_share(name, text)`` is for other names (places, organisations): the share of the
name's capitalised words found in ``text`` by key, a word found only approximately counting
half: keys with the same first letter where one is a prefix of at least five letters of the
other ("Kremlin" ~ "Кремль") or whose edit distance is at most a quarter of the longer
("Moscow" ~ "Москва", "Kharkiv" ~ "Харьков"; whole skeletons are compared too: "Russia" ~
"России"), since place names have exonyms that no
transliteration rule gives.

``person_name(speaker)`` is the person in a speaker phrase: "Kremlin spokesman Dmitry Peskov"
-> "Dmitry Peskov", "Peskov, the Kremlin spokesman" -> "Peskov".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.citations.languages import dominant_script
from archive.citations.names import proper_names
from archive.citations.tokens import STOPWORDS, word_set
from archive.citations.transliteration import initial_of, name_keys, skeleton

__all__ = ["NameHit", "match_name", "name_share", "name_words", "person_name", "similar_keys"]

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_GAP = re.compile(r"^\s+$|^\.\s*$")  # between words of one name: spaces, or an initial's dot
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|ovich|evich|ovna|evna)\w{0,3}$")
_SUFFIXES = word_set("jr jr. sr sr. ii iii iv")
# words that open a sentence before a surname without being a first name
_OPENERS = word_set(
    "вчера сегодня завтра ранее позже позднее затем потом теперь однако также впрочем далее "
    "тогда вчора сьогодні раніше пізніше потім також однак тепер yesterday today earlier later "
    "meanwhile however also then"
)
MAX_GIVEN_WORDS = 3
MIN_PREFIX = 5
MAX_DISTANCE_SHARE = 0.25
APPROXIMATE_CREDIT = 0.5


@dataclass(frozen=True, slots=True)
class NameHit:
    """Where a name was found in a text, as written there, and how it was recognised."""

    name: str  # the name looked for
    surname: str  # its last word, the one found
    found: str  # the surname as the text writes it
    start: int
    end: int
    how: str  # "same spelling" | "spelling variant" | "transliterated" | "inflected", combined
    given: str  # "given name agrees" | "surname alone"

    def describe(self) -> str:
        """``Peskov matched Пескову (transliterated, inflected)``."""
        return f"{self.surname} matched {self.found} ({self.how})"


Token = tuple[str, int, int]


def name_words(text: str) -> list[Token]:
    """Letter runs of ``text`` (inner apostrophes and hyphens kept) with their offsets."""
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_namelike(word: str) -> bool:
    folded = word.casefold()
    return word[:1].isupper() and folded not in STOPWORDS and folded not in _OPENERS


def _given_before(text: str, tokens: list[Token], index: int) -> str | None:
    """The first name (or first initial) written just before ``tokens[index]``, if any."""
    run: list[str] = []
    cursor = index
    while cursor > 0 and len(run) < MAX_GIVEN_WORDS:
        word, _start, end = tokens[cursor - 1]
        if not _GAP.match(text[end : tokens[cursor][1]]) or not _is_namelike(word):
            break
        run.insert(0, word)
        cursor -= 1
    run = [word for word in run if not _PATRONYMIC.search(word.casefold())]
    if not run:
        return None
    if all(len(word) == 1 for word in run):
        return run[0]
    return next(word for word in reversed(run) if len(word) > 1)


def _how(surname: str, found: str) -> str:
    if found.casefold() == surname.casefold():
        return "same spelling"
    scripts_differ = dominant_script(found) != dominant_script(surname)
    kinds = ["transliterated" if scripts_differ else "spelling variant"]
    if not skeleton(surname) & skeleton(found):
        kinds.append("inflected")
    return ", ".join(kinds)


def _parts(name: str) -> tuple[str | None, str] | None:
    words = [w for w, _s, _e in name_words(name) if w.casefold() not in _SUFFIXES]
    if not words:
        return None
    return (words[0] if len(words) > 1 else None), words[-1]


def _word_keys(word: str) -> frozenset[str]:
    """Keys of a text word; a hyphenated one also by each part ("Римского-Корсакова")."""
    parts = word.split("-")
    if len(parts) == 1:
        return name_keys(word)
    return name_keys(word).union(*(name_keys(part) for part in parts if part))


def _found(word: str, start: int, keys: frozenset[str]) -> tuple[str, int, int] | None:
    """The word, or the part of a hyphenated word, whose keys meet ``keys``, with offsets."""
    if keys & name_keys(word):
        return word, start, start + len(word)
    offset = start
    for part in word.split("-"):
        if part and keys & name_keys(part):
            return part, offset, offset + len(part)
        offset += len(part) + 1
    return None


def match_name(name: str, text: str, *, any_case: bool = False) -> NameHit | None:
    """Where ``text`` names the person ``name`` (see module docstring), or None.

    ``any_case`` accepts lower-case words too (URL slugs: ``/peskov-zayavil``).
    """
    parts = _parts(name)
    if parts is None:
        return None
    given, surname = parts
    keys = name_keys(surname)
    tokens = name_words(text)
    fallback: NameHit | None = None
    for index, (word, start, _end) in enumerate(tokens):
        found = _found(word, start, keys) if any_case or word[:1].isupper() else None
        if found is None:
            continue
        written, first, last = found
        how = _how(surname, written)
        given_before = _given_before(text, tokens, index)
        if given is not None and given_before is not None:
            if initial_of(given) != initial_of(given_before):
                continue  # another person of the same surname
            return NameHit(name, surname, written, first, last, how, "given name agrees")
        if fallback is None:
            fallback = NameHit(name, surname, written, first, last, how, "surname alone")
    return fallback


def person_name(speaker: str | None) -> str | None:
    """The person's name in a speaker phrase (its last proper name, or an appositive's head).

    The head is taken when a lower-case word follows its comma ("Peskov, the Kremlin
    spokesman"), not in a dateline ("MOSCOW, March 14 (Reuters) - ... Dmitry Peskov").
    """
    if not speaker:
        return None
    found = proper_names(speaker)
    if not found:
        return None
    head = found[0]
    rest = speaker[speaker.find(head) + len(head) :].lstrip()
    appositive = rest.startswith(",") and rest[1:].lstrip()[:1].islower()
    return head if appositive else found[-1]


def _distance(first: str, second: str) -> int:
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i]
        for j, b in enumerate(second, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def similar_keys(first: str, second: str) -> bool:
    """Whether two keys are probably one name's two spellings (see module docstring)."""
    if not first or not second or first[0] != second[0]:
        return False
    short, long = sorted((first, second), key=len)
    if len(short) >= MIN_PREFIX and long.startswith(short):
        return True
    return len(short) >= 4 and _distance(first, second) <= MAX_DISTANCE_SHARE * len(long)


def _close(word: str, token: str) -> bool:
    """Approximately one name: by keys, or by whole skeletons ("Russia" ~ "России")."""
    pairs = [(name_keys(word), _word_keys(token)), (skeleton(word), skeleton(token))]
    return any(similar_keys(a, b) for mine, theirs in pairs for a in mine for b in theirs)


def name_share(name: str, text: str, slug: str = "") -> tuple[float, str | None]:
    """The share of ``name``'s words ``text`` (or the lower-case ``slug``) has, and what matched."""
    words = [w for w, _s, _e in name_words(name) if _is_namelike(w)]
    if not words:
        return 0.0, None
    tokens = [w for w, _s, _e in name_words(text) if w[:1].isupper()]
    tokens += [w for w, _s, _e in name_words(slug)]
    credit = 0.0
    shown: list[str] = []
    for word in words:
        keys = name_keys(word)
        exact = next((t for t in tokens if keys & _word_keys(t)), None)
        if exact is not None:
            credit += 1.0
            shown.append(exact)
            continue
        close = next((t for t in tokens if _close(word, t)), None)
        if close is not None:
            credit += APPROXIMATE_CREDIT
            shown.append(f"~{close}")
    if not shown:
        return 0.0, None
    return credit / len(words), f"{name} ({' '.join(shown)})"
