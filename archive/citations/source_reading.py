"""The source side of reading an article: what each sentence introduces, and each claim's source.

``SourceReader`` holds what the text has said so far about sources: the source each entity
carries (``cues``: "an interview given to the Courier by Jane Roe" gives Roe the interview),
documents as sources (``refs``: "a report by the institute"), and linked documents the text
may recall (``memory``). ``discourse`` adds the speakers and reads the claims in order; see its
docstring for the rules. The link a claim's own sentences offer is chosen by ``link_roles``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archive.citations.coreference import Entity, Tracker
from archive.citations.document_memory import DocumentMemory
from archive.citations.link_roles import choose_source_link, occasion_link, speaker_phrase
from archive.citations.mentions import Mention, find_mentions
from archive.citations.outlets import (
    LinkSpan,
    SourceRef,
    is_occasion,
    named_outlets,
    sentence_link,
)
from archive.citations.quotes import quote_spans
from archive.citations.registry import Registry
from archive.citations.resolution import Claimed
from archive.citations.sentences import Span, sentence_spans
from archive.citations.speaker_phrases import DATELINE

__all__ = ["SourceReader"]

# the authors of a study or report, named by their role alone
_AUTHORS = re.compile(
    r"(?:(?:the|its|their)\s+)?(?:(?:study|paper|report)['’]s\s+)?"
    r"(?:researchers|scientists|authors|team)",
    re.IGNORECASE,
)
_DATA = re.compile(r"(?:the|these|those)\s+(?:data|figures|statistics|numbers)", re.IGNORECASE)
_AUTHORS_REACH = 6  # sentences after the linked study within which they are its authors
_INTERVIEW = re.compile(
    r"\b(?:interview(?:ed)?|spoke|speaking|told|wrote|writing|op-ed|column|article|remarks|"
    r"comments|podcast|appear(?:ed|ance|ing)|quoted)\b"
)
_BY_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:published|released|issued|prepared|produced|compiled|commissioned|"
    r"written|conducted)\s+(?:[\w.]+\s+){0,3}?)?(?:by|from)\s+(?:the\s+)?$"
)
_PUBLISHED_BEFORE = re.compile(
    r"^(?:\s+(?:in|at|of|from|based\s+in)\s+(?:the\s+)?[\w’'\-]+(?:\s+[A-Z][\w’'\-]*)*)?"
    r"\s*(?:,[^,]{0,80},\s*)?(?:(?:has|have|had|also|on\s+\w+)\s+)*(?:published|released|"
    r"issued|produced|presented|put\s+out|commissioned|unveiled|submitted|filed)\s+$"
)
_INTERVIEWEE = re.compile(r"(?:\bby|\binterview(?:ed)?\s+with|\binterviewed)\s+(?:the\s+)?$")
_IN_DOCUMENT = re.compile(r"\b(?:[Ii]n|[Aa]ccording\s+to|[Cc]iting|[Cc]ited)\s+$")
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i"})
_MODIFIER_NAME = re.compile(r"^(?:[Tt]he|[Aa]n?)\s+((?:[A-Z][\w.&\-]*\s+)+)[a-z]")


def _publisher(owner: Entity | None, phrase: str) -> str | None:
    """Who publishes a document, as a source to look up: an organisation or outlet that owns
    it ("a study by Election Data Services", "the EDS estimates"); a person's unlinked work
    is nothing a reader could look up by that name."""
    if owner is None:
        return _named_modifier(phrase)
    return None if owner.kind in ("person", "pronoun", "group") else owner.name


def _named_modifier(phrase: str) -> str | None:
    """The name inside a document's phrase: "the EDS estimates" is EDS's."""
    match = _MODIFIER_NAME.match(phrase)
    return match.group(1).strip() if match else None


class SourceReader:
    """The text read so far, as far as sources go (see the module docstring)."""

    def __init__(
        self,
        text: str,
        registry: Registry | None,
        links: list[LinkSpan],
        learned: dict[str, str | None] | None = None,
    ) -> None:
        self.text = text
        self.registry = registry
        self.links = links
        self.sentences = sentence_spans(text)
        quotes = quote_spans(text)
        self.quotations = [(q.mark_start, q.mark_end) for q in quotes]
        self.mentions = find_mentions(text, self.sentences, quotes, registry)
        self.tracker = Tracker(text, learned)
        self.cues: dict[int, SourceRef | None] = {}  # id(entity) -> source it carries
        self.refs: dict[int, SourceRef] = {}  # id(entity) -> the entity as a source
        self.memory = DocumentMemory()  # linked documents the text may recall

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

    def _linked_within(
        self, found: tuple[LinkSpan, int, str] | None, index: int, reach: int
    ) -> SourceRef | None:
        """FOUND (a link remembered with its sentence) as the source of sentence INDEX, when it
        was linked at most REACH sentences before."""
        if found is None or not 0 <= index - found[1] <= reach:
            return None
        link, sentence, noun = found
        return replace(self._link_ref(link, sentence, noun), sentence=sentence)

    def _link_ref(self, link: LinkSpan, sentence: int, name: str | None) -> SourceRef:
        source = self.registry.find_source(link[2]) if self.registry else None
        return SourceRef("link", name, link[2], source.id if source else None, sentence)

    def documents(self, index: int) -> None:
        """Documents introduced in sentence ``index``: their author and their source."""
        span = self.sentences[index]
        self.memory.register(self.text, self.links, span, index)
        here = self.in_span(span)
        for position, mention in enumerate(here):
            link = self.tracker.links.get(mention.start)
            if mention.kind != "document" or link is None or link.how != "new" or not link.entity:
                continue
            owner = self._owner(mention, here, position)
            document = link.entity
            document.owner = owner
            cited = self._document_link(mention, span)
            carried = self.cues.get(id(owner)) if owner is not None else None
            if cited is None and carried is not None and carried.url:
                # "the council's figures" after "The council published [a summary]": its
                # figures are the summary's
                self.refs[id(document)] = carried
                continue
            self.refs[id(document)] = SourceRef(
                "link" if cited else "document",
                mention.text,
                cited[2] if cited else None,
                owner.source_id if owner else None,
                index,
                _publisher(owner, mention.text),
            )
            if owner is not None:  # "Howitt's findings", unlinked: an occasion, nothing to carry
                ref = self.refs[id(document)]
                self.cues[id(owner)] = ref if ref.url or ref.publisher else None

    def _named_before(self, phrase: str) -> Entity | None:
        """The latest entity that PHRASE ("the council", "Amnesty") names: its head word among
        the entity's words."""
        words = phrase.casefold().split()
        if not words:
            return None
        head = words[-1]
        for entity in reversed(self.tracker.entities):
            if entity.kind != "document" and head in entity.words:
                return entity
        return None

    def _document_link(self, mention: Mention, span: Span) -> LinkSpan | None:
        """The link a document named in SPAN stands for: one on its own words, else the
        sentence's occasion link ("published [a report]", "in [a statement]")."""
        for link in self.links:
            if link[0] < mention.end and mention.start < link[1]:
                return link
        return occasion_link(self.text, self.links, span)

    def _owner(self, document: Mention, here: list[Mention], position: int) -> Entity | None:
        if document.owner is not None:
            owner = self.entity_at(document.owner[0])
            if owner is not None and owner is not self.entity_at(document.start):
                return owner
            return self._named_before(self.text[document.owner[0] : document.owner[1]])
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
        if people and _INTERVIEW.search(self.text, *span) and (cited or outlets):
            named = [m for m in people if _INTERVIEWEE.search(self.text, 0, m.start)]
            name = outlets[0][2] if outlets else None
            ref = (
                self._link_ref(cited, index, name)
                if cited
                else SourceRef("outlet", name, None, outlets[0][3], index)
            )
            # the one "by" or "with" names; else anyone in the sentence may be the one
            # interviewed ("In an [interview] ..., the BBC's Emily Maitlis pressed Andrew")
            for target in named[:1] or people:
                entity = self.entity_at(target.start)
                if entity is not None:
                    self.cues[id(entity)] = ref
        elif (framing := occasion_link(self.text, self.links, span)) is not None:
            agent = self._agent(framing, here, outlets)
            if agent is not None:
                self.cues[id(agent)] = self._link_ref(framing, index, None)

    def _agent(
        self, link: LinkSpan, here: list[Mention], outlets: list[tuple[int, int, str, str | None]]
    ) -> Entity | None:
        """Who made the statement a link stands for: a person named in its anchor ("[Leon
        Cooperman blasted on a conference call]"), else the last person, organisation or
        outlet named before it ("Sarovia's foreign ministry issued [a statement]")."""
        speakers = [
            m
            for m in here
            if m.kind in ("person", "pronoun", "organisation", "outlet", "name")
            and not m.possessive
            and not any(o[0] <= m.start < o[1] and o[3] is None for o in outlets)
            and self.entity_at(m.start) is not None
        ]
        inside = [m for m in speakers if link[0] <= m.start < link[1]]
        before = [m for m in speakers if m.end <= link[0]]
        people = [m for m in before if m.kind == "person"]  # not the place of their job
        chosen = inside or people or before
        return self.entity_at(chosen[-1 if not inside else 0].start) if chosen else None

    def _speaker_position(self, claim: Claimed, group: Span, written: str) -> int:
        pattern = re.compile(rf"(?<![\w’'\-]){re.escape(written)}(?![\w’'\-])")
        found = [m.start() for m in pattern.finditer(self.text, group[0], group[1])]
        outside = [p for p in found if not claim.start <= p < claim.end]
        # "Many of the prisons, she said, are ...": the speaker is inside the statement
        return (outside or found or [group[0]])[0]

    def _speaker_phrase(self, claim: Claimed, group: Span) -> Span | None:
        written = claim.speaker_text
        if not written or written.casefold() in _PRONOUNS:
            return None
        position = self._speaker_position(claim, group, written)
        if claim.start <= position < claim.end:
            return None
        return speaker_phrase(self.text, position, written, (group[0], group[1]))

    def source(
        self, claim: Claimed, group: Span, index: int, entity: Entity | None
    ) -> SourceRef | None:
        """The claim's own source, else the one its speaker carries."""
        statement = (claim.start, claim.end)
        dateline = DATELINE.match(self.text, *group)  # "MIRANO (Reuters) - ": the article's own
        group = (dateline.end(), group[1]) if dateline else group
        here = self.in_span(group)
        outlets = named_outlets(self.text, group, self._not_people(here), self.registry, statement)
        chosen = choose_source_link(
            self.text,
            self.links,
            group,
            statement,
            speaker=self._speaker_phrase(claim, group),
            speaker_kind=entity.kind if entity is not None else None,
            speakerless=not claim.speaker_text,
            quotations=self.quotations,
        )
        ref: SourceRef | None = None
        itself = self.refs.get(id(entity)) if entity is not None else None
        fresh = self.cues.get(id(entity)) if entity is not None else None
        if fresh is not None and fresh.sentence < index:
            fresh = None
        if chosen is not None and not chosen.carried(self.text):
            # a link in the statement (reported speech), beside it or on a data set backs
            # that statement alone: it is not carried to the speaker's later statements; an
            # outlet the frame names says more ("According to Deadline, ... [spin-off]")
            if not outlets:
                return self._link_ref(chosen.link, index, None)
            chosen = None
        cited = chosen.link if chosen is not None else None
        frame_text = self.text[group[0] : claim.start] + " " + self.text[claim.end : group[1]]
        recalled = self.memory.recall(self.text, group, statement) if cited is None else None
        if recalled is None and cited is None:  # "According to the [database] linked before"
            recalled = self.memory.recall_name(self.text, group, statement)
        if cited is not None:
            ref = self._link_ref(cited, index, outlets[0][2] if outlets else None)
        elif recalled is not None:  # "wrote in the paper": the paper linked earlier
            link, sentence, noun = recalled
            ref = replace(self._link_ref(link, sentence, noun), sentence=sentence)
        elif itself is not None and itself.sentence >= index:
            ref = itself  # "according to a report by ...": the report
        elif fresh is not None:
            ref = fresh  # "A study by the institute concluded": the study
        elif outlets:  # "the Ondorian news agency Agencia Faro": the registered name
            named = next((outlet for outlet in outlets if outlet[3] is not None), outlets[0])
            ref = SourceRef("outlet", named[2], None, named[3], index)
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
        if ref is not None and ref.kind == "document" and not ref.url and not ref.publisher:
            ref = None  # "In a letter, X said": an occasion, with nothing to look up
            frame_text = f"in a statement {frame_text}"
        written = (claim.speaker_text or "").strip()
        if ref is None and _AUTHORS.fullmatch(written):  # their findings are their study's
            ref = self._linked_within(self.memory.latest.get("research"), index, _AUTHORS_REACH)
        if ref is None and _DATA.fullmatch(written):  # "The data show": what was just linked
            ref = self._linked_within(self.memory.most_recent(), index, 1)
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
