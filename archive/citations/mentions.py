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

from archive.citations.lexicon import (
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    ORG_NOUNS,
    OUTLET_NOUNS,
    PERSON_NOUNS,
    gender_of_word,
    gender_of_words,
)
from archive.citations.names import NameRun, name_runs
from archive.citations.quotes import Quote
from archive.citations.registry import Registry
from archive.citations.sentences import Span
from archive.citations.tokens import STOPWORDS, word_set

__all__ = ["Mention", "find_mentions"]

_NAME_SUFFIXES = word_set("jr jr. sr sr. ii iii iv")
_ALL_NOUNS = PERSON_NOUNS | GROUP_NOUNS | ORG_NOUNS | OUTLET_NOUNS | DOCUMENT_NOUNS
_HEAD = "|".join(sorted((re.escape(noun) for noun in _ALL_NOUNS), key=len, reverse=True))
_FUNCTION = r"(?:the|a|an|of|and|or|to|in|on|at|by|for|that|this|with|from|as|is|was|said|says)"
_OWNER = r"(?:[A-Z][\w.\-]*(?:\s+(?:of\s+)?[A-Z][\w.\-]*)*|[Tt]he\s+(?:[a-z]+\s+){0,2}[a-z]+)"
_PHRASE = re.compile(
    rf"(?<![\w’'\-])(?:(?P<det>[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Tt]his|[Tt]hat|"
    rf"[Oo]ur|[Aa]nother)|(?P<owner>{_OWNER})[’']s)\s+(?P<mods>(?:(?!{_FUNCTION}\b)\w[\w\-]*\s+){{0,3}}?)"
    rf"(?P<head>{_HEAD})(?![\w’'\-])(?!\s+(?:{_HEAD})(?:[’']s)?(?![\w’'\-]))"
)
_BARE_GROUP = re.compile(
    r"(?<![\w’'\-])(?:(?P<mod>[A-Z][a-z]+|[a-z][\w\-]*)\s+)?(?P<head>(?i:"
    + "|".join(sorted(GROUP_NOUNS, key=len, reverse=True))
    + r"))(?![\w’'\-])"
)
_PRONOUN = re.compile(r"(?<![\w’'\-])(?P<p>[Hh]e|[Ss]he|[Tt]hey)(?![\w’'\-])(?!\s+[A-Z])")
_DEFINITE = frozenset({"the", "this", "that", "its", "his", "her", "their", "our"})
_OPENING = re.compile(
    r"[\"“]?(?:In|At|On|After|Before|During|According to|For|With|From|Under|Since|Despite|"
    r"Following|Unlike|Like|Amid|Asked about|Speaking to)\b[^,;]{0,120},"
)
_RELATIVE = re.compile(r",\s+(?:who|whose|which|where)\b[^,;]{0,150}(?:,|$)")
_ADJECTIVAL = frozenset(
    {"official", "chief", "executive", "deputy", "general", "representative", "military"}
)
_AFTER_NOUN = word_set(
    "said says told and or of for who whose which that in on at to with was is has had would "
    "will could also added"
)
_NEEDS_OF = frozenset({"head", "member", "chair"})
_ORG_AFTER = re.compile(
    r"\s+("
    + "|".join(
        sorted(
            (ORG_NOUNS | {"police"}) - {"group", "party", "office", "giant"}, key=len, reverse=True
        )
    )
    + r")(?![\w’'\-])"
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
        parts = [p for p in self.name.split() if p.casefold() not in _NAME_SUFFIXES]
        return parts[-1].casefold() if parts else None


def _from_run(text: str, run: NameRun, sentence: int) -> Mention:
    single = len(run.words) == 1 or (run.kind == "person" and len(run.name.split()) <= 1)
    return Mention(
        run.start,
        run.end,
        sentence,
        run.kind,
        text[run.start : run.end],
        run.name,
        run.name.split()[-1].casefold() if run.name else run.words[-1].casefold(),
        frozenset(w.casefold().rstrip(".") for w in run.words),
        run.gender,
        definite=single,
        possessive=run.possessive,
    )


def _inside(spans: list[Span], start: int) -> bool:
    return any(lo <= start < hi for lo, hi in spans)


def _phrases(text: str, span: Span, quoted: list[Span], sentence: int) -> list[Mention]:
    found: list[Mention] = []
    for match in _PHRASE.finditer(text, *span):
        head = match.group("head")
        if _inside(quoted, match.start()):
            continue
        if head in _NEEDS_OF and not text.startswith(" of ", match.end()):
            continue
        following = text[match.end() : match.end() + 20].split()[:1]
        if (
            head in _ADJECTIVAL
            and following
            and following[0].isalpha()
            and following[0].islower()
            and following[0] not in _AFTER_NOUN
        ):
            continue  # "their official roles": an adjective
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
                gender_of_word(head) or gender_of_words(mods),
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
        runs = [
            _with_org_noun(text, _from_run(text, run, index))
            for run in name_runs(text, span, quoted)
        ]
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


def _with_org_noun(text: str, mention: Mention) -> Mention:
    """A place's or a name's organisation: "Riverton council", "Delhi police" name one body,
    the organisation of that place, not the place."""
    if mention.kind not in ("name", "place") or mention.possessive:
        return mention
    noun = _ORG_AFTER.match(text, mention.end)
    if noun is None:
        return mention
    head = noun.group(1)
    whole = text[mention.start : noun.end()]
    return replace(
        mention,
        end=noun.end(),
        kind="group" if head in GROUP_NOUNS else "organisation",
        text=whole,
        name=whole,
        head=head,
        words=frozenset(whole.casefold().split()),
        definite=False,
    )


def _side_clauses(text: str, span: Span) -> list[Span]:
    """An opening prepositional phrase up to its comma, and ", who/which ..." clauses."""
    side: list[Span] = []
    opening = _OPENING.match(text, span[0], span[1])
    if opening:
        side.append((span[0], opening.end()))
    side.extend(m.span() for m in _RELATIVE.finditer(text, span[0], span[1]))
    return side
