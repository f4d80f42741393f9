"""Who speaks: the noun phrase a reporting frame names, written before or after its verb.

"In a letter, Zippy Duvall, the president of the Farm Bureau, said" names "Zippy Duvall, the
president of the Farm Bureau"; "“...,” said Lotfi Azzouz, director of ..." names "Lotfi
Azzouz". ``valid_speaker`` tells a noun phrase from a clause ("The plan was first reported").
"""

from __future__ import annotations

import re
from typing import Protocol

from archive.citations.lexicon import GROUP_NOUNS, ORG_NOUNS, PERSON_NOUNS
from archive.citations.tokens import word_set

__all__ = [
    "DATELINE",
    "OPENERS",
    "ROLE_NOUNS",
    "WHO",
    "Spanned",
    "speaker_after",
    "speaker_before",
    "valid_speaker",
]

# "VIENNA — ", "SEOUL, Aug. 20 (Yonhap) -- ", "MOSCOW (Reuters) - "
DATELINE = re.compile(
    r"[A-ZА-ЯЁ][A-ZА-ЯЁ .'’]+(?:,[^—–\n(]{0,30})?(?:\([^)\n]{0,40}\))?\s*(?:—|–|--|-)\s"
)
_PARTICIPLE = re.compile(
    r",\s*(?:speaking|writing|testifying|appearing|talking|responding|answering|replying)\b"
    r"[^,]*(?:,|$)"
)
_LEADING_PARTICIPLE = re.compile(r"^[A-Z][a-z]+ing\b[^,]{0,80},\s+(?=[A-Z])")
# "X, who ...," and "X, the entity that ...," ("a retired officer who ..."): X is the speaker
WHO = re.compile(
    r"^(?P<np>[^,]+?),\s+(?:who|which|whose|where|(?:the|a|an)\s+[^,]*?\s(?:that|who|which))\b"
)
_CUT_AFTER = re.compile(
    r"[,;:(—–]|(?<!\b[A-Z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|Lt|Mt))(?<!Mrs)\.(?=\s|$)|"
    r"\s(?:in|on|at|during|after|before|when|while|from|via|last|this|as|and)\s"
)
OPENERS = re.compile(
    r"^(?:but|and|so|yet|still|however|meanwhile|earlier|later|now)\b[\s,]*", re.IGNORECASE
)
ROLE_NOUNS = PERSON_NOUNS | GROUP_NOUNS | ORG_NOUNS  # a headline drops the article before them
_LOWER_SPEAKERS = word_set(
    "he she they it we i officials police analysts experts sources authorities witnesses "
    "residents prosecutors investigators scientists researchers critics lawmakers the a an his "
    "her their its one another some many local state federal senior top military government "
    "company ministry spokesman spokeswoman people"
)
_INTERJECTED = re.compile(
    r",\s*(?:however|though|too|also|meanwhile|instead|in turn|in fact|for (?:his|her|its|their) "
    r"part)$",
    re.IGNORECASE,
)
_WHEN = word_set(
    "today yesterday tomorrow tonight now then recently earlier later meanwhile "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_PERSONAL = word_set("he she they it we i")
_SUBORDINATORS = word_set(
    "although while when if because as since after before though despite once unless until "
    "whether where in on at for during to from by with under over like unlike amid among within "
    "without"
)
# words before a role noun in an apposition: "deputy associate administrator for ..."
_ROLE_MODIFIERS = (
    "senior|former|deputy|chief|associate|assistant|vice|acting|interim|executive|managing|"
    "lead|principal|general|co|founding|longtime|veteran|local|state|federal|national"
)
_APPOSITIVE = re.compile(
    r"^\s*(?:a|an|the|his|her|its|their|at|of|from|with|one\s+of|[A-Z][\w.\-]*|"
    rf"(?:(?:{_ROLE_MODIFIERS})\s+)*(?:{'|'.join(sorted(PERSON_NOUNS))}))\b[^,]*,?\s*$"
)
_JOINERS = re.compile(
    r"(?<![\w-])(?:after|before|when|while|because|since|than|and|but|that|which|who|where|if|"
    r"as|so|until|unless|by)(?![\w-])"
)
_OBJECTS = word_set("it them everybody everyone us me")  # a clause's objects, in no speaker
# a verb, roughly: a past form, a finite auxiliary, or a common present form
_VERB_LIKE = re.compile(
    r"\s(?:[a-z]{3,}ed|is|was|were|are|has|have|had|will|would|can|could|says|said|"
    r"told|wrote|runs|leads|heads|owns)\s"
)
_BAD_ENDINGS = word_set("of for to in on at and or but that with by from as the a an")
_FINITE = word_set(
    "is are was were been be has have had would will could should can may might must do does did"
)
_MAX_SPEAKER_WORDS = 16


class Spanned(Protocol):
    """A frame as these functions read it: where its words start and end."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def valid_speaker(value: str) -> str | None:
    """VALUE when it reads as a speaker's noun phrase (a name, a role, an apposition)."""
    words = value.split()
    if not 1 <= len(words) <= _MAX_SPEAKER_WORDS or any(mark in value for mark in '“”"«»„'):
        return None
    first = words[0]
    headline_role = len(words) <= 4 and words[-1].casefold() in ROLE_NOUNS  # "ports chief"
    titled = first.casefold() in ROLE_NOUNS and len(words) > 1 and words[1][:1].isupper()
    if not (
        first[:1].isupper() or first.casefold() in _LOWER_SPEAKERS or headline_role or titled
    ):  # "judge Inaba", "host Tom Bergeron": a role before a name
        return None
    if first.casefold() in _SUBORDINATORS or (len(words) == 1 and first.casefold() in _WHEN):
        return None  # "Today, in a new paper, he brings a warning": a time, not a speaker
    if len(words) > 1 and first.casefold() in _PERSONAL and words[1][:1].islower():
        return None  # "it acted after ...": a clause ("He Jianxiong" is a name)
    comma = value.find(",")
    if comma >= 0 and not _APPOSITIVE.match(value[comma + 1 :]):
        return None
    if words[-1].casefold() in _BAD_ENDINGS or re.search(r"\b(?:that|which)\b", value):
        return None
    if any(word in _FINITE for word in words) or any(w in _OBJECTS for w in words[1:]):
        return None  # "The plan was first reported", "X makes it": a clause, not a noun phrase
    return value


def _joins_descriptions(before: str, after: str) -> bool:
    """Whether an "and" joins two descriptions of one person in an apposition: the words since
    the last comma and those after hold no verb, and a comma comes before them."""
    if "," not in before:
        return False
    last = before[before.rfind(",") + 1 :]
    return not (_VERB_LIKE.search(f" {last} ") or _VERB_LIKE.search(f" {after} "))


def _last_clause(pre: str) -> str:
    """``pre`` from after its last clause-joining word ("... a week after Bloomberg")."""
    cut = 0
    for match in _JOINERS.finditer(pre):
        before = pre[: match.start()].rstrip()
        if match.group(0) == "and" and before[-1:].isalpha() and before.split()[-1][:1].isupper():
            continue  # "Tova Noel and Michael Thomas said"
        if match.group(0) == "and" and _joins_descriptions(before, pre[match.end() :]):
            continue  # "Patrick Nielsen Hayden, Teresa's husband and Tor's editor in chief"
        cut = match.end()
    return pre[cut:].strip()


def speaker_before(text: str, lo: int, frame: Spanned) -> str | None:
    """The speaker written just before the frame's verb: the longest valid comma-suffix.

    "In a letter, Zippy Duvall, the president of the Farm Bureau, said" gives "Zippy Duvall,
    the president of the Farm Bureau"; "who ..." clauses are cut.
    """
    dateline = DATELINE.match(text, lo, frame.start)
    lo = dateline.end() if dateline else lo
    pre = OPENERS.sub("", text[lo : frame.start].strip(' \t\n,;:—–-”"»'))
    pre = _PARTICIPLE.sub("", pre)  # "Halvik, speaking at a news conference, said"
    pre = _LEADING_PARTICIPLE.sub("", pre)  # "Citing the database, NASA noted"
    pre = _INTERJECTED.sub("", pre)  # "Most economists, however, argue"
    who = WHO.match(pre)
    if who:
        pre = who.group("np").strip()
    pre = _last_clause(pre)
    best: str | None = None
    for index in range(len(pre) - 1, -2, -1):
        if index == -1 or pre[index] == ",":
            chunk = OPENERS.sub("", pre[index + 1 :].strip())
            if chunk and valid_speaker(chunk):
                best = chunk
    return best


def speaker_after(text: str, frame: Spanned, end: int) -> str | None:
    """The speaker written just after the verb: ``“...,” said Lotfi Azzouz, director of ...``."""
    after = text[frame.end : end].strip()
    cut = _CUT_AFTER.search(after)
    return valid_speaker(after[: cut.start()].strip() if cut else after)
