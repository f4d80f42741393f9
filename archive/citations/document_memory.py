"""Linked documents that the text recalls later: "[a paper] ..." then "wrote in the paper".

An article links a document once ("According to [a paper] published in Nature Astronomy",
"Sarovia's foreign ministry issued [a statement]", "a new peer-reviewed paper [published in
Oxford Open Climate Change]") and afterwards only names it again with a definite article ("the
paper", "the report", "in the statement"). The noun is read in the link's anchor or in the
three words before it. Nouns of one kind recall each other ("the report" after "a paper"; "the
release" after "a statement"), and the latest document of a kind is the one recalled. A
document named in a speaker's relative clause ("a professor who led the study") or as a time
("hours after the study") is not recalled: it is not where the speaker spoke.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from archive.citations.given_names import given_name_gender
from archive.citations.lexicon import NAME_ORG_WORDS, NAME_OUTLET_WORDS
from archive.citations.link_shapes import profile_like
from archive.citations.news_outlets import known_outlet
from archive.citations.outlets import LinkSpan
from archive.citations.sentences import Span

__all__ = ["DOCUMENT_KINDS", "DocumentMemory"]

# noun -> its kind: nouns of one kind may recall each other
_KIND_NOUNS = {
    "research": "paper study report analysis survey assessment review preprint research",
    "statement": "statement release announcement communique",
    "post": "post blog tweet thread",
    "interview": "interview",
    "commentary": "commentary column op-ed essay editorial",
    "letter": "letter memo memorandum",
    "filing": "filing lawsuit complaint indictment ruling",
    "recording": "transcript call webinar video podcast",
    "notice": "summary update notice factsheet",
}
DOCUMENT_KINDS: dict[str, str] = {
    noun: kind for kind, nouns in _KIND_NOUNS.items() for noun in nouns.split()
}
_NOUN = re.compile(r"[a-z][a-z\-]*")
_DEFINITE = re.compile(r"\b(?:the|that|this|same)\s+", re.IGNORECASE)
_WORD = re.compile(r"[\w\-]+")
_BEFORE_WORDS = 3
# a document named in a speaker's relative clause or as a time is not where they spoke
_NOT_OCCASION = re.compile(
    r"(?:\bwho\b[^,;:.“”\"]*|\b(?:after|before|since|following|until)\s+)$", re.IGNORECASE
)
_CAPITALISED = re.compile(
    r"(?:(?<=\s)|^)(?:[Tt]he\s+)?((?:[A-Z][\w’'&.\-]*)(?:\s+[A-Z][\w’'&.\-]*)*)"
)


def _linked_name(anchor: str, url: str) -> str | None:
    """The organisation or outlet an anchor names when the link is no home or profile page:
    a capitalised run that is a known outlet, holds an organisation's or outlet's word, or
    has three words or more, its first no given name ("Global Fire Emissions Database")."""
    if profile_like(url):
        return None
    for match in reversed(list(_CAPITALISED.finditer(" ".join(anchor.split())))):
        name = match.group(1).strip()  # the last name in "according to reports from The Wrap"
        words = name.split()
        if not words or (given_name_gender(words[0]) is not None and not known_outlet(name)):
            continue
        marked = any(w in NAME_ORG_WORDS or w in NAME_OUTLET_WORDS for w in words)
        if known_outlet(name) or marked or len(words) >= 3:
            return name
    return None


@dataclass
class DocumentMemory:
    """The latest linked document of each kind, and the links on names of organisations and
    outlets ("Citing the [Global Fire Emissions Database]"), as the text has been read so far."""

    latest: dict[str, tuple[LinkSpan, int, str]] = field(default_factory=dict)
    names: dict[str, tuple[LinkSpan, int, str]] = field(default_factory=dict)

    def register(self, text: str, links: Sequence[LinkSpan], span: Span, index: int) -> None:
        """Remember the documents linked in sentence INDEX (SPAN)."""
        for link in links:
            if not (span[0] <= link[0] and link[1] <= span[1]):
                continue
            before = text[max(span[0], link[0] - 40) : link[0]].split()[-_BEFORE_WORDS:]
            words = _NOUN.findall(text[link[0] : link[1]].casefold())
            words += [w.casefold() for w in before]
            kinds = [(DOCUMENT_KINDS[w], w) for w in words if w in DOCUMENT_KINDS]
            if kinds:
                kind, noun = kinds[0]
                self.latest[kind] = (link, index, noun)
            name = _linked_name(text[link[0] : link[1]], link[2])
            if name is not None:
                self.names[name] = (link, index, name)

    def most_recent(self) -> tuple[LinkSpan, int, str] | None:
        """The document or organisation linked last ("figures published by the [Office for
        Regional Statistics]" before "The data show ...")."""
        known = [*self.latest.values(), *self.names.values()]
        return max(known, key=lambda item: (item[1], item[0][0])) if known else None

    def recall_name(
        self, text: str, span: Span, excluded: Span
    ) -> tuple[LinkSpan, int, str] | None:
        """The link an organisation or outlet that SPAN names (outside EXCLUDED) had when
        it was linked earlier ("According to the Global Fire Emissions Database, ...")."""
        for name, found in self.names.items():
            pattern = re.compile(rf"(?<![\w’'])(?:[Tt]he\s+)?{re.escape(name)}(?![\w])")
            for match in pattern.finditer(text, *span):
                if not excluded[0] <= match.start() < excluded[1]:
                    return found
        return None

    def recall(self, text: str, span: Span, excluded: Span) -> tuple[LinkSpan, int, str] | None:
        """The linked document that SPAN (outside EXCLUDED, the statement) names again with a
        definite article: ("the paper" -> the link of "a paper"), or None."""
        for match in _DEFINITE.finditer(text, *span):
            if excluded[0] <= match.start() < excluded[1]:
                continue
            if _NOT_OCCASION.search(text, max(span[0], match.start() - 80), match.start()):
                continue  # "a professor who led the study", "hours after the study"
            for word in _WORD.findall(text, match.end(), span[1])[:_BEFORE_WORDS]:
                kind = DOCUMENT_KINDS.get(word.casefold())
                if kind is not None and kind in self.latest:
                    return self.latest[kind]
        return None
