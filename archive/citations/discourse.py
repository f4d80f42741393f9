"""Discourse-level attribution: a claim's speaker and source, resolved across sentences.

The sentence-level attributions (``attributions``) say who speaks as written ("she", "Roe",
"the ministry", "It"). Here the whole text is read in order (see ``coreference`` for how a
mention finds its entity) and each speaker is an entity. Sources (``outlets.SourceRef``):

* a claim's own group of sentences names its source: a link (resolution ``"link"``), else a
  named outlet outside the statement, the speaker itself when it is an outlet or a document,
  or a document named in the frame (``"named"``);
* a sentence introducing a speaker with a source gives that entity the source: "an interview
  given to the Daily Courier by Jane Roe" (an interview word and a person), "X told the Example
  news agency", "a report by the institute" (the document's author gets the document), a link
  in the sentence introducing a person;
* a later claim of that entity with no source of its own carries it (``"carried from sentence
  N"``), until another source, or an occasion with none ("in a statement", "told reporters"),
  is named for it. A quotation continued with no frame keeps the speaker and source of its start.

``confidence``: see ``resolution``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from archive.citations.coreference import Entity, Link
from archive.citations.lexicon import DOCUMENT_NOUNS, GROUP_NOUNS, ORG_NOUNS, PERSON_NOUNS
from archive.citations.mentions import Mention
from archive.citations.outlets import LinkSpan, is_occasion
from archive.citations.registry import Registry
from archive.citations.resolution import Claimed, Resolved, carry_factor, speaker_confidence
from archive.citations.sentences import Span
from archive.citations.source_reading import SourceReader

__all__ = ["resolve_claims"]

_SELF = re.compile(r"(?:that\s+)?(he|she|He|She)\s+(?!said|says)[a-z]")
_SPEAKER_KIND = {
    **dict.fromkeys(PERSON_NOUNS, "person"),
    **dict.fromkeys(GROUP_NOUNS, "group"),
    **dict.fromkeys(ORG_NOUNS, "organisation"),
    **dict.fromkeys(DOCUMENT_NOUNS, "document"),
}


def _sentence_of(sentences: list[Span], offset: int) -> int:
    index = 0
    for number, (start, _end) in enumerate(sentences):
        if start <= offset:
            index = number
    return index


def _display(entity: Entity) -> str:
    if entity.kind == "document" and entity.owner is not None:
        return entity.owner.name
    return entity.name


class _Reader(SourceReader):
    """The text read in order: its speakers here, its sources in ``SourceReader``."""

    results: list[Resolved | None]  # the claims resolved so far, set by ``_read``

    def speaker(self, claim: Claimed, group: Span, index: int) -> tuple[Entity | None, Link]:
        """The entity speaking ``claim`` and how it was found."""
        written = claim.speaker_text
        if not written:
            return None, Link(None, "none", candidates=0)
        position = self._speaker_position(claim, group, written)
        if written.casefold() == "it":
            # "..., it said": not a noun of the statement itself ("... 10% of the company")
            link = self.tracker.resolve_it(index, min(position, claim.start))
            if link.entity is not None:
                link.entity.seen.append((index, position, False))
            return link.entity, link
        comma = written.find(",")
        chunk = (position, position + (comma if comma > 0 else len(written)))
        inside = [m for m in self.in_span(chunk) if not m.possessive]
        people = [m for m in inside if m.kind in ("person", "pronoun", "group")]
        names = [m for m in inside if m.kind == "name" and 1 < len(m.name.split()) < 4]
        if comma > 0:  # "the finance minister, Irena Kovalt": the name is who speaks
            whole = (position, position + len(written))
            named = [
                m for m in self.in_span(whole)
                if m.kind == "person" and not m.possessive and _full_name(m)
            ]
            if named and not any(_full_name(m) for m in people):
                people = named[:1]
        inside = people or names or inside  # "Kremlin spokesman Dmitry Peskov": Peskov
        if inside:
            link = self.tracker.links.get(inside[0].start) or Link(None, "none")
            entity = link.entity
            if entity is not None and entity.kind == "name" and 1 < len(entity.name.split()) < 4:
                entity.kind = "person"  # "Montell Figgins, who represents Thomas, said"
                entity.surname = entity.name.split()[-1].casefold()
            return entity, link
        kind = _SPEAKER_KIND.get(written.split()[-1].casefold(), "name")
        entity = self.tracker.new_entity(kind, written, index, position)
        return entity, Link(entity, "new")


def _full_name(mention: Mention) -> bool:
    """Whether MENTION is a name of two words or more ("Irena Kovalt", "Dr. Colm
    Fairweather"), not a role ("the finance minister") or a surname alone."""
    words = mention.text.split()
    return mention.proper and len(words) >= 2 and words[0] not in ("The", "A", "An")


def _learn_person(text: str, claim: Claimed, entity: Entity) -> None:
    """ "Harry said he could not ...": a name whose statement opens with he/she is a person."""
    if entity.kind != "name":
        return
    opening = _SELF.match(text, claim.start, claim.end)
    if opening:
        entity.kind, entity.gender = "person", "m" if opening.group(1).casefold() == "he" else "f"
        entity.surname = entity.name.split()[-1].casefold()


def resolve_claims(
    text: str,
    claims: Sequence[Claimed],
    registry: Registry | None = None,
    links: Sequence[LinkSpan] = (),
) -> list[Resolved]:
    """Speaker and source of each claim of ``text`` (claims in text order)."""
    first = _read(_Reader(text, registry, sorted(links)), claims)
    learned = {e.name.casefold(): e.gender for e in first.tracker.entities if e.kind == "person"}
    reader = _read(_Reader(text, registry, sorted(links), learned), claims)
    return _named_next(text, reader.sentences, [r for r in reader.results if r])


def _named_next(text: str, sentences: list[Span], results: list[Resolved]) -> list[Resolved]:
    """A quotation whose source its speaker's next one names ("“I get on the highway ...,”
    said Watson. “I try to grab my wheel ...,” Watson told affiliate KFSM."): the two, in
    the same or the next sentence, are one account, so the earlier takes that source."""
    filled = list(results)
    for number in range(len(filled) - 2, -1, -1):
        earlier, later = filled[number], filled[number + 1]
        if (
            earlier.source is None
            and later.source is not None
            and later.source.kind != "link"  # a named outlet, not a link on its own words
            and later.source.sentence == later.sentence_index
            and earlier.entity is not None
            and earlier.entity is later.entity
            and 0 <= later.sentence_index - earlier.sentence_index <= 1
            and not is_occasion(text, *sentences[earlier.sentence_index])
        ):
            filled[number] = replace(
                earlier,
                source=later.source,
                resolution=f"carried from sentence {later.sentence_index}",
                carried_from=later.sentence_index,
                confidence=round(earlier.confidence * 0.9, 3),
            )
    return filled


def _read(reader: _Reader, claims: Sequence[Claimed]) -> _Reader:
    sentences = reader.sentences
    last_of: dict[int, list[int]] = {}
    for number, claim in enumerate(claims):
        last_of.setdefault(_sentence_of(sentences, claim.sentence_end - 1), []).append(number)
    by_sentence: dict[int, list[Mention]] = {}
    for mention in reader.mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    results = reader.results = [None] * len(claims)
    for index in range(len(sentences)):
        for mention in by_sentence.get(index, []):
            reader.tracker.link(mention)
        before = dict(reader.cues)
        reader.documents(index)
        if index not in last_of:
            reader.introductions(index)
        _back_to_statement(reader, results, index, before)
        for number in last_of.get(index, []):
            previous = results[number - 1] if number else None
            results[number] = _resolve_one(reader, claims[number], previous)
    reader.results = results
    return reader


def _back_to_statement(
    reader: _Reader, results: list[Resolved | None], index: int, before: dict[int, Any]
) -> None:
    """A document introduced right after its author's statement ("..., Riverton council said
    on Friday. The council published [an inspection summary] on Friday."): the statements of
    the sentence before, with no source and no other occasion, take it too."""
    for key, ref in reader.cues.items():
        if ref is None or before.get(key) is ref or ref.sentence != index:
            continue
        for number, result in enumerate(results):
            if (
                result is not None
                and result.source is None
                and result.entity is not None
                and id(result.entity) == key
                and result.sentence_index == index - 1
                and not is_occasion(reader.text, *reader.sentences[index - 1])
            ):
                results[number] = replace(
                    result,
                    source=ref,
                    resolution=f"carried from sentence {index}",
                    carried_from=index,
                    confidence=round(result.confidence * 0.9, 3),
                )


def _resolve_one(reader: _Reader, claim: Claimed, previous: Resolved | None) -> Resolved:
    group = (claim.sentence_start, claim.sentence_end)
    index = _sentence_of(reader.sentences, group[0])
    if claim.verb is None and previous is not None:  # a quotation continued
        ref = previous.source
        carried = ref is not None and ref.sentence < index
        return Resolved(
            index,
            previous.speaker,
            "continuation",
            previous.sentence_index,
            ref,
            f"carried from sentence {ref.sentence}" if ref and carried else previous.resolution,
            ref.sentence if ref and carried else None,
            round(previous.confidence * 0.95, 3),
            previous.entity,
        )
    entity, link = reader.speaker(claim, group, index)
    if entity is not None:
        entity.spoke = index
        _learn_person(reader.text, claim, entity)
    ref = reader.source(claim, group, index, entity)
    if link.how in ("pronoun", "surname", "description"):
        speaker = _display(entity) if entity is not None else None
        how = link.how
    else:
        speaker, how = claim.speaker_text, "explicit" if claim.speaker_text else "none"
    resolution: str | None = None
    carried_from: int | None = None
    if ref is not None:
        if ref.sentence >= index:
            resolution = "link" if ref.kind == "link" else "named"
        else:
            resolution, carried_from = f"carried from sentence {ref.sentence}", ref.sentence
    confidence = speaker_confidence(link, index) * carry_factor(index, ref)
    return Resolved(
        index,
        speaker,
        how,
        link.antecedent if how != "explicit" else None,
        ref,
        resolution,
        carried_from,
        round(min(1.0, max(0.0, confidence)), 3),
        entity,
    )
