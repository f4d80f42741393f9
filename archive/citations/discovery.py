"""Find a named source's article: parse its feeds and sitemaps, rank what they list.

``parse_feed`` (from ``feeds``) turns RSS, Atom and news sitemaps into ``Candidate``s;
``rank_candidates`` scores them against an attributed statement and the names in it.

Scoring (each part in 0..1, so the score is too):

* candidates published outside ``window`` are dropped; undated ones are kept, score x 0.9;
* the candidate's words are those of its title, its URL path (the slug) and its description
  (for news sitemaps, the keywords); words are case-folded, stop words dropped, crudely stemmed
  (``tokens.stem``);
* ``statement``: each distinct statement word found counts 1.0 in the title, 0.8 in the slug,
  0.6 in the description only; the sum is divided by the number of statement words;
* ``names``: for each name (speaker, places, people, organisations), the share of its words
  found anywhere in the candidate; averaged over the names;
* ``score = 0.6 * statement + 0.4 * names`` (just ``statement`` when there are no names).

The reason given with each score lists the words and names that matched and the date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import unquote, urlsplit

from archive.citations.feeds import Candidate, FeedListing, parse_date, parse_feed
from archive.citations.tokens import content_tokens, stem, stems

__all__ = [
    "Candidate",
    "FeedListing",
    "RankedCandidate",
    "date_window",
    "parse_date",
    "parse_feed",
    "rank_candidates",
]

STATEMENT_WEIGHT = 0.6
NAMES_WEIGHT = 0.4
UNDATED_FACTOR = 0.9
_FIELD_WEIGHTS = (("title", 1.0), ("slug", 0.8), ("description", 0.6))
_SHOWN_WORDS = 8

Window = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class RankedCandidate:
    """A candidate with its score (0..1) and a human-readable reason."""

    candidate: Candidate
    score: float
    reason: str
    matched: tuple[str, ...] = ()  # statement words and names found in the candidate


def date_window(
    published: str | date | datetime,
    before: timedelta = timedelta(days=3),
    after: timedelta = timedelta(days=1),
) -> Window:
    """The window to look for sources in: from ``before`` the article's day to ``after`` it."""
    if isinstance(published, str):
        parsed = parse_date(published)
        if parsed is None:
            raise ValueError(f"not a date: {published!r} (give YYYY-MM-DD or ISO 8601)")
        day = parsed.date()
    elif isinstance(published, datetime):
        day = (published if published.tzinfo else published.replace(tzinfo=UTC)).date()
    else:
        day = published
    start = datetime.combine(day, time.min, tzinfo=UTC) - before
    end = datetime.combine(day, time.max, tzinfo=UTC) + after
    return start, end


def _slug_words(url: str) -> str:
    return unquote(urlsplit(url).path).replace("-", " ").replace("_", " ").replace("/", " ")


def _fields(candidate: Candidate) -> dict[str, set[str]]:
    return {
        "title": stems(candidate.title or ""),
        "slug": stems(_slug_words(candidate.url)),
        "description": stems(candidate.description or ""),
    }


def _statement_part(words: dict[str, str], fields: dict[str, set[str]]) -> tuple[float, list[str]]:
    if not words:
        return 0.0, []
    total = 0.0
    found: list[str] = []
    for key, word in words.items():
        weight = next((w for name, w in _FIELD_WEIGHTS if key in fields[name]), 0.0)
        if weight:
            total += weight
            found.append(word)
    return total / len(words), found


def _names_part(names: Sequence[str], everything: set[str]) -> tuple[float, list[str]]:
    shares: list[float] = []
    found: list[str] = []
    for name in names:
        keys = {stem(token) for token in content_tokens(name)}
        if not keys:
            continue
        share = len(keys & everything) / len(keys)
        shares.append(share)
        if share:
            found.append(name)
    return (sum(shares) / len(shares) if shares else 0.0), found


def _reason(
    statement_found: list[str],
    word_count: int,
    names_found: list[str],
    name_count: int,
    candidate: Candidate,
) -> str:
    shown = ", ".join(statement_found[:_SHOWN_WORDS]) + ("..." if len(statement_found) > 8 else "")
    parts = [f"{len(statement_found)}/{word_count} statement words ({shown or 'none'})"]
    if name_count:
        parts.append(f"names {len(names_found)}/{name_count} ({', '.join(names_found) or 'none'})")
    if candidate.published is None:
        parts.append("undated")
    else:
        parts.append(f"published {candidate.published:%Y-%m-%d %H:%M} UTC")
    return "; ".join(parts)


def rank_candidates(
    statement: str,
    names: Sequence[str],
    candidates: Iterable[Candidate],
    window: Window | None = None,
    *,
    limit: int | None = None,
    min_score: float = 0.0,
) -> list[RankedCandidate]:
    """Candidates in ``window`` scoring above ``min_score``, best first (see module docstring)."""
    words = {stem(token): token for token in content_tokens(statement)}
    ranked: list[RankedCandidate] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.url in seen:
            continue
        seen.add(candidate.url)
        published = candidate.published
        if (
            window is not None
            and published is not None
            and not (window[0] <= published <= window[1])
        ):
            continue
        fields = _fields(candidate)
        statement_score, statement_found = _statement_part(words, fields)
        names_score, names_found = _names_part(names, set().union(*fields.values()))
        score = (
            STATEMENT_WEIGHT * statement_score + NAMES_WEIGHT * names_score
            if names
            else statement_score
        )
        if published is None:
            score *= UNDATED_FACTOR
        if score <= min_score:
            continue
        reason = _reason(statement_found, len(words), names_found, len(names), candidate)
        ranked.append(
            RankedCandidate(candidate, round(score, 4), reason, (*statement_found, *names_found))
        )
    ranked.sort(
        key=lambda r: (
            -r.score,
            -(r.candidate.published or datetime.min.replace(tzinfo=UTC)).timestamp(),
        )
    )
    return ranked[:limit] if limit is not None else ranked
