"""Which earlier person, group, organisation, outlet or document a mention refers to.

Mentions are read in text order and each is linked to an ``Entity``:

* he/she: the person mentioned in the nearest sentence (at most ``PRONOUN_WINDOW`` back)
  whose gender agrees (or is unknown); in that sentence, the leftmost mention that is no
  possessive and not in a side clause (an opening "In a letter to X," or ", who ..."): the
  subject, usually. No such person: no entity. A pronoun resolved to the only candidate gives
  that person the pronoun's gender;
* they: the nearest group ("officials", "the researchers"); it (as a speaker only, see
  ``resolve_it``): the nearest organisation, outlet or document in the same or previous
  sentence;
* a surname alone ("Roe", "Mr. Roe"): the latest person with that last name;
* "the ministry", "the report", "the minister": the latest entity (at most
  ``DESCRIPTION_WINDOW`` sentences back) whose words hold that noun or a synonym; an outlet or
  organisation noun may also name an outlet, organisation or unclassified name with no noun of
  its own that spoke just before ("the Rodong Sinmun said ... The paper said");
* a description in apposition ("Jane Roe, the deputy head of ...") is the name before it.

What a first reading learnt (``learned``: "Meghan said she ..." makes Meghan a woman) is known
from the start of a second one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.citations.lexicon import (
    DOCUMENT_NOUNS,
    NAME_ORG_WORDS,
    ORG_NOUNS,
    OUTLET_NOUNS,
    SYNONYMS,
)
from archive.citations.mentions import Mention

__all__ = ["DESCRIPTION_WINDOW", "PRONOUN_WINDOW", "Entity", "Link", "Tracker"]

PRONOUN_WINDOW = 4  # sentences back a pronoun may look
DESCRIPTION_WINDOW = 5
_SPOKE_WINDOW = 3
_APPOSED = re.compile(r"^(?:\s+(?:of|for|at)\s+[^,;]{1,60})?,?\s+$")
_HEAD_NOUNS = ORG_NOUNS | OUTLET_NOUNS | DOCUMENT_NOUNS
_CAN_SPEAK = frozenset({"organisation", "outlet", "document"})


@dataclass(eq=False, slots=True)
class Entity:
    """Someone or something the text mentions, possibly several times."""

    kind: str
    name: str  # how it is shown: a person's name, else the phrase first written
    words: set[str]
    surname: str | None
    gender: str | None
    first: int  # sentence of its first mention
    source_id: str | None = None
    named: bool = False  # a proper name, not only a description
    spoke: int = -1  # sentence of its latest statement
    owner: Entity | None = None  # a document's author or publisher
    seen: list[tuple[int, int, bool]] = field(default_factory=list)  # (sentence, start, poss.)

    def latest(self, before: tuple[int, int]) -> tuple[int, int, bool] | None:
        """Its latest mention before ``before`` = (sentence, start)."""
        earlier = [s for s in self.seen if (s[0], s[1]) < before]
        return max(earlier) if earlier else None


@dataclass(frozen=True, slots=True)
class Link:
    """How a mention was linked to its entity."""

    entity: Entity | None
    how: str  # "new" | "same" | "pronoun" | "surname" | "description" | "apposition"
    antecedent: int | None = None  # sentence of the mention it refers back to
    candidates: int = 1  # compatible entities it had to choose from


def _gender_ok(entity: Entity, gender: str | None) -> bool:
    return gender is None or entity.gender in (None, gender)


class Tracker:
    """Entities of a text, built mention by mention (call ``link`` in text order)."""

    def __init__(self, text: str, learned: dict[str, str | None] | None = None) -> None:
        self.text = text
        self.learned = learned or {}  # person names known from a first reading -> gender
        self.entities: list[Entity] = []
        self.links: dict[int, Link] = {}  # mention start -> link
        self._sentence: list[Mention] = []  # mentions linked so far in the current sentence

    def _recent(
        self, position: tuple[int, int], window: int, wanted: set[str] | None
    ) -> list[tuple[int, bool, int, Entity]]:
        """(distance, possessive, start, entity) of entities seen in the window, nearest first."""
        found: list[tuple[int, bool, int, Entity]] = []
        for entity in self.entities:
            if wanted is not None and entity.kind not in wanted:
                continue
            latest = entity.latest(position)
            if latest is None or position[0] - latest[0] > window:
                continue
            # its first mention in that sentence: "He said that ... he would ..." is a subject
            first = min(s for s in entity.seen if s[0] == latest[0] and (s[0], s[1]) < position)
            found.append((position[0] - latest[0], first[2], first[1], entity))
        found.sort(key=lambda item: (item[0], item[1], item[2]))
        return found

    def _pronoun(self, mention: Mention) -> Link:
        position = (mention.sentence, mention.start)
        if mention.head == "they":
            groups = self._recent(position, PRONOUN_WINDOW - 1, {"group"})
            if not groups:
                return Link(None, "pronoun", candidates=0)
            return Link(groups[0][3], "pronoun", position[0] - groups[0][0], len(groups))
        people = [
            c
            for c in self._recent(position, PRONOUN_WINDOW, {"person"})
            if _gender_ok(c[3], mention.gender)
        ]
        if not people:
            return Link(None, "pronoun", candidates=0)
        best = people[0]
        rivals = [c for c in people if c[0] == best[0]]
        if len(people) == 1 and best[3].gender is None:
            best[3].gender = mention.gender  # "Jane Roe ... she": Roe is a woman
        return Link(best[3], "pronoun", mention.sentence - best[0], len(rivals))

    def resolve_it(self, sentence: int, start: int) -> Link:
        """The organisation, outlet or document an "It said" refers to."""
        found = self._recent((sentence, start), 1, set(_CAN_SPEAK))
        if not found:
            return Link(None, "pronoun", candidates=0)
        return Link(found[0][3], "pronoun", sentence - found[0][0], len(found))

    def _surname(self, mention: Mention) -> Entity | None:
        key = mention.head
        people = [e for e in self.entities if e.kind == "person" and e.surname == key]
        people.sort(key=lambda e: max(e.seen) if e.seen else (0, 0, False), reverse=True)
        if people:
            return people[0]
        for entity in reversed(self.entities):  # "Tova Noel ... Noel": a person's name
            parts = entity.name.split()
            if entity.kind == "name" and 1 < len(parts) <= 3 and parts[-1].casefold() == key:
                entity.kind, entity.surname = "person", key
                return entity
        same = [e for e in self.entities if e.named and e.name.casefold() == key]
        return same[-1] if same else None

    def _description(self, mention: Mention) -> Link | None:
        position = (mention.sentence, mention.start)
        nouns = SYNONYMS.get(mention.head, frozenset({mention.head}))
        for distance, _possessive, _start, entity in self._recent(
            position, DESCRIPTION_WINDOW, None
        ):
            if entity.kind in ("pronoun", "place"):
                continue
            if nouns & entity.words and _kinds_agree(entity.kind, mention.kind):
                return Link(entity, "description", mention.sentence - distance)
            if (  # "the paper" after "the Rodong Sinmun said": the outlet that just spoke
                mention.kind == "outlet"
                and entity.kind == "outlet"
                and entity.named
                and not any(word in NAME_ORG_WORDS for word in entity.name.split())
                and entity.spoke >= 0
                and mention.sentence - entity.spoke <= _SPOKE_WINDOW
            ):
                return Link(entity, "description", mention.sentence - distance)
        if mention.kind in ("organisation", "outlet"):
            for distance, _possessive, _start, entity in self._recent(
                position, _SPOKE_WINDOW, {"name", mention.kind}
            ):
                if (
                    entity.named
                    and entity.spoke >= 0
                    and mention.sentence - entity.spoke <= _SPOKE_WINDOW
                    and not (entity.words & _HEAD_NOUNS)  # "the agency" is no ministry
                ):
                    entity.kind = mention.kind  # learnt: the name is that of an outlet
                    return Link(entity, "description", mention.sentence - distance)
        return None

    def _same_name(self, mention: Mention) -> Entity | None:
        name = mention.name.casefold()
        for entity in reversed(self.entities):
            if mention.source_id and entity.source_id == mention.source_id:
                return entity
            if entity.named and entity.name.casefold() == name and name:
                return entity
            if (
                mention.kind in ("person", "name")
                and entity.kind == "person"
                and entity.name.casefold().endswith(" " + name)
                and entity.surname == mention.head
            ):
                return entity  # "Kathleen Hawk Sawyer ... Hawk Sawyer"
            if (
                mention.kind == "person"
                and entity.kind == "person"
                and entity.surname == mention.surname
                and entity.name.split()[0].casefold() == name.split()[0]
            ):
                return entity
        return None

    def _new(self, mention: Mention) -> Entity:
        name = mention.name if mention.kind == "person" and mention.name else mention.text
        article = self.text[max(0, mention.start - 4) : mention.start]
        if mention.proper and mention.kind != "person" and article in ("the ", "The "):
            name = article + name  # "the Coastal Herald"
        entity = Entity(
            kind=mention.kind,
            name=name,
            words=set(mention.words),
            surname=mention.surname,
            gender=mention.gender,
            first=mention.sentence,
            source_id=mention.source_id,
            named=mention.proper and mention.kind != "group",
        )
        key = entity.name.casefold()
        if key in self.learned and entity.kind in ("name", "person"):
            entity.kind, entity.gender = "person", entity.gender or self.learned[key]
            entity.surname = entity.surname or key.split()[-1]
        self.entities.append(entity)
        return entity

    def _apposition(self, mention: Mention) -> Entity | None:
        """ "Jane Roe, the deputy head of ...", "the Kremlin spokesman Dmitry Peskov"."""
        if mention.possessive:
            return None
        for earlier in reversed(self._sentence):
            if not _APPOSED.match(self.text[earlier.end : mention.start]):
                continue
            link = self.links.get(earlier.start)
            entity = link.entity if link else None
            if entity is None:
                continue
            if (
                earlier.proper
                and not mention.proper
                and earlier.kind in ("person", "name", "organisation", "outlet")
                and mention.kind in ("person", "organisation", "outlet")
                and (earlier.kind == "person") == (mention.kind == "person")
            ):
                return entity
            if not earlier.proper and earlier.kind == mention.kind == "person" and mention.proper:
                if not entity.named:
                    entity.name, entity.named, entity.surname = mention.name, True, mention.surname
                return entity
        return None

    def _choose(self, mention: Mention) -> Link:
        if mention.kind == "pronoun":
            return self._pronoun(mention)
        apposed = self._apposition(mention)
        if apposed is not None:
            if apposed.kind == "name":
                apposed.kind = mention.kind
            return Link(apposed, "apposition", mention.sentence)
        if mention.definite and mention.proper and mention.kind != "group":
            named = self._surname(mention) or self._same_name(mention)
            if named is not None:
                how = "surname" if named.kind == "person" and " " in named.name else "same"
                return Link(named, how, max(named.seen)[0] if named.seen else None)
        elif mention.definite:
            found = self._description(mention)
            if found is not None:
                return found
        else:
            same = self._same_name(mention) if mention.proper else None
            if same is not None:
                return Link(same, "same", max(same.seen)[0] if same.seen else None)
        return Link(self._new(mention), "new")

    def link(self, mention: Mention) -> Link:
        """Link ``mention`` to its entity (a new one if it refers to nothing earlier)."""
        found = self._choose(mention)
        entity = found.entity
        if entity is not None:
            entity.seen.append(
                (mention.sentence, mention.start, mention.possessive or mention.adjunct)
            )
            entity.words |= set(mention.words) - {"the", "a", "an"}
            if entity.gender is None and mention.kind != "pronoun":
                entity.gender = mention.gender
            if entity.surname is None and mention.surname and mention.kind == entity.kind:
                entity.surname = mention.surname
        self.links[mention.start] = found
        if self._sentence and self._sentence[-1].sentence != mention.sentence:
            self._sentence = []
        self._sentence.append(mention)
        return found

    def new_entity(self, kind: str, name: str, sentence: int, start: int) -> Entity:
        """An entity for a speaker no mention covers ("local news reports")."""
        entity = Entity(kind, name, set(name.casefold().split()), None, None, sentence)
        entity.seen.append((sentence, start, False))
        self.entities.append(entity)
        return entity


def _kinds_agree(entity_kind: str, mention_kind: str) -> bool:
    """Whether a description of ``mention_kind`` can name an entity of ``entity_kind``."""
    if entity_kind == mention_kind or entity_kind == "name":
        return True
    speakers = {"organisation", "outlet", "document"}
    return entity_kind in speakers and mention_kind in speakers
