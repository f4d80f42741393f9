"""What a citation link in a claim's sentence is to that claim: its source, or something else.

A sentence such as "Mark Parrington, a [senior scientist] at the ECMWF, [said in a
statement] that ..." holds links of different kinds, and only some say where the statement
was made. Each link of the claim's sentences gets a role, from where its anchor lies and what
its words are:

* ``frame``: outside the statement and the speaker's phrase, its anchor holding a reporting
  verb ("[has written]", "[Bloomberg reported]", "[announced on Sept. 30]") or a document,
  occasion or outlet noun ("in [a statement]", "[an interview with POLITICO]", "a [study]");
* ``speaker``: inside the speaker's phrase (the name and its apposition: "[Eric Reeves], one
  of the leading voices on Sudan,"). For a person it is a profile, never the source; for a
  document or an outlet it is the source ("a March 2019 [study] by ... concluded"); for an
  organisation it is the source when it leads to its report or data rather than its home or
  profile page ("according to the [FAA]" linked to its report), and nothing says more;
* ``statement``: inside the statement, in reported speech, the source of the words it sits
  on ("he expects to wring [$300 million in synergies]", "GateHouse reportedly [laid off]
  ..."), unless it leads to a home or profile page. Inside a direct quotation it is the
  writer's annotation of someone's words, never the source;
* ``aside``: anywhere else in the sentence (a relative clause, a time phrase): the source only
  of a claim with no speaker.

``choose_source_link`` returns the best of them (the order above, ``frame`` first, a
document's or outlet's own linked name equal to it), with its role, or None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive.citations.lexicon import DOCUMENT_NOUNS, OUTLET_NOUNS, REPORTING_VERBS
from archive.citations.link_shapes import profile_like
from archive.citations.sentences import Span
from archive.citations.tokens import word_set

__all__ = ["LinkRole", "choose_source_link", "frame_words", "occasion_link", "speaker_phrase"]

LinkSpan = tuple[int, int, str]
# nouns of the occasions and media a statement is made in, besides documents and outlets
_OCCASION_NOUNS = word_set(
    "statement statements release interview interviews call webinar speech remarks comments "
    "post posts tweet tweets video podcast blog commentary column editorial testimony hearing "
    "announcement announcements press conference briefing data figures estimates records "
    "filing filings disclosure disclosures findings research analysis database dataset "
    "transcript presentation slides minutes address appearance story"
)
_VERB_WORDS = REPORTING_VERBS | word_set(
    "blasted mouthed dubbed described called published released posted issued filed "
    "unveiled detailed outlined shared cited quoted according citing"
)
_DATA_WORDS = word_set("data database dataset figures estimates records statistics numbers")
# what a document or a medium is called, even inside a speaker's phrase
_DOCUMENT_WORDS = DOCUMENT_NOUNS | word_set(
    "data post blog statement interview release commentary database dataset figures "
    "estimates records tweet video podcast column editorial testimony findings"
)
_FRAME_WORDS = _VERB_WORDS | DOCUMENT_NOUNS | OUTLET_NOUNS | _OCCASION_NOUNS
_WORD = re.compile(r"[A-Za-z][\w\-]*")
# the word after an anchor that may be its noun's head ("[his initial Instagram] announcement")
_HEAD_AFTER = re.compile(r"(?:\s+[a-z][\w\-]*)?")
# the writer speaking of their own work: "As we've [noted]", "I [reported] last year"
_WRITER = re.compile(
    r"\b(?:[Ww]e|I)(?:['’]ve|['’]d|\s+have|\s+had)?(?:\s+(?:also|previously))?\s+$"
)
_APPOSITION_END = re.compile(r"[;“”\"«»(]|[.,](?=\s|$)")
_PEOPLE = frozenset({"person", "name", "pronoun", "group"})
_OWN_NAME_IS_SOURCE = frozenset({"document", "outlet"})
_RANK = {"frame": 5, "statement": 3, "speaker-organisation": 2, "aside": 1}


@dataclass(frozen=True, slots=True)
class LinkRole:
    """A link chosen as a claim's source, and why (``role`` as in the module docstring)."""

    link: LinkSpan
    role: str  # "frame" | "speaker" | "statement" | "aside"

    def carried(self, text: str) -> bool:
        """Whether the link stands for the speaker's occasion (an interview, a statement, a
        report) and so for the speaker's next statements too: not a link in or beside the
        statement, nor one on a data set ("according to [data] from the ISO")."""
        if self.role not in ("frame", "speaker"):
            return False
        words = {w.casefold() for w in _WORD.findall(text[self.link[0] : self.link[1]])}
        return not words & _DATA_WORDS or bool(words & (_VERB_WORDS | DOCUMENT_NOUNS))


def frame_words(anchor: str) -> bool:
    """Whether ANCHOR holds a reporting verb or a document, occasion or outlet noun."""
    return any(word.casefold() in _FRAME_WORDS for word in _WORD.findall(anchor))


def speaker_phrase(text: str, position: int, written: str, limit: Span) -> Span:
    """The speaker's name at POSITION and the apposition after it ("Mark Parrington, a senior
    scientist at the ECMWF"), within LIMIT: up to the end of the apposition's clause."""
    end = min(position + len(written), limit[1])
    rest = text[end : limit[1]]
    if rest.startswith(","):
        stop = _APPOSITION_END.search(rest, 1)
        words = rest[1 : stop.start() if stop else len(rest)].split()
        if words and words[0].casefold() not in REPORTING_VERBS:
            end += (stop.start() if stop else len(rest)) + (
                1 if stop and rest[stop.start()] == "," else 0
            )
    return position, end


def occasion_link(text: str, links: Sequence[LinkSpan], span: Span) -> LinkSpan | None:
    """The first link of SPAN whose anchor names an occasion or a document someone spoke in
    ("issued [a statement]", "[blasted on an investor conference call]"), not a data set."""
    for link in links:
        if _inside(link, span):
            anchor = text[link[0] : link[1]]
            if (_verb_anchor(anchor) or _document_anchor(anchor)) and LinkRole(
                link, "frame"
            ).carried(text):
                return link
    return None


def _with_head(text: str, link: LinkSpan) -> str:
    """The anchor and the word after it, which may be its noun's head."""
    head = _HEAD_AFTER.match(text, link[1])
    return text[link[0] : head.end() if head else link[1]]


def _inside(link: LinkSpan, span: Span | None) -> bool:
    return span is not None and span[0] <= link[0] and link[1] <= span[1]


def choose_source_link(
    text: str,
    links: Sequence[LinkSpan],
    group: Span,
    statement: Span,
    *,
    speaker: Span | None,
    speaker_kind: str | None,
    speakerless: bool = False,
    quotations: Sequence[Span] = (),
) -> LinkRole | None:
    """The link of GROUP that is the source of the claim at STATEMENT, with its role.

    SPEAKER is the speaker's phrase (``speaker_phrase``; None for a pronoun), SPEAKER_KIND its
    entity's kind ("person", "organisation", "document", "outlet"...), SPEAKERLESS whether
    the claim names no speaker at all, QUOTATIONS the spans inside quotation marks (a link
    there is the writer's annotation)."""
    best: tuple[int, int, LinkRole] | None = None
    for order, link in enumerate(links):
        if not _inside(link, group):
            continue
        anchor = text[link[0] : link[1]]
        if _WRITER.search(text, max(0, link[0] - 24), link[0]):
            role, rank = "", 0  # "As we've [noted]": the writer's own earlier piece
        elif _verb_anchor(anchor) and not _inside(link, statement):
            role, rank = "frame", _RANK["frame"]  # "[Leon Cooperman blasted on a call]"
        elif _inside(link, speaker) or (
            speaker is not None and link[0] < speaker[1] and speaker[0] < link[1]
        ):
            if _document_anchor(anchor) or speaker_kind in _OWN_NAME_IS_SOURCE:
                role, rank = "speaker", _RANK["frame"]  # "according to [data] from the ISO"
            elif speaker_kind in _PEOPLE or speaker_kind is None:
                role, rank = "", 0  # a profile: "[Eric Reeves], one of the leading voices"
            elif not profile_like(link[2]):  # its report or data, not its home page
                role, rank = "speaker", _RANK["speaker-organisation"]
            else:
                role, rank = "", 0
        elif _inside(link, statement):
            quoted = any(_inside(link, quotation) for quotation in quotations)
            backs = _backs_words(link[2])
            role, rank = ("statement", _RANK["statement"]) if backs and not quoted else ("", 0)
        elif frame_words(_with_head(text, link)):
            role, rank = "frame", _RANK["frame"]  # "In [his initial Instagram] announcement"
        else:
            role, rank = ("aside", _RANK["aside"]) if speakerless else ("", 0)
        if rank and (best is None or (rank, -order) > best[:2]):
            best = (rank, -order, LinkRole(link, role))
    return best[2] if best else None


def _backs_words(url: str) -> bool:
    """Whether a link inside reported speech backs the words it sits on: any page but a home
    or profile page (a link on a name inside the statement is about that name)."""
    return not profile_like(url)


def _verb_anchor(anchor: str) -> bool:
    """An anchor holding a reporting verb ("[has written]", "[according to the agency]",
    "[Leon Cooperman blasted on an investor conference call]")."""
    return any(word.casefold() in _VERB_WORDS for word in _WORD.findall(anchor))


def _document_anchor(anchor: str) -> bool:
    """An anchor naming a document or a medium ("[data]", "a [blog post]", "[a study]")."""
    return any(word.casefold() in _DOCUMENT_WORDS for word in _WORD.findall(anchor))
