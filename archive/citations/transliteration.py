"""Names written in any script reduced to comparable Latin keys ("Пескову" ~ "Peskov").

Three steps, each a general rule rather than a list of names:

1. ``romanize``: text in any script to ASCII Latin with ``anyascii`` (per letter, close to the
   common English spellings for Cyrillic: х kh, ж zh, ц ts, ч ch, ш sh, щ shch, ы y, я ya...),
   after Greek digraphs are read as ELOT 743 / UN romanization does (ου ou, αυ av, ευ ev,
   μπ b, ντ d, γγ/γκ ng, γι + vowel y), and ё is romanized yo since ``anyascii`` spells them letter by letter;
2. ``skeleton``: the romanized word folded so that the usual English, German and Slavic
   spellings of one sound coincide: kh/gh/h/g (Ukrainian г is h), ch/tsch/tch/ts/tz/cz,
   sh/sch/shch, j/y/i, x/ks, w/v, ph/f, th/t, ou/u, doubled letters, ie/e ("Yevgeny",
   "Evgeniy" and "Евгений" all give ``evheni``), io/e (ё is written yo or e: "Solovyov",
   "Gorbachev"). A bare ``c`` is read both as k and as ts/ch
   (diacritics lost: "Vucic" for Vučić), so a word may have a few skeletons;
3. ``name_keys``: the skeletons without one inflectional ending (Russian/Ukrainian cases of
   nouns and adjectives: -а -у -ом -ым -ой -ого -ому -ая -ий..., Greek -ης -ος -ας -η -ου),
   keeping a stem of at least three letters, so that Песков, Пескова, Пескову, Песковым and
   Peskov share the key ``peskov``, and Захаровой and Zakharova share ``zaharov``.

Keys are for equality tests only; they are lossy by design and never shown.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

from anyascii import anyascii

__all__ = ["initial_of", "name_keys", "romanize", "skeleton"]

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
# inflectional endings, as skeletons (ого -> oho since g folds to h), longest first
_ENDINGS = tuple(
    sorted(
        (
            "oho eho omu emu imi ami iami aia uiu iuiu oiu eiu oi ei im om em ih ah iah am iam "
            "ovi evi is os as es a ia u iu e i o"
        ).split(),
        key=len,
        reverse=True,
    )
)
MIN_STEM = 3


def romanize(text: str) -> str:
    """``text`` in ASCII Latin letters (Greek digraphs read as words are romanized)."""
    text = text.replace("ё", "yo").replace("Ё", "Yo")
    for pattern, latin in _GREEK_DIGRAPHS:
        text = pattern.sub(lambda match, latin=latin: _same_case(match.group(0), latin), text)
    return anyascii(text)


def _same_case(original: str, latin: str) -> str:
    return latin.capitalize() if original[:1].isupper() else latin


@lru_cache(maxsize=4096)
def skeleton(word: str) -> frozenset[str]:
    """The spelling-neutral forms of one word (usually one; more when it has a bare ``c``)."""
    folded = _NOT_LETTER.sub("", unicodedata.normalize("NFKD", romanize(word))).lower()
    for spelling, sound in _FOLDS:
        folded = folded.replace(spelling, sound)
    pieces = folded.split("c")
    choices = [("k", "C")] * min(len(pieces) - 1, MAX_C_VARIANTS)
    choices += [("k",)] * (len(pieces) - 1 - len(choices))
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


@lru_cache(maxsize=4096)
def name_keys(word: str) -> frozenset[str]:
    """Keys of a name word: its skeletons without one inflectional ending."""
    return frozenset(_stem(form) for form in skeleton(word))


def initial_of(word: str) -> str:
    """The first letter of a name word's skeleton ("Д." -> "d", "Yevgeny" -> "e")."""
    forms = sorted(skeleton(word))
    return forms[0][:1] if forms else ""
