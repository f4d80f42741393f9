"""Names written in any script reduced to comparable Latin keys ("Пескову" ~ "Peskov").

Three steps, each a general rule rather than a list of names:

1. ``romanize``: text in any script to ASCII Latin with ``anyascii`` (letter by letter; for
   Cyrillic close to BGN/PCGN and the common English spellings: kh, zh, ts, ch, sh, shch,
   y, ya, yu), after two readings that letter-by-letter romanization misses: Cyrillic yo
   (the letter with a diaeresis) is written yo, and Greek digraphs are read as ELOT 743 and
   the UN system read them (omicron-upsilon ou, alpha-upsilon av, epsilon-upsilon ev, mu-pi
   b, nu-tau d, gamma-gamma and gamma-kappa ng, gamma-iota before a vowel y: "Bakoyannis");
2. ``skeleton``: the romanized word folded so that the usual English, German and Slavic
   spellings of one sound coincide: kh/gh/h/g (the Ukrainian letter ghe is h), ch/tsch/tch/
   ts/tz/cz, sh/sch/shch, j/y/i, x/ks, w/v, ph/f, th/t, ou/u, doubled letters, ie/e
   ("Yevgeny", "Evgeniy" and "Евгений" all give ``evheni``), io/e ("Solovyov", "Gorbachev").
   A bare ``c`` is read both as k and as ts/ch (diacritics lost: "Vucic" for Vučić), so a
   word may have a few skeletons;
3. ``name_keys``: the skeletons without one inflectional ending (Russian and Ukrainian cases
   of nouns and adjectives, romanized: -a -u -om -ym -oy -ogo -omu -aya -iy...; Greek -is -os
   -as -i -ou), keeping a stem of at least three letters, so that Песков, Пескова, Пескову,
   Песковым and Peskov share the key ``peskov``, and Захаровой and Zakharova ``zaharov``.

``cognates(a, b)`` tells two words of different languages that are one international word
("conference" ~ "конференции", "organised" ~ "организована"): their skeletons, with z read as
s, share a prefix of at least five letters and of at least 0.6 of the shorter. Keys are for
comparisons only; they are lossy by design and never shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import product

from anyascii import anyascii

from archive.citations.tokens import word_set

__all__ = [
    "MIN_COGNATE_PREFIX",
    "cognate_forms",
    "cognates",
    "initial_of",
    "name_keys",
    "romanize",
    "skeleton",
]

_GREEK_VOWELS = "αεηιουωάέήίόύώϊϋΐΰ"
_GREEK_DIGRAPHS = (
    (re.compile(rf"γ[ιη](?=[{_GREEK_VOWELS}])", re.IGNORECASE), "y"),
    (re.compile(r"ο[υύ]", re.IGNORECASE), "ou"),
    (re.compile(r"α[υύ]", re.IGNORECASE), "av"),
    (re.compile(r"ε[υύ]", re.IGNORECASE), "ev"),
    (re.compile(r"(?<![\w])μπ", re.IGNORECASE), "b"),
    (re.compile(r"μπ", re.IGNORECASE), "mb"),
    (re.compile(r"(?<![\w])ντ", re.IGNORECASE), "d"),
    (re.compile(r"ντ", re.IGNORECASE), "nt"),
    (re.compile(r"γ[γκ]", re.IGNORECASE), "ng"),
)
# ordered, longer spellings first; C (ch, ts), S (sh) and Z (zh) are placeholders that no
# lower-case letter of the folded word can equal
_FOLDS = (
    ("tsch", "C"),
    ("shch", "S"),
    ("sch", "S"),
    ("sh", "S"),
    ("tch", "C"),
    ("dzh", "j"),
    ("zh", "Z"),
    ("kh", "h"),
    ("gh", "h"),
    ("ch", "C"),
    ("ts", "C"),
    ("tz", "C"),
    ("cz", "C"),
    ("ck", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("g", "h"),
    ("ou", "u"),
    ("y", "i"),
    ("j", "i"),
)
_DOUBLE = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-zA-Z]")
MAX_C_VARIANTS = 3  # a word with more bare c's keeps the first three ambiguous
# inflectional endings as skeletons (-ogo gives oho: g folds to h), longest first
_ENDING_LIST = (
    "oho eho omu emu imi ami iami aia uiu iuiu oiu eiu oi ei im om em ih ah iah am iam "
    "ovi evi is os as es a ia u iu e i o"
)
_ENDINGS = tuple(sorted(word_set(_ENDING_LIST), key=lambda ending: (-len(ending), ending)))
MIN_STEM = 3
CACHE_SIZE = 32768  # distinct words of a few thousand feed entries
MIN_COGNATE_PREFIX = 5
COGNATE_SHARE = 0.6


def romanize(text: str) -> str:
    """``text`` in ASCII Latin letters (Greek digraphs read as words are romanized)."""
    text = text.replace("ё", "yo").replace("Ё", "Yo")
    for pattern, latin in _GREEK_DIGRAPHS:
        text = pattern.sub(_same_case(latin), text)
    return anyascii(text)


def _same_case(latin: str) -> Callable[[re.Match[str]], str]:
    """A replacement that writes ``latin`` capitalised where the digraph was."""

    def replace(match: re.Match[str]) -> str:
        return latin.capitalize() if match.group(0)[:1].isupper() else latin

    return replace


@lru_cache(maxsize=CACHE_SIZE)
def skeleton(word: str) -> frozenset[str]:
    """The spelling-neutral forms of one word (usually one; more when it has a bare ``c``)."""
    folded = _NOT_LETTER.sub("", romanize(unicodedata.normalize("NFC", word))).lower()
    for spelling, sound in _FOLDS:
        folded = folded.replace(spelling, sound)
    pieces = folded.split("c")
    ambiguous = min(len(pieces) - 1, MAX_C_VARIANTS)
    choices: list[tuple[str, ...]] = [("k", "C")] * ambiguous
    choices += [("k",)] * (len(pieces) - 1 - ambiguous)
    forms = set()
    for letters in product(*choices):
        form = pieces[0] + "".join(c + piece for c, piece in zip(letters, pieces[1:], strict=True))
        form = _DOUBLE.sub(r"\1", form).replace("ie", "e").replace("io", "e")
        forms.add(_DOUBLE.sub(r"\1", form))
    return frozenset(form for form in forms if form)


def _stem(form: str) -> str:
    for ending in _ENDINGS:
        if form.endswith(ending) and len(form) - len(ending) >= MIN_STEM:
            return form[: -len(ending)]
    return form


@lru_cache(maxsize=CACHE_SIZE)
def name_keys(word: str) -> frozenset[str]:
    """Keys of a name word: its skeletons without one inflectional ending."""
    return frozenset(_stem(form) for form in skeleton(word))


def initial_of(word: str) -> str:
    """The first letter of a name word's skeleton ("Д." -> "d", "Yevgeny" -> "e")."""
    forms = sorted(skeleton(word))
    return forms[0][:1] if forms else ""


@lru_cache(maxsize=CACHE_SIZE)
def cognate_forms(word: str) -> frozenset[str]:
    """A word's skeletons with z read as s (voicing differs between spellings of one word)."""
    return frozenset(form.replace("z", "s") for form in skeleton(word))


def _common_prefix(first: str, second: str) -> int:
    size = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        size += 1
    return size


def cognates(first: str, second: str) -> bool:
    """Whether two words are probably one word in two languages (see module docstring)."""
    for a in cognate_forms(first):
        for b in cognate_forms(second):
            need = max(MIN_COGNATE_PREFIX, COGNATE_SHARE * min(len(a), len(b)))
            if _common_prefix(a, b) >= need:
                return True
    return False
