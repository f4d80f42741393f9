"""Mentions of people, groups, organisations, outlets and documents, sentence by sentence.

Three shapes are found outside quotations:

* proper names (runs of capitalised words): a registered source is an ``outlet``; a name ending
  in an outlet word ("Daily Courier") an ``outlet``; one holding an organisation word
  ("Defence Ministry", "Institute for the Study of War") or an acronym an ``organisation``; a
  place word ("South Korea") a ``place``; a title ("Interior Minister Wolfgang Peschorn"), a
  listed given name, a person noun before it ("spokesman Dmitry Peskov") or in apposition after
  it ("Jane Roe, the deputy head of ...") a ``person``. Anything else is a ``name``;
* common noun phrases headed by a listed noun: "the deputy head of", "a research institute",
  "the report", "North Korea's official newspaper", "officials" (``group``);
* the pronouns he, she and they.

A mention is ``definite`` when it refers back: a pronoun, "the/this/its + noun", or a single
capitalised word (a surname alone). Gender comes from titles, gendered nouns and given names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archive.citations.given_names import given_name_gender
from archive.citations.lexicon import (
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    NAME_ORG_WORDS,
    NAME_OUTLET_WORDS,
    NAME_PLACE_WORDS,
    ORG_NOUNS,
    OUTLET_NOUNS,
    PERSON_NOUNS,
    TITLE_WORDS,
    gender_of_word,
)
from archive.citations.quotes import Quote
from archive.citations.registry import Registry
from archive.citations.sentences import Span
from archive.citations.tokens import STOPWORDS, word_set

__all__ = ["Mention", "find_mentions", "mention_kind"]

_CAP = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'.\-]*"
_PARTICLE = r"(?:of|for|the|de|del|la|le|al|el|von|van|der|bin|ibn|on)"
_RUN = re.compile(rf"(?<![\w’'\-]){_CAP}(?:\s+(?:{_PARTICLE}\s+)*{_CAP})*")
_OPENERS = STOPWORDS | word_set(
    "according but and yet so however meanwhile still earlier later now after although while "
    "despite in on at as if when because since though separately also last this"
)
_COMPOUND = re.compile(r"^[\w’'.]+-(?:based|born|owned|led|backed|run|funded|made|era)$")
_SUFFIXES = word_set("jr jr. sr sr. ii iii iv")
_POSSESSIVE = re.compile(r"[’']s?$")
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,6}$")
_ALL_NOUNS = PERSON_NOUNS | GROUP_NOUNS | ORG_NOUNS | OUTLET_NOUNS | DOCUMENT_NOUNS
_HEAD = "|".join(sorted((re.escape(noun) for noun in _ALL_NOUNS), key=len, reverse=True))
_FUNCTION = r"(?:the|a|an|of|and|or|to|in|on|at|by|for|that|this|with|from|as|is|was|said|says)"
_OWNER = r"(?:[A-Z][\w.\-]*(?:\s+(?:of\s+)?[A-Z][\w.\-]*)*|[Tt]he\s+[a-z]+)"
_PHRASE = re.compile(
    rf"(?<![\w’'\-])(?:(?P<det>[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Tt]his|[Tt]hat|"
    rf"[Oo]ur|[Aa]nother)|(?P<owner>{_OWNER})[’']s)\s+(?P<mods>(?:(?!{_FUNCTION}\b)\w[\w\-]*\s+){{0,3}}?)"
    rf"(?P<head>{_HEAD})(?![\w’'\-])(?!\s+(?:{_HEAD})(?![\w’'\-]))"
)
_BARE_GROUP = re.compile(
    r"(?<![\w’'\-])(?:(?P<mod>[A-Z][a-z]+|[a-z][\w\-]*)\s+)?(?P<head>(?i:"
    + "|".join(sorted(GROUP_NOUNS, key=len, reverse=True))
    + r"))(?![\w’'\-])"
)
_PRONOUN = re.compile(r"(?<![\w’'\-])(?P<p>[Hh]e|[Ss]he|[Tt]hey)(?![\w’'\-])(?!\s+[A-Z])")
_DEFINITE = frozenset({"the", "this", "that", "its", "his", "her", "their", "our"})
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
_OPENING = re.compile(
    r"[\"“]?(?:In|At|On|After|Before|During|According to|For|With|From|Under|Since|Despite|"
    r"Following|Unlike|Like|Amid|Asked about|Speaking to)\b[^,;]{0,120},"
)
_RELATIVE = re.compile(r",\s+(?:who|whose|which|where)\b[^,;]{0,150}(?:,|$)")
_AGE = re.compile(r"^,\s+\d{1,3},")
_NEEDS_OF = frozenset({"head", "member", "chair"})
_REPORTING = re.compile(
    r"^\s+(?:(?:has|had|also|later)\s+)?(?:said|says|told|added|wrote|argued|insisted|warned|"
    r"denied|noted|claimed|explained|stressed|acknowledged|admitted|confirmed)\b"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A phrase naming someone or something; ``text[start:end]`` is it as written."""

    start: int
    end: int
    sentence: int  # index of its sentence
    kind: str  # person | group | organisation | outlet | document | place | name | pronoun
    text: str
    name: str  # a person's name without title; the phrase otherwise
    head: str  # lower-case head: "ministry", "report", a surname, a pronoun
    words: frozenset[str]  # lower-case words of the phrase, for "the minister" to match
    gender: str | None  # "f" | "m"
    definite: bool  # refers back to an earlier mention
    possessive: bool  # "Roe's", "the ministry's"
    source_id: str | None = None  # a registered source's id
    owner: Span | None = None  # "the institute's report": the owner's span
    adjunct: bool = False  # in an opening "In a letter to X," or a ", who ..." clause

    @property
    def proper(self) -> bool:
        """Whether it is a proper name ("the Daily Courier"), not a description."""
        return self.kind != "pronoun" and self.text.split()[-1][:1].isupper()

    @property
    def surname(self) -> str | None:
        """A person's last name (suffixes such as "Jr." skipped)."""
        if self.kind != "person" or not self.name:
            return None
        parts = [p for p in self.name.split() if p.casefold() not in _SUFFIXES]
        return parts[-1].casefold() if parts else None


def _inside(spans: list[Span], start: int) -> bool:
    return any(lo <= start < hi for lo, hi in spans)


def _clean(token: str) -> str:
    return token.rstrip(".,") if len(token) > 3 or not token.endswith(".") else token


def mention_kind(words: list[str]) -> str | None:
    """The kind a proper name's words give by themselves (outlet, organisation, place)."""
    last = words[-1].rstrip(".")
    if last in NAME_OUTLET_WORDS and len(words) > 1 or words[0] == "Daily":
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
        if not word[:1].isupper() or _title(word) or mention_kind([word, word]) is not None:
            break
        cut -= 1
    titles = words[:cut]
    if not titles or not any(_title(w) for w in titles) or not titles[-1][:1].isupper():
        return [], words
    return titles, words[cut:]


def _gender(words: list[str]) -> str | None:
    for word in words:
        gender = gender_of_word(word)
        if gender:
            return gender
    return None


def _classify(text: str, start: int, end: int, words: list[str]) -> tuple[str, str, str | None]:
    """(kind, name, gender) of a capitalised run ``text[start:end]``."""
    titles, name = _person_name(words)
    if titles and 0 < len(name) <= 4:
        gender = _gender(titles) or given_name_gender(name[0])
        return "person", " ".join(name), gender
    kind = mention_kind(words)
    if kind is not None:
        return kind, " ".join(words), None
    if titles and not name:
        return "person", "", _gender(titles)
    if len(words) <= 4 and all(w[:1].isupper() for w in words):
        gender = given_name_gender(words[0]) if len(words) > 1 else None
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
            and mention_kind(before) is None
            and mention_kind(after) is not None
            and not any(_title(t) for t in before)
        ):
            rest = tokens[index + 1 :]
            while rest and not rest[0][1][:1].isupper():
                rest = rest[1:]
            return [tokens[:index], rest]
    return [tokens]


def _runs(text: str, span: Span, quoted: list[Span], sentence: int) -> list[Mention]:
    found: list[Mention] = []
    for match in _RUN.finditer(text, *span):
        tokens = _tokens(text, match.start(), match.end())
        cut = next((i for i, (_o, t) in enumerate(tokens) if _POSSESSIVE.search(t[-2:])), None)
        tokens = tokens[: cut + 1] if cut is not None else tokens  # "Trump’s Oct. 11 visit"
        while tokens and (
            tokens[0][1].casefold().rstrip(",") in _OPENERS or _COMPOUND.match(tokens[0][1])
        ):
            tokens = tokens[1:]  # "But", "Sacramento-based"
        for part in _split_of(tokens):
            mention = _run_mention(text, span, quoted, sentence, match.start(), part)
            if mention is not None:
                found.append(mention)
    return found


def _run_mention(
    text: str, span: Span, quoted: list[Span], sentence: int, base: int, tokens: list[tuple[int, str]]
) -> Mention | None:
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
        and not text[span[0] : start].strip(" \t\n\"“")
        and len(following) > 1
        and following[1] in _ALL_NOUNS
    ):
        return None  # "Federal prosecutors", "Kremlin spokesman ...": a modifier
    words = [_clean(token) for _offset, token in tokens]
    possessive = bool(_POSSESSIVE.search(last)) and last[-2:-1] in "’'"
    if possessive:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    end -= len(last) - len(words[-1])
    if _inside(quoted, start) or not words[-1]:
        return None
    if start == span[0] and text[start:end].isupper() and _DATELINE.match(text, end):
        return None  # "CAIRO — "
    kind, name, gender = _classify(text, start, end, words)
    return Mention(
        start,
        end,
        sentence,
        kind,
        text[start:end],
        name,
        name.split()[-1].casefold() if name else words[-1].casefold(),
        frozenset(w.casefold().rstrip(".") for w in words),
        gender,
        definite=len(words) == 1 or (kind == "person" and len(name.split()) <= 1),
        possessive=possessive,
    )


def _phrases(text: str, span: Span, quoted: list[Span], sentence: int) -> list[Mention]:
    found: list[Mention] = []
    for match in _PHRASE.finditer(text, *span):
        head = match.group("head")
        if _inside(quoted, match.start()):
            continue
        if head in _NEEDS_OF and not text.startswith(" of ", match.end()):
            continue
        det = (match.group("det") or "").casefold()
        mods = match.group("mods").split()
        kind = _noun_kind(head, mods, det)
        owner = (match.start("owner"), match.end("owner")) if match.group("owner") else None
        found.append(
            Mention(
                match.start(),
                match.end(),
                sentence,
                kind,
                match.group(0),
                match.group(0),
                head,
                frozenset([*mods, head]),
                gender_of_word(head) or _gender(mods),
                definite=det in _DEFINITE,
                possessive=text.startswith(("’s", "'s"), match.end()),
                owner=owner,
            )
        )
    taken = [(m.start, m.end) for m in found]
    for match in _BARE_GROUP.finditer(text, *span):
        if _inside(quoted, match.start()) or _inside(taken, match.start("head")):
            continue
        head = match.group("head").casefold()
        mod = match.group("mod")
        start = match.start("head") if not mod or mod.casefold() in STOPWORDS else match.start()
        found.append(
            Mention(
                start,
                match.end(),
                sentence,
                "group",
                text[start : match.end()],
                text[start : match.end()],
                head,
                frozenset(text[start : match.end()].casefold().split()),
                None,
                definite=False,
                possessive=False,
            )
        )
    return found


def _noun_kind(head: str, mods: list[str], det: str) -> str:
    if head in GROUP_NOUNS:
        return "group"
    if head in PERSON_NOUNS:
        return "person"
    if head in DOCUMENT_NOUNS and (head not in OUTLET_NOUNS or det not in _DEFINITE):
        return "document"
    if head in OUTLET_NOUNS and (head != "agency" or "news" in mods):
        return "outlet"
    return "organisation" if head in ORG_NOUNS else "document"


def _registered(
    text: str, span: Span, quoted: list[Span], sentence: int, registry: Registry | None
) -> list[Mention]:
    if registry is None:
        return []
    found: list[Mention] = []
    for match in registry.find_names(text, *span):
        if _inside(quoted, match.start):
            continue
        words = text[match.start : match.end].split()
        found.append(
            Mention(
                match.start,
                match.end,
                sentence,
                "outlet",
                text[match.start : match.end],
                text[match.start : match.end],
                words[-1].casefold(),
                frozenset(w.casefold() for w in words),
                None,
                definite=False,
                possessive=text.startswith(("’s", "'s"), match.end),
                source_id=match.source_id,
            )
        )
    return found


def _span(mention: Mention) -> Span:
    return mention.start, mention.end


def find_mentions(
    text: str, sentences: list[Span], quotes: list[Quote], registry: Registry | None = None
) -> list[Mention]:
    """Every mention of ``text`` outside quotations, in order of position."""
    quoted = [(q.mark_start, q.mark_end) for q in quotes]
    mentions: list[Mention] = []
    for index, span in enumerate(sentences):
        registered = _registered(text, span, quoted, index, registry)
        here = list(registered)
        runs = _runs(text, span, quoted, index)
        phrases = [
            p
            for p in _phrases(text, span, quoted, index)
            if not any(lo < p.end <= hi for lo, hi in [*map(_span, registered), *map(_span, runs)])
        ]
        modifiers = [(p.start, p.end - len(p.head)) for p in phrases if p.owner is None]
        for mention in runs:
            if any(lo < mention.end and mention.start < hi for lo, hi in map(_span, registered)):
                continue
            if mention.kind in ("name", "place", "person") and any(
                lo <= mention.start < hi for lo, hi in modifiers
            ):
                continue  # "a Ukrainian commander": a modifier
            here.append(mention)
        here.extend(phrases)
        for match in _PRONOUN.finditer(text, *span):
            if not _inside(quoted, match.start()):
                word = match.group("p").casefold()
                gender = {"he": "m", "she": "f"}.get(word)
                here.append(
                    Mention(
                        match.start(),
                        match.end(),
                        index,
                        "pronoun",
                        match.group(0),
                        word,
                        word,
                        frozenset({word}),
                        gender,
                        definite=True,
                        possessive=False,
                    )
                )
        side = _side_clauses(text, span)
        mentions.extend(
            replace(m, adjunct=True) if _inside(side, m.start) else m
            for m in sorted(here, key=lambda m: m.start)
        )
    return mentions


def _side_clauses(text: str, span: Span) -> list[Span]:
    """An opening prepositional phrase up to its comma, and ", who/which ..." clauses."""
    side: list[Span] = []
    opening = _OPENING.match(text, span[0], span[1])
    if opening:
        side.append((span[0], opening.end()))
    side.extend(m.span() for m in _RELATIVE.finditer(text, span[0], span[1]))
    return side
