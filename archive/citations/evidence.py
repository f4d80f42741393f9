"""The parts of a candidate's rank, each a value in 0..1 with the words that explain it.

Used by ``discovery.rank_candidates`` (which weighs them; see its docstring). A candidate is
read as its ``text`` (title and description, where names must be capitalised) and its
``slug`` (the URL path's words, any case: publishers transliterate names into slugs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from archive.citations.anchors import shared_anchors
from archive.citations.feeds import Candidate
from archive.citations.name_forms import match_name, name_share, name_words
from archive.citations.registry import host_of
from archive.citations.registry_file import Source
from archive.citations.tokens import STOPWORDS, content_tokens, stems
from archive.citations.transliteration import (
    MIN_COGNATE_PREFIX,
    cognate_forms,
    cognates,
    name_keys,
)

__all__ = [
    "CandidateText",
    "Part",
    "anchors_part",
    "cognate_words",
    "cognates_part",
    "date_factor",
    "names_part",
    "other_names",
    "publisher_factor",
    "speaker_part",
    "statement_part",
]

SURNAME_ALONE = 0.85
MIN_COGNATE_WORD = 6  # shorter words are too often alike by chance
NEAR_DAYS = 1.0
DAY_PENALTY, MIN_DATE_FACTOR = 0.1, 0.7
OTHER_PUBLISHER = 0.8
_FIELD_WEIGHTS = (("title", 1.0), ("slug", 0.8), ("description", 0.6))
_SHOWN = 8


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a rank: its value (0..1), what it found, and a reason to show."""

    value: float
    found: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class CandidateText:
    """A candidate as text to look in."""

    text: str  # title and description
    slug: str  # the URL path, as words
    fields: dict[str, set[str]]  # stems of title, slug and description

    @classmethod
    def of(cls, candidate: Candidate) -> CandidateText:
        path = unquote(urlsplit(candidate.url).path)
        slug = path.replace("-", " ").replace("_", " ").replace("/", " ")
        title, description = candidate.title or "", candidate.description or ""
        fields = {"title": stems(title), "slug": stems(slug), "description": stems(description)}
        return cls(f"{title}\n{description}", slug, fields)

    @classmethod
    def plain(cls, text: str) -> CandidateText:
        """A passage of text, with no URL."""
        return cls(text, "", {"title": stems(text), "slug": set(), "description": set()})


def _shown(items: Sequence[str]) -> str:
    return ", ".join(items[:_SHOWN]) + ("..." if len(items) > _SHOWN else "")


def statement_part(words: dict[str, str], text: CandidateText) -> Part:
    """Statement words found: 1.0 each in the title, 0.8 in the slug, 0.6 in the description."""
    if not words:
        return Part(0.0, (), "0/0 statement words (none)")
    total = 0.0
    found: list[str] = []
    for key, word in words.items():
        weight = next((w for name, w in _FIELD_WEIGHTS if key in text.fields[name]), 0.0)
        if weight:
            total += weight
            found.append(word)
    reason = f"{len(found)}/{len(words)} statement words ({_shown(found) or 'none'})"
    return Part(total / len(words), tuple(found), reason)


def speaker_part(person: str, text: CandidateText) -> Part:
    """1.0 when the candidate names the speaker with an agreeing first name, 0.85 by surname."""
    hit = match_name(person, text.text) or match_name(person, text.slug, any_case=True)
    if hit is None:
        return Part(0.0, (), f"speaker {person} not named")
    value = 1.0 if hit.given == "given name agrees" else SURNAME_ALONE
    return Part(value, (person,), f"speaker {hit.describe()}")


def other_names(names: Sequence[str], person: str | None) -> list[str]:
    """``names`` without the speaker's own (any name sharing a word key with it)."""
    if person is None:
        return list(names)
    own = {key for word, _s, _e in name_words(person) for key in name_keys(word)}
    return [
        name
        for name in names
        if not any(name_keys(word) & own for word, _s, _e in name_words(name))
    ]


def names_part(names: Sequence[str], text: CandidateText, *, across: bool) -> Part:
    """The mean share of each name found (by stem in one language, by key across languages)."""
    shares: list[float] = []
    found: list[str] = []
    shown: list[str] = []
    for name in names:
        if across:
            share, described = name_share(name, text.text, text.slug)
        else:
            keys = stems(name)
            everything: set[str] = set().union(*text.fields.values())
            share = len(keys & everything) / len(keys) if keys else 0.0
            if not keys:
                continue
            described = name if share else None
            if not share:
                share, described = name_share(name, text.text, text.slug)
        shares.append(share)
        if share and described:
            found.append(name)
            shown.append(described)
    if not shares:
        return Part(0.0)
    reason = f"names {len(found)}/{len(shares)} ({', '.join(shown) or 'none'})"
    return Part(sum(shares) / len(shares), tuple(found), reason)


def anchors_part(wanted: dict[str, float], text: CandidateText) -> Part:
    """The share (by weight) of the statement's numbers and months the candidate has."""
    share, found = shared_anchors(wanted, f"{text.text}\n{text.slug}")
    if not found:
        return Part(0.0)
    numbers = [a for a in found if a[:1].isdigit()]
    months = [a for a in found if not a[:1].isdigit()]
    said = [f"numbers {', '.join(numbers)}"] if numbers else []
    said += [f"months {', '.join(months)}"] if months else []
    return Part(share, tuple(found), "shares " + " and ".join(said))


def cognate_words(statement: str, names: Sequence[str]) -> list[str]:
    """The statement's long words that are not names: those a translation may keep."""
    named = {word.casefold() for name in names for word, _s, _e in name_words(name)}
    words = [
        token
        for token in content_tokens(statement)
        if len(token) >= MIN_COGNATE_WORD and token.isalpha() and token not in named
    ]
    return list(dict.fromkeys(words))


def cognates_part(words: Sequence[str], text: CandidateText) -> Part:
    """The share of ``words`` with a cognate in the candidate ("conference" ~ "конференции")."""
    if not words:
        return Part(0.0)
    heads = {form[:MIN_COGNATE_PREFIX] for word in words for form in cognate_forms(word)}
    have = sorted(
        {
            token.casefold()
            for token, _s, _e in name_words(f"{text.text} {text.slug}")
            if len(token) >= MIN_COGNATE_WORD - 1 and token.casefold() not in STOPWORDS
        }
    )
    # only words starting like a statement word can be its cognate: a cheap first cut
    have = [t for t in have if any(f[:MIN_COGNATE_PREFIX] in heads for f in cognate_forms(t))]
    found: list[str] = []
    for word in words:
        match = next((token for token in have if cognates(word, token)), None)
        if match is not None:
            found.append(f"{word} ~ {match}")
    if not found:
        return Part(0.0)
    return Part(len(found) / len(words), tuple(found), f"cognates {', '.join(found)}")


def date_factor(candidate: Candidate, published: datetime | None) -> Part:
    """1.0 within a day of the article, 0.1 less per further day (0.7 at least); undated 0.9."""
    if candidate.published is None:
        return Part(0.9, (), "undated")
    stamp = f"published {candidate.published:%Y-%m-%d %H:%M} UTC"
    if published is None:
        return Part(1.0, (), stamp)
    days = (candidate.published - published).total_seconds() / 86400
    if abs(days) <= NEAR_DAYS:
        return Part(1.0, (), f"within 1 day; {stamp}")
    factor = max(MIN_DATE_FACTOR, 1.0 - DAY_PENALTY * (abs(days) - NEAR_DAYS))
    side = "before" if days < 0 else "after"
    return Part(factor, (), f"{abs(days):.1f} days {side} the article; {stamp}")


def publisher_factor(candidate: Candidate, source: Source | None) -> Part | None:
    """1.0 for the source's own article (its host, or its name in a news sitemap), else 0.8."""
    if source is None:
        return None
    host = host_of(candidate.url)
    on_host = any(host == d or host.endswith("." + d) for d in source.domains)
    names = {name.casefold() for name in source.names}
    named = candidate.publisher is not None and candidate.publisher.casefold() in names
    if on_host or named or (not source.domains and candidate.publisher is None):
        return Part(1.0, (), f"publisher {source.name}")
    return Part(OTHER_PUBLISHER, (), f"publisher {candidate.publisher or host}, not {source.name}")
