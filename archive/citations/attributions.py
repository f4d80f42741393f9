"""Attributed statements in article text: direct quotes and reported speech, with who said them.

Rule-based, for English news prose. The text is cut into sentences (grouped so a quotation
never crosses a group); in each group a *frame* is looked for outside quotation marks: a
reporting verb ("said", "told", "added", "warned", "reported"... with "has"/"also"/"later"
allowed before it), "according to", "saying", or "quoted/cited X as saying". Then:

* quote (``kind="quote"``): a quotation of at least four words in a group with a frame; the
  speaker is the noun phrase next to the verb: ``“...,” the paper said``, ``“...,” said Lotfi
  Azzouz, Amnesty's director``, ``Peskov told reporters: “...”``. A quotation with no frame
  that follows an attributed one in the same or the next paragraph continues it (same speaker);
* reported (``kind="reported"``): ``X said (on Tuesday) (that) STATEMENT``, ``X told the RIA
  Novosti news agency that STATEMENT``, ``STATEMENT, X said (on Tuesday)``, ``X, saying that
  STATEMENT``, ``Y quoted X as saying (that) STATEMENT``;
* according to (``kind="according_to"``): ``According to X, STATEMENT`` and ``STATEMENT,
  according to X`` (X is then the speaker: "a report by the Institute for the Study of War").

"he"/"she" speakers are resolved to the previous named speaker (``speaker_text`` keeps what was
written). With a registry, the registered source named in the frame (the group's text outside
the statement: "told the RIA Novosti news agency", "a report by the Institute for the Study of
War") is recorded as ``source_id``/``source_name``; "The institute said ..." or "the agency
said ..." later in the same paragraph refers back to it. ``names`` (proper names of statement
and speaker, the source's own names left out) are for ranking that source's candidates.
Offsets are in the text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archive.citations.frames import Frame, find_frames, speaker_before, tag_sentence
from archive.citations.names import proper_names
from archive.citations.quotes import Quote, group_sentences, quote_spans
from archive.citations.registry import Registry
from archive.citations.sentences import Span, paragraph_index, paragraph_spans, sentence_spans

__all__ = ["Attribution", "find_attributions"]

MIN_QUOTE_WORDS = 4
MIN_STATEMENT_WORDS = 4
MAX_TAG_WORDS = 20  # words between a quotation and the verb naming its speaker
_PRONOUNS = frozenset({"he", "she"})
# a speaker that refers back to the source named just before ("The institute said ...")
_SOURCE_ANAPHORA = frozenset(
    {
        "the institute",
        "the agency",
        "the news agency",
        "the think tank",
        "the broadcaster",
        "the newspaper",
        "the paper",
        "the report",
        "the outlet",
        "the wire service",
        "the publication",
        "the site",
    }
)
# a person's name: capitalised words only, a title allowed ("Sen. Ted Cruz", "Hawk Sawyer")
_PERSON = re.compile(r"^(?!(?:The|A|An|It|They|We|I)\b)(?:[A-Z][\w’'.\-]*\s*){1,5}$")
_EDGE = " \t\n,;:—–-"
# "VIENNA — ", "SEOUL, Aug. 20 (Yonhap) -- ", "MOSCOW (Reuters) - "
_DATELINE = re.compile(
    r"[A-ZА-ЯЁ][A-ZА-ЯЁ .'’]+(?:,[^—–\n(]{0,30})?(?:\([^)\n]{0,40}\))?\s*(?:—|–|--|-)\s"
)


@dataclass(frozen=True, slots=True)
class Attribution:
    """A statement attributed to a speaker; ``text[start:end] == statement``."""

    statement: str
    start: int
    end: int
    kind: str  # "quote" | "reported" | "according_to"
    speaker: str | None  # who said it (a "he"/"she" resolved to the previous named speaker)
    speaker_text: str | None  # the speaker as written
    verb: str | None  # "said", "told", "according to", "saying", "quoted"...
    sentence_start: int
    sentence_end: int
    source_id: str | None = None  # the registered source named in the attribution
    source_name: str | None = None  # that source's name as written in the text
    names: tuple[str, ...] = ()  # proper names of statement and speaker (for ranking)


def _trimmed(text: str, start: int, end: int) -> Span:
    dateline = _DATELINE.match(text, start, end)
    if dateline:
        start = dateline.end()
    while start < end and (text[start] in _EDGE or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _EDGE + "." or text[end - 1].isspace()):
        end -= 1
    if text[start:end].lower().startswith("that "):
        start += 5
    return start, end


def _word_count(text: str) -> int:
    return len(text.split())


def _make(
    text: str, span: Span, kind: str, frame: Frame, speaker: str | None, group: Span
) -> Attribution | None:
    start, end = _trimmed(text, *span)
    if _word_count(text[start:end]) < MIN_STATEMENT_WORDS:
        return None
    return Attribution(
        statement=text[start:end],
        start=start,
        end=end,
        kind=kind,
        speaker=speaker,
        speaker_text=speaker,
        verb=frame.verb,
        sentence_start=group[0],
        sentence_end=group[1],
    )


def _quote_attributions(
    text: str, group: Span, quotes: list[Quote], frames: list[Frame]
) -> list[Attribution]:
    first, last = quotes[0], quotes[-1]
    after = [f for f in frames if f.start >= last.mark_end]
    before = [f for f in frames if f.end <= first.mark_start]
    tries: list[tuple[Frame, int | None]] = []
    if after and _word_count(text[last.mark_end : after[0].start]) <= MAX_TAG_WORDS:
        tries.append((after[0], last.mark_end))
    tries.extend((frame, None) for frame in reversed(before))
    tries.extend((frame, None) for frame in frames if frame.start < last.mark_end)
    speaker: str | None = None
    for frame, after_quote in tries:
        speaker = frame.quote_speaker(text, group, after_quote)
        if speaker is not None:
            break
    else:
        return []
    made = [_make(text, (q.start, q.end), "quote", frame, speaker, group) for q in quotes]
    return [attribution for attribution in made if attribution is not None]


def _reported(text: str, group: Span, frames: list[Frame]) -> Attribution | None:
    for frame in frames:
        found = frame.reported(text, group)
        if found is not None:
            span, speaker, kind = found
            span = _cut_trailing_frame(text, span, frames)
            attribution = _make(text, span, kind, frame, speaker, group)
            if attribution is not None:
                return attribution
    return None


def _cut_trailing_frame(text: str, span: Span, frames: list[Frame]) -> Span:
    """A statement without a second frame at its end: "..., TASS reported." is cut off."""
    for frame in frames:
        if not span[0] < frame.start < span[1]:
            continue
        comma = text.rfind(",", span[0], frame.start)
        if comma < 0 or speaker_before(text, comma + 1, frame) is None:
            continue
        rest = text[frame.end : span[1]].strip(" \t\n.")
        if len(rest.split()) < MIN_STATEMENT_WORDS and "," not in rest:
            return span[0], comma
    return span


def _continuations(
    text: str,
    group: Span,
    quotes: list[Quote],
    previous: Attribution | None,
    paragraphs: list[Span],
) -> list[Attribution]:
    """Quotations with no frame that continue the previous quotation (same speaker)."""
    if previous is None or previous.kind != "quote":
        return []
    if text[group[0] : quotes[0].mark_start].strip():  # not a standalone quotation
        return []
    gap = paragraph_index(paragraphs, group[0]) - paragraph_index(paragraphs, previous.end)
    if gap not in (0, 1):
        return []
    made = [
        replace(
            previous,
            statement=text[s:e],
            start=s,
            end=e,
            verb=None,
            sentence_start=group[0],
            sentence_end=group[1],
        )
        for s, e in (_trimmed(text, q.start, q.end) for q in quotes)
        if _word_count(text[s:e]) >= MIN_QUOTE_WORDS
    ]
    return made


def _resolve(attributions: list[Attribution]) -> list[Attribution]:
    resolved: list[Attribution] = []
    last_named: str | None = None
    for attribution in attributions:
        speaker = attribution.speaker
        if speaker and speaker.casefold() in _PRONOUNS and last_named:
            attribution = replace(attribution, speaker=last_named)
        elif speaker and _PERSON.match(speaker.split(",")[0]):
            last_named = speaker
        resolved.append(attribution)
    return resolved


def _with_source(text: str, attribution: Attribution, registry: Registry) -> Attribution:
    frame_matches = [
        match
        for match in registry.find_names(text, attribution.sentence_start, attribution.sentence_end)
        if match.end <= attribution.start or match.start >= attribution.end
    ]
    if not frame_matches:
        return attribution
    match = frame_matches[0]
    source = registry.get(match.source_id)
    own = {name.casefold() for name in source.names} if source else set()
    return replace(
        attribution,
        source_id=match.source_id,
        source_name=text[match.start : match.end],
        # every candidate comes from that source: its own name ranks nothing
        names=tuple(name for name in attribution.names if name.casefold() not in own),
    )


def _follow_anaphora(attributions: list[Attribution], paragraphs: list[Span]) -> list[Attribution]:
    """ "The institute said ..." after a sentence naming the ISW: the ISW said it."""
    resolved: list[Attribution] = []
    last: Attribution | None = None
    for attribution in attributions:
        speaker = (attribution.speaker or "").casefold()
        if attribution.source_id is None and last is not None and speaker in _SOURCE_ANAPHORA:
            gap = paragraph_index(paragraphs, attribution.start) - paragraph_index(
                paragraphs, last.start
            )
            if gap == 0:  # same paragraph only
                attribution = replace(
                    attribution, source_id=last.source_id, source_name=last.source_name
                )
        if attribution.source_id is not None:
            last = attribution
        resolved.append(attribution)
    return resolved


def _quotes_in(quotes: list[Quote], group: Span) -> list[Quote]:
    return [q for q in quotes if group[0] <= q.mark_start < group[1]]


def _tagged_by_next(
    text: str, group: Span, following: Span, long_quotes: list[Quote], quotes: list[Quote]
) -> list[Attribution]:
    """Quotations whose speaker is named by the next sentence alone (see ``tag_sentence``)."""
    if text[long_quotes[-1].mark_end : group[1]].strip() or "\n" in text[group[1] : following[0]]:
        return []
    tag = tag_sentence(text, following, _quotes_in(quotes, following))
    if tag is None:
        return []
    frame, speaker = tag
    whole = (group[0], following[1])
    made = [_make(text, (q.start, q.end), "quote", frame, speaker, whole) for q in long_quotes]
    return [attribution for attribution in made if attribution is not None]


def find_attributions(text: str, registry: Registry | None = None) -> list[Attribution]:
    """The attributed statements of ``text`` in order (see the module docstring for the rules)."""
    quotes = quote_spans(text)
    paragraphs = paragraph_spans(text)
    found: list[Attribution] = []
    groups = group_sentences(sentence_spans(text), quotes)
    tag_groups: set[int] = set()
    for index, group in enumerate(groups):
        if index in tag_groups:
            continue
        in_group = _quotes_in(quotes, group)
        long_quotes = [q for q in in_group if _word_count(text[q.start : q.end]) >= MIN_QUOTE_WORDS]
        frames = find_frames(text, group, in_group)
        previous = found[-1] if found else None
        if long_quotes:
            made = _quote_attributions(text, group, long_quotes, frames)
            if not made and index + 1 < len(groups):
                made = _tagged_by_next(text, group, groups[index + 1], long_quotes, quotes)
                if made:
                    tag_groups.add(index + 1)
            found.extend(made or _continuations(text, group, long_quotes, previous, paragraphs))
        elif frames:
            reported = _reported(text, group, frames)
            if reported is not None:
                found.append(reported)
    found = _resolve(found)
    named = [replace(a, names=proper_names(f"{a.statement}. {a.speaker or ''}")) for a in found]
    if registry is None:
        return named
    sourced = [_with_source(text, attribution, registry) for attribution in named]
    return _follow_anaphora(sourced, paragraphs)
