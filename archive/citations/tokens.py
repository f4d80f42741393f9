"""Words of a text for overlap scores: case-folded tokens, stop words dropped, crude stems.

Shared by ranking (``discovery``) and passage matching (``matching``). The stem is a prefix cut
(first six letters), which is enough to equate "invited"/"invite" or "drills"/"drill" and works
the same for Russian endings; it is not a linguistic stemmer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "STOPWORDS",
    "content_tokens",
    "normalize_space",
    "stem",
    "stems",
    "word_set",
    "words",
]

_WORD = re.compile(r"\w+(?:'\w+)*", re.UNICODE)
_SPACE = re.compile(r"\s+")
STEM_LENGTH = 6


def word_set(text: str) -> frozenset[str]:
    """The white-space separated words of ``text`` as a set (for word lists in code)."""
    return frozenset(text.split())


STOPWORDS = word_set(
    "a about above after again against all also am an and any are as at be because been before "
    "being below between both but by can could did do does doing down during each few for from "
    "further had has have having he her here hers herself him himself his how i if in into is "
    "it its itself just me more most my myself no nor not now of off on once only or other our "
    "ours out over own same she should so some such than that the their theirs them then there "
    "these they this those through to too under until up very was we were what when where which "
    "while who whom why will with would you your yours said says say told tell tells according "
    "mr mrs ms dr s t one two we're they're you're it's i'm don't doesn't didn't can't won't "
    "isn't wasn't aren't weren't i've we've they've he's she's that's there's i'll we'll i'd "
    "we'd they'll what's let's new last week year years day days monday tuesday wednesday "
    "thursday friday saturday sunday и в во не что он на я с со как а то все она так его но да "
    "ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну "
    "ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей "
    "может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже "
    "себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти "
    "мой тем чтобы нее были куда зачем всех можно при об также это эти этих этой заявил заявила "
    "сообщил сообщила сказал сказала der die das und ist nicht ein eine zu den mit von sich des "
    "auf für im dem le la les de et un une du en est pour que qui dans el los las y es por con "
    "para"
)


def normalize_space(text: str) -> str:
    """Collapse runs of white space to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """All word tokens of ``text``, case-folded ("we're" is one; digits kept)."""
    folded = text.replace("’", "'").replace("‘", "'")
    return [match.group(0).casefold() for match in _WORD.finditer(folded)]


def stem(token: str) -> str:
    """A crude stem: a possessive or plural ``s`` dropped, then cut to six characters."""
    token = token.removesuffix("'s")
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    return token[:STEM_LENGTH]


def content_tokens(text: str) -> list[str]:
    """Word tokens that carry meaning: no stop words, no one-letter words (digits kept)."""
    return [
        token
        for token in words(text)
        if token not in STOPWORDS and (len(token) > 1 or token.isdigit())
    ]


def stems(text_or_tokens: str | Iterable[str]) -> set[str]:
    """The set of stems of the content tokens of a text (or of tokens already split)."""
    tokens = content_tokens(text_or_tokens) if isinstance(text_or_tokens, str) else text_or_tokens
    return {stem(token) for token in tokens}
