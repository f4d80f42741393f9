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

from archive.citations.coreference import Entity, Link, Tracker
from archive.citations.frames import DATELINE
from archive.citations.lexicon import DOCUMENT_NOUNS, GROUP_NOUNS, ORG_NOUNS, PERSON_NOUNS
from archive.citations.mentions import Mention, find_mentions
from archive.citations.outlets import (
    LinkSpan,
    SourceRef,
    frame_and_inner_links,
    is_occasion,
    named_outlets,
    sentence_link,
)
from archive.citations.quotes import quote_spans
from archive.citations.registry import Registry
from archive.citations.resolution import Claimed, Resolved, carry_factor, speaker_confidence
from archive.citations.sentences import Span, sentence_spans

__all__ = ["resolve_claims"]

_INTERVIEW = re.compile(
    r"\b(?:interview(?:ed)?|spoke|speaking|told|wrote|writing|op-ed|column|article|remarks|"
    r"comments|podcast|appear(?:ed|ance|ing)|quoted)\b"
)
_BY_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:published|released|issued|prepared|produced|compiled|commissioned|"
    r"written|conducted)\s+)?(?:(?:on|last|this)\s+\w+\s+)?(?:by|from)\s+(?:the\s+)?$"
)
_PUBLISHED_BEFORE = re.compile(
    r"^(?:\s+(?:in|at|of|from|based\s+in)\s+(?:the\s+)?[\w’'\-]+(?:\s+[A-Z][\w’'\-]*)*)?"
    r"\s*(?:,[^,]{0,80},\s*)?(?:(?:has|have|had|also|on\s+\w+)\s+)*(?:published|released|"
    r"issued|produced|presented|put\s+out|commissioned|unveiled|submitted|filed)\s+$"
)
_IN_DOCUMENT = re.compile(r"\b(?:[Ii]n|[Aa]ccording\s+to|[Cc]iting|[Cc]ited)\s+$")
# a document or occasion named with an indefinite article, and recalled with a definite one
_KINDS = r"(statement|release|report|letter|post|interview|announcement|briefing|study|memo)"
_LINKED_DOCUMENT = re.compile(rf"\b(?:an?|her|his|its|their)\s+(?:\w+\s+)?{_KINDS}\b", re.I)
_RECALLED = re.compile(rf"\b(?:the|that|this|same)\s+(?:\w+\s+)?{_KINDS}\b", re.I)
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


class _Reader:
    def __init__(
        self,
        text: str,
        registry: Registry | None,
        links: list[LinkSpan],
        learned: dict[str, str | None] | None = None,
    ) -> None:
        self.text = text
        self.results: list[Resolved | None] = []
        self.registry = registry
        self.links = links
        self.sentences = sentence_spans(text)
        self.mentions = find_mentions(text, self.sentences, quote_spans(text), registry)
        self.tracker = Tracker(text, learned)
        self.cues: dict[int, SourceRef | None] = {}  # id(entity) -> source it carries
        self.refs: dict[int, SourceRef] = {}  # id(entity) -> the entity as a source
        self.linked_documents: dict[str, SourceRef] = {}  # "statement" -> its link

    def in_span(self, span: Span) -> list[Mention]:
        return [m for m in self.mentions if span[0] <= m.start < span[1]]

    def _not_people(self, mentions: list[Mention]) -> list[Mention]:
        """Mentions that may name an outlet: not linked to a person or a group."""
        kept = []
        for mention in mentions:
            entity = self.entity_at(mention.start)
            if entity is None or entity.kind not in ("person", "group"):
                kept.append(mention)
        return kept

    def entity_at(self, start: int) -> Entity | None:
        link = self.tracker.links.get(start)
        return link.entity if link else None

    def _link_ref(self, link: LinkSpan, sentence: int, name: str | None) -> SourceRef:
        source = self.registry.find_source(link[2]) if self.registry else None
        return SourceRef("link", name, link[2], source.id if source else None, sentence)

    def documents(self, index: int) -> None:
        """Documents introduced in sentence ``index``: their author and their source."""
        span = self.sentences[index]
        here = self.in_span(span)
        for position, mention in enumerate(here):
            link = self.tracker.links.get(mention.start)
            if mention.kind != "document" or link is None or link.how != "new" or not link.entity:
                continue
            owner = self._owner(mention, here, position)
            document = link.entity
            document.owner = owner
            cited = sentence_link(self.links, span)
            self.refs[id(document)] = SourceRef(
                "link" if cited else "document",
                mention.text,
                cited[2] if cited else None,
                owner.source_id if owner else None,
                index,
                owner.name if owner else None,
            )
            if owner is not None:
                self.cues[id(owner)] = self.refs[id(document)]

    def _owner(self, document: Mention, here: list[Mention], position: int) -> Entity | None:
        if document.owner is not None:
            return self.entity_at(document.owner[0])
        for other in here[position + 1 :]:
            if _BY_AFTER.match(self.text[document.end : other.start]):
                return self.entity_at(other.start)
        for other in reversed(here[:position]):
            if other.possessive or other.kind in ("document", "place"):
                continue
            if _PUBLISHED_BEFORE.match(self.text[other.end : document.start]):
                return self.entity_at(other.start)
        return None

    def introductions(self, index: int) -> None:
        """A sentence with no claim: "an interview given to the Courier by Jane Roe"."""
        span = self.sentences[index]
        here = self.in_span(span)
        cited = sentence_link(self.links, span)
        outlets = named_outlets(self.text, span, self._not_people(here), self.registry)
        people = [
            m
            for m in here
            if m.kind in ("person", "pronoun")
            and not m.possessive
            and not any(o[0] <= m.start < o[1] for o in outlets)
            and self.entity_at(m.start) is not None
        ]
        if not people:
            return
        if _INTERVIEW.search(self.text, *span) and (cited or outlets):
            after_by = [m for m in people if self.text[max(0, m.start - 4) : m.start] == " by "]
            target = (after_by or people)[0]
            name = outlets[0][2] if outlets else None
            ref = (
                self._link_ref(cited, index, name)
                if cited
                else SourceRef("outlet", name, None, outlets[0][3], index)
            )
            entity = self.entity_at(target.start)
            if entity is not None:
                self.cues[id(entity)] = ref
        elif cited:
            new = [m for m in people if self.tracker.links[m.start].how == "new"]
            if len(new) == 1:
                entity = self.entity_at(new[0].start)
                if entity is not None:
                    self.cues[id(entity)] = self._link_ref(cited, index, None)

    def speaker(self, claim: Claimed, group: Span, index: int) -> tuple[Entity | None, Link]:
        """The entity speaking ``claim`` and how it was found."""
        written = claim.speaker_text
        if not written:
            return None, Link(None, "none", candidates=0)
        position = self._speaker_position(claim, group, written)
        if written.casefold() == "it":
            link = self.tracker.resolve_it(index, position)
            if link.entity is not None:
                link.entity.seen.append((index, position, False))
            return link.entity, link
        comma = written.find(",")
        chunk = (position, position + (comma if comma > 0 else len(written)))
        inside = [m for m in self.in_span(chunk) if not m.possessive]
        people = [m for m in inside if m.kind in ("person", "pronoun", "group")]
        names = [m for m in inside if m.kind == "name" and 1 < len(m.name.split()) < 4]
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

    def _speaker_position(self, claim: Claimed, group: Span, written: str) -> int:
        pattern = re.compile(rf"(?<![\w’'\-]){re.escape(written)}(?![\w’'\-])")
        found = [m.start() for m in pattern.finditer(self.text, group[0], group[1])]
        outside = [p for p in found if not claim.start <= p < claim.end]
        # "Many of the prisons, she said, are ...": the speaker is inside the statement
        return (outside or found or [group[0]])[0]

    def source(
        self, claim: Claimed, group: Span, index: int, entity: Entity | None
    ) -> SourceRef | None:
        """The claim's own source, else the one its speaker carries."""
        statement = (claim.start, claim.end)
        dateline = DATELINE.match(self.text, *group)  # "MIRANO (Reuters) - ": the article's own
        group = (dateline.end(), group[1]) if dateline else group
        here = self.in_span(group)
        outlets = named_outlets(self.text, group, self._not_people(here), self.registry, statement)
        person = entity is not None and entity.kind == "person"
        cited, evidence = frame_and_inner_links(
            self.text, self.links, group, statement, claim.speaker_text if person else None
        )
        ref: SourceRef | None = None
        itself = self.refs.get(id(entity)) if entity is not None else None
        fresh = self.cues.get(id(entity)) if entity is not None else None
        if fresh is not None and fresh.sentence < index:
            fresh = None
        institutional = entity is None or entity.kind not in _PEOPLE
        if cited is None and evidence is not None and institutional:
            # a link inside an unattributed or institutional statement backs that statement
            # alone; inside a person's words it is the writer's evidence, not the speaker's
            # source, and it is never carried to the speaker's later statements
            return self._link_ref(evidence, index, None)
        frame_text = self.text[group[0] : claim.start] + " " + self.text[claim.end : group[1]]
        if cited is not None:
            ref = self._link_ref(cited, index, outlets[0][2] if outlets else None)
            noun = _LINKED_DOCUMENT.search(self.text, cited[0], cited[1])
            if noun:  # "said in a statement" with the link: a document the text may recall
                self.linked_documents[noun.group(1).casefold()] = ref
        elif (recalled := _RECALLED.search(frame_text)) and (
            recalled.group(1).casefold() in self.linked_documents
        ):
            ref = self.linked_documents[recalled.group(1).casefold()]  # "in the statement"
        elif itself is not None and itself.sentence >= index:
            ref = itself  # "according to a report by ...": the report
        elif fresh is not None:
            ref = fresh  # "A study by the institute concluded": the study
        elif outlets:
            ref = SourceRef("outlet", outlets[0][2], None, outlets[0][3], index)
        else:
            documents = [  # "In a letter to ...", "according to a report by ..."
                self.refs[id(e)]
                for m in here
                if not claim.start <= m.start < claim.end
                and _IN_DOCUMENT.search(self.text, max(0, m.start - 20), m.start)
                and (e := self.entity_at(m.start)) is not None
                and id(e) in self.refs
                and self.refs[id(e)].sentence >= index
            ]
            ref = documents[0] if documents else None
        if entity is None:
            return ref
        if ref is not None:
            self.cues[id(entity)] = ref
            return ref
        if is_occasion(frame_text, 0, len(frame_text)):
            self.cues[id(entity)] = None
            return None
        if id(entity) in self.cues:
            return self.cues[id(entity)]
        if itself is None and entity.kind == "outlet":
            itself = SourceRef("outlet", entity.name, None, entity.source_id, entity.first)
            self.refs[id(entity)] = itself
        return itself


_PEOPLE = frozenset({"person", "name", "pronoun"})


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
    return [r for r in _read(_Reader(text, registry, sorted(links), learned), claims).results if r]


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
        reader.documents(index)
        if index not in last_of:
            reader.introductions(index)
        for number in last_of.get(index, []):
            previous = results[number - 1] if number else None
            results[number] = _resolve_one(reader, claims[number], previous)
    reader.results = results
    return reader


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
