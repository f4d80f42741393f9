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

Then the whole text is read (``discourse``): "he", "she", "It", "they", a surname alone or "the
ministry" resolve to an earlier entity (``speaker``; ``speaker_text`` keeps what was written,
``speaker_resolution`` says how), and each claim gets a ``source`` (``outlets.SourceRef``): a
link in its sentence (``links``), an outlet or document named in its frame, or the one its
speaker was introduced with, carried ("carried from sentence N", ``carried_from``). With a
registry, ``source_id``/``source_name`` are the registered source named in the frame, else the
resolved source's. ``names`` (proper names of statement and speaker, the source's own names
left out) are for ranking that source's candidates. ``confidence`` is in [0, 1]. A quotation
running over several paragraphs takes the speaker of the paragraph that has a frame.
Offsets are in the text given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from archive.citations.attribution import (
    MIN_QUOTE_WORDS,
    Attribution,
    make_attribution,
    trimmed_span,
    word_count,
)
from archive.citations.discourse import resolve_claims
from archive.citations.frames import Frame, find_frames
from archive.citations.links import CitationLink
from archive.citations.names import proper_names
from archive.citations.outlets import LinkSpan, SourceRef
from archive.citations.quotes import Quote, group_sentences, quotation_chains, quote_spans
from archive.citations.registry import Registry
from archive.citations.reported_speech import (
    participle_after,
    reported_statement,
    split_conjoined,
    with_reported,
)
from archive.citations.resolution import Resolved
from archive.citations.sentences import Span, paragraph_index, paragraph_spans, sentence_spans
from archive.citations.speaker_phrases import DATELINE
from archive.citations.tagging import outer_frames, tag_sentence

__all__ = ["Attribution", "SourceRef", "find_attributions"]

MAX_TAG_WORDS = 20  # words between a quotation and the verb naming its speaker
MAX_TAG_GAP = 3  # more words than that and a frame before the quotation comes first


def _quote_attributions(
    text: str, group: Span, quotes: list[Quote], frames: list[Frame]
) -> list[Attribution]:
    first, last = quotes[0], quotes[-1]
    after = [f for f in frames if f.start >= last.mark_end]
    before = outer_frames(text, group, [f for f in frames if f.end <= first.mark_start])
    tries: list[tuple[Frame, int | None]] = [(frame, None) for frame in reversed(before)]
    gap = word_count(text[last.mark_end : after[0].start]) if after else MAX_TAG_WORDS + 1
    if gap <= MAX_TAG_WORDS:
        # "“...,” he said" names the speaker; "said that “...” as ..., the Post reported" the
        # source, when a frame before the quotation names a speaker already
        tries.insert(
            0 if gap <= MAX_TAG_GAP or not before else len(tries), (after[0], last.mark_end)
        )
    tries.extend((frame, None) for frame in frames if frame.start < last.mark_end)
    speaker: str | None = None
    for frame, after_quote in tries:
        speaker = frame.quote_speaker(text, group, after_quote)
        if speaker is not None:
            break
    else:
        return []
    made = [
        make_attribution(text, (q.start, q.end), "quote", frame, speaker, group) for q in quotes
    ]
    return [attribution for attribution in made if attribution is not None]


def _continuations(
    text: str,
    group: Span,
    quotes: list[Quote],
    previous: Attribution | None,
    paragraphs: list[Span],
) -> list[Attribution]:
    """Quotations with no frame that continue the previous attribution (same speaker): "Van
    Der Beek noted there should be “zero shame”." then a paragraph that is a quotation."""
    if previous is None:
        return []
    if text[group[0] : quotes[0].mark_start].strip():  # not a standalone quotation
        return []
    gap = paragraph_index(paragraphs, group[0]) - paragraph_index(paragraphs, previous.end)
    if gap not in (0, 1):
        return []
    made = [
        _continuation(previous, text, (s, e), group)
        for s, e in (trimmed_span(text, q.start, q.end) for q in quotes)
        if word_count(text[s:e]) >= MIN_QUOTE_WORDS
    ]
    return made


def _registered_in_frame(text: str, attribution: Attribution, registry: Registry) -> Attribution:
    """The registered source named in the claim's sentences outside its statement, if any."""
    start, end = attribution.sentence_start, attribution.sentence_end
    dateline = DATELINE.match(text, start, end)  # "MOSCOW (Reuters) - ": the article's credit
    frame_matches = [
        match
        for match in registry.find_names(text, dateline.end() if dateline else start, end)
        if match.end <= attribution.start or match.start >= attribution.end
    ]
    if not frame_matches:
        return attribution
    match = frame_matches[0]
    return replace(
        attribution, source_id=match.source_id, source_name=text[match.start : match.end]
    )


def _from_source(attribution: Attribution) -> Attribution:
    """``source_id``/``source_name`` from the resolved source when the frame names none."""
    source = attribution.source
    if attribution.source_id is not None or source is None:
        return attribution
    # a document is named by its publisher ("a study released by Election Data Services")
    name = source.publisher if source.kind == "document" and source.publisher else source.name
    return replace(attribution, source_id=source.source_id, source_name=name)


def _names(attribution: Attribution, registry: Registry | None) -> Attribution:
    names = proper_names(f"{attribution.statement}. {attribution.speaker or ''}")
    source = registry.get(attribution.source_id) if registry and attribution.source_id else None
    if source is not None:  # every candidate comes from that source: its own name ranks nothing
        own = {name.casefold() for name in source.names}
        names = tuple(name for name in names if name.casefold() not in own)
    return replace(attribution, names=names)


def _continuation(
    owner: Attribution, text: str, span: Span, group: Span, **more: Any
) -> Attribution:
    """OWNER's attribution carried to the quotation at SPAN (its sentences: GROUP)."""
    start, end = span
    return replace(
        owner,
        statement=text[start:end],
        start=start,
        end=end,
        verb=None,
        sentence_start=group[0],
        sentence_end=group[1],
        **more,
    )


def _resolved(attribution: Attribution, resolved: Resolved) -> Attribution:
    return replace(
        attribution,
        speaker=resolved.speaker,
        sentence_index=resolved.sentence_index,
        source=resolved.source,
        resolution=resolved.resolution,
        carried_from=resolved.carried_from,
        speaker_resolution=resolved.speaker_resolution,
        speaker_from=resolved.speaker_from,
        confidence=resolved.confidence,
    )


def _chained(text: str, quotes: list[Quote], found: list[Attribution]) -> list[Attribution]:
    """Paragraphs of one quotation ("“... / “... / “...”") all take the speaker of the one
    that has a frame, also those before it."""
    sentences = sentence_spans(text)
    added: list[Attribution] = []
    for chain in quotation_chains(text, quotes):
        owners = [a for q in chain for a in found if q.start <= a.start < q.mark_end]
        if not owners:
            continue
        for quote in chain:
            if any(quote.start <= a.start < quote.mark_end for a in found):
                continue
            start, end = trimmed_span(text, quote.start, quote.end)
            if word_count(text[start:end]) < MIN_QUOTE_WORDS:
                continue
            owner = min(owners, key=lambda a: abs(a.start - start))
            index = next((i for i, (lo, hi) in enumerate(sentences) if lo <= start < hi), 0)
            group = (sentences[index][0], max(sentences[index][1], end))
            added.append(
                _continuation(
                    owner,
                    text,
                    (start, end),
                    group,
                    sentence_index=index,
                    speaker_resolution="continuation",
                    confidence=round(owner.confidence * 0.95, 3),
                )
            )
    return sorted([*found, *added], key=lambda a: a.start)


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
    made = [
        make_attribution(text, (q.start, q.end), "quote", frame, speaker, whole)
        for q in long_quotes
    ]
    return [attribution for attribution in made if attribution is not None]


def _link_spans(links: Sequence[LinkSpan | CitationLink] | None) -> list[LinkSpan]:
    spans: list[LinkSpan] = []
    for link in links or ():
        spans.append(link if isinstance(link, tuple) else (link.start, link.end, link.url))
    return spans


def find_attributions(
    text: str,
    registry: Registry | None = None,
    links: Sequence[LinkSpan | CitationLink] | None = None,
) -> list[Attribution]:
    """The attributed statements of ``text`` in order (see the module docstring for the rules).

    ``links`` are the citation links of the text, as ``(start, end, url)`` spans of their
    anchors or as ``links.citation_links`` gives them: a claim whose sentence (or whose
    speaker's introducing sentence) holds one has that URL as its source.
    """
    quotes = quote_spans(text)
    paragraphs = paragraph_spans(text)
    spans = _link_spans(links)
    found: list[Attribution] = []
    groups = group_sentences(sentence_spans(text), quotes)
    tag_groups: set[int] = set()
    for index, group in enumerate(groups):
        if index in tag_groups:
            continue
        in_group = _quotes_in(quotes, group)
        long_quotes = [q for q in in_group if word_count(text[q.start : q.end]) >= MIN_QUOTE_WORDS]
        frames = find_frames(text, group, in_group)
        previous = found[-1] if found else None
        if long_quotes:
            made = _quote_attributions(text, group, long_quotes, frames)
            if not made and index + 1 < len(groups):
                made = _tagged_by_next(text, group, groups[index + 1], long_quotes, quotes)
                if made:
                    tag_groups.add(index + 1)
            made = made or _continuations(text, group, long_quotes, previous, paragraphs)
            found.extend(with_reported(text, group, frames, long_quotes, made))
        elif frames:
            reported = reported_statement(text, group, frames)
            if reported is not None:
                found.extend(split_conjoined(text, reported, spans))
                found.extend(participle_after(text, group, frames, reported, reported.end))
    resolved = resolve_claims(text, found, registry, spans)
    found = _chained(text, quotes, [_resolved(a, r) for a, r in zip(found, resolved, strict=True)])
    if registry is not None:
        found = [_registered_in_frame(text, attribution, registry) for attribution in found]
    return [_names(_from_source(attribution), registry) for attribution in found]
