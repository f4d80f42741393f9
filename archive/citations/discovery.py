"""Find a named source's article: parse its feeds and sitemaps, rank what they list.

``parse_feed`` (from ``feeds``) turns RSS, Atom and news sitemaps into ``Candidate``s;
``rank_candidates`` scores them against an attributed statement, its speaker and the names in
it. A candidate is its title, description (for news sitemaps, the keywords) and URL slug.

Its language is the one its feed declares, else the endpoint's (``source_language``), else
the source's; when that and ``article_language`` are both known they are compared, otherwise
the scripts of the two texts are (``languages.languages_differ``). Parts (each 0..1, see
``evidence``):

* ``statement`` (same language only): statement words found, 1.0 each in the title, 0.8 in
  the slug, 0.6 in the description, over the number of statement words (stems, stop words
  dropped);
* ``speaker``: the person of ``speaker`` named in the candidate, in any script or case form
  (``name_forms.match_name``): 1.0 with an agreeing first name, 0.85 by surname alone;
* ``names``: the other names' mean share found (same language: by stem, else by
  transliteration key, an approximate spelling counting half);
* ``anchors`` (across languages, where words cannot be compared): the statement's numbers
  and months the candidate has, by weight (``anchors``);
* ``cognates`` (across languages): the share of the statement's long words (six letters or
  more, names aside) with a transliterated cognate in the candidate ("conference" ~
  "конференции"; ``transliteration.cognates``).

With a ``speaker``, names that occur only in the speaker phrase ("Kremlin" in "Kremlin
spokesman Dmitry Peskov") say who spoke, not what about, and are left out of ``names``;
with no ``names`` at all, the statement's own proper names are used.

``content`` is ``0.3 speaker + 0.5 statement + 0.2 names`` in one language (``0.6 statement +
0.4 names`` with no speaker, ``statement`` alone with no names either) and ``0.4 speaker +
0.25 names + 0.2 anchors + 0.15 cognates`` across languages (``0.5 names + 0.3 anchors + 0.2
cognates`` with no speaker); across languages, a candidate that shares no name at all
(numbers or cognates alone) has it halved. The score is
``content`` times a date factor (1.0 within a day of ``published``, 0.1 less per further
day, 0.7 at least; 0.9 undated) and a publisher factor (0.8 when the candidate is not the
``source``'s). Candidates outside ``window`` are dropped. Each ranked candidate keeps its
``reasons``: "speaker Peskov matched Песков (transliterated)", "within 1 day", "publisher
RIA Novosti", "shares numbers 12, 2024"...

For a crawler, per publisher named in an article (all pure functions, no I/O here):

1. fetch ``robots_sitemaps.robots_url(article_or_source_url)``; ``robots_sitemaps(body, url,
   domains=source.domains)`` gives its sitemaps, news and indexes first, bounded;
2. ``listings.discovery_endpoints(source, robots)``: the registry's feeds and sitemaps, then
   those; fetch each, and turn each response (or fetch error) into a ``ListingOutcome`` with
   ``listings.read_listing(url, body, status=, error=, language=endpoint.language)``; record
   ``outcome.failure`` and go on; for a sitemap index fetch ``listings.child_sitemaps``;
3. ``rank_candidates(statement, names, listings.candidates_of(outcomes), window,
   speaker=, source=, article_language=, published=)``;
4. after capture, ``matching.match_claim(statement, text, language, article_language,
   speaker=, names=)``: ``needs_translation`` comes with the likely source sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from archive.citations.anchors import anchors
from archive.citations.evidence import (
    CandidateText,
    Part,
    anchors_part,
    cognate_words,
    cognates_part,
    date_factor,
    names_part,
    other_names,
    publisher_factor,
    speaker_part,
    statement_part,
)
from archive.citations.feeds import Candidate, FeedListing, parse_date, parse_feed
from archive.citations.languages import languages_differ
from archive.citations.name_forms import person_name
from archive.citations.names import proper_names
from archive.citations.registry_file import Source
from archive.citations.tokens import content_tokens, stem

__all__ = [
    "Candidate",
    "FeedListing",
    "RankedCandidate",
    "date_window",
    "parse_date",
    "parse_feed",
    "rank_candidates",
]

SAME_LANGUAGE = {"speaker": 0.3, "statement": 0.5, "names": 0.2}
SAME_LANGUAGE_NO_SPEAKER = {"statement": 0.6, "names": 0.4}
ACROSS = {"speaker": 0.4, "names": 0.25, "anchors": 0.2, "cognates": 0.15}
ACROSS_NO_SPEAKER = {"names": 0.5, "anchors": 0.3, "cognates": 0.2}
NO_NAME_FACTOR = 0.5

Window = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class RankedCandidate:
    """A candidate with its score (0..1) and why: ``reasons``, joined in ``reason``."""

    candidate: Candidate
    score: float
    reason: str
    matched: tuple[str, ...] = ()  # statement words, names and anchors found in the candidate
    reasons: tuple[str, ...] = ()
    across_languages: bool = False  # the candidate is in another language than the statement


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


@dataclass(frozen=True, slots=True)
class _Query:
    words: dict[str, str]
    person: str | None
    names: list[str]
    anchors: dict[str, float]
    cognates: list[str]
    statement: str
    article_language: str | None
    source_language: str | None


def _content(query: _Query, text: CandidateText, across: bool) -> tuple[float, list[Part]]:
    parts: dict[str, Part] = {}
    if query.person:
        parts["speaker"] = speaker_part(query.person, text)
    if not across:
        parts["statement"] = statement_part(query.words, text)
    if query.names:
        parts["names"] = names_part(query.names, text, across=across)
    if across:
        parts["anchors"] = anchors_part(query.anchors, text)
        parts["cognates"] = cognates_part(query.cognates, text)
        weights = ACROSS if query.person else ACROSS_NO_SPEAKER
    elif query.person:
        weights = SAME_LANGUAGE
    else:
        weights = SAME_LANGUAGE_NO_SPEAKER if query.names else {"statement": 1.0}
    content = sum(weight * parts[key].value for key, weight in weights.items() if key in parts)
    order = ("speaker", "statement", "names", "anchors", "cognates")
    shown = [parts[key] for key in order if key in parts]
    if across:
        shown.insert(0, Part(1.0, (), "topic words not compared (another language)"))
        if not any(parts[key].found for key in ("speaker", "names") if key in parts):
            content *= NO_NAME_FACTOR
            shown.append(Part(NO_NAME_FACTOR, (), "no name in common"))
    return content, shown


def _rank_one(
    query: _Query,
    candidate: Candidate,
    source: Source | None,
    published: datetime | None,
) -> RankedCandidate:
    text = CandidateText.of(candidate)
    language = candidate.language or query.source_language
    across = (
        languages_differ(language, query.article_language, text.text, query.statement) is not None
    )
    content, parts = _content(query, text, across)
    dated = date_factor(candidate, published)
    publisher = publisher_factor(candidate, source)
    score = content * dated.value * (publisher.value if publisher else 1.0)
    parts = [*parts, dated, *([publisher] if publisher else [])]
    reasons = tuple(part.reason for part in parts if part.reason)
    matched = tuple(found for part in parts for found in part.found)
    return RankedCandidate(candidate, round(score, 4), "; ".join(reasons), matched, reasons, across)


def _topic_names(statement: str, names: Sequence[str], speaker: str | None) -> list[str]:
    if not names:
        return list(proper_names(statement))
    if not speaker:
        return list(names)
    folded = statement.casefold()
    return [name for name in names if name.casefold() in folded]


def rank_candidates(
    statement: str,
    names: Sequence[str],
    candidates: Iterable[Candidate],
    window: Window | None = None,
    *,
    speaker: str | None = None,
    source: Source | None = None,
    article_language: str | None = None,
    source_language: str | None = None,
    published: datetime | None = None,
    limit: int | None = None,
    min_score: float = 0.0,
) -> list[RankedCandidate]:
    """Candidates in ``window`` scoring above ``min_score``, best first (see module docstring).

    ``speaker`` is the attribution's speaker phrase ("Kremlin spokesman Dmitry Peskov"),
    ``source`` the registry entry of the publisher named, ``source_language`` the language of
    the endpoint the candidates came from, ``published`` the article's date.
    """
    person = person_name(speaker)
    topic_names = _topic_names(statement, names, speaker)
    query = _Query(
        words={stem(token): token for token in content_tokens(statement)},
        person=person,
        names=other_names(topic_names, person),
        anchors=anchors(statement),
        cognates=cognate_words(statement, [*names, *([speaker] if speaker else [])]),
        statement=statement,
        article_language=article_language,
        source_language=source_language or (source.language if source else None),
    )
    ranked: list[RankedCandidate] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.url in seen:
            continue
        seen.add(candidate.url)
        when = candidate.published
        if window is not None and when is not None and not (window[0] <= when <= window[1]):
            continue
        result = _rank_one(query, candidate, source, published)
        if result.score > min_score:
            ranked.append(result)
    oldest = datetime.min.replace(tzinfo=UTC)

    def order(result: RankedCandidate) -> tuple[float, float]:
        when = result.candidate.published
        if published is not None and when is not None:
            return -result.score, abs((when - published).total_seconds())
        return -result.score, -(when or oldest).timestamp()

    ranked.sort(key=order)
    return ranked[:limit] if limit is not None else ranked
