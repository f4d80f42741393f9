"""Where a statement was published: the outlet, document or link that a sentence names.

A sentence names a source by

* a link (``(start, end, url)`` span from ``links.citation_links``) anywhere in it;
* a registered source's name outside the statement ("told the RIA Novosti news agency");
* an unregistered outlet named by its frame: "the Example news agency", "the X newspaper",
  "North Korea's official newspaper", a name ending in an outlet word ("the Daily Courier"),
  a capitalised name followed by "reported", or a name after "interview with/to", "wrote in",
  "published in", "quoted by" (or an acronym after "told") that is no person;
* a document: "a report by the institute", "a study published in ..." (see ``mentions``).

It can also name an occasion with no outlet ("in a statement", "told reporters", "at a news
conference"): the statement then has no source, and none is carried past it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive.citations.mentions import Mention
from archive.citations.news_outlets import known_outlet
from archive.citations.registry import Registry
from archive.citations.sentences import Span

__all__ = [
    "LinkSpan",
    "SourceRef",
    "frame_and_inner_links",
    "is_occasion",
    "named_outlets",
    "sentence_link",
]

LinkSpan = tuple[int, int, str]  # (start, end, url) of a link's anchor in the text

_CAPS = r"(?:[A-Z][\w’'.\-&]*\s+){1,5}"
_OUTLET_NOUN = (
    r"(?:news\s+agency|newspaper|daily|weekly|tabloid|broadcaster|television|TV|radio|"
    r"magazine|website|news\s+site|news\s+outlet|news\s+portal|wire\s+service|channel|"
    r"news\s+service)"
)
_NAMED_NOUN = re.compile(rf"(?<![\w’'])(?:[Tt]he\s+)?{_CAPS}{_OUTLET_NOUN}(?![\w’'])")
_OWNED_NOUN = re.compile(
    rf"(?<![\w’'])(?:(?:[Tt]he\s+)?{_CAPS[:-1]}|[Tt]he\s+(?:[a-z]+\s+){{0,2}}[a-z]+)[’']s\s+"
    r"(?:(?:official|own|state|main|flagship|party|government)\s+)*"
    rf"(?:{_OUTLET_NOUN}|mouthpiece|publication|press\s+service)(?![\w’'])"
)
_AFFILIATE = (
    r"(?:affiliate|sister\s+(?:station|paper|network|channel)|station|network|broadcaster|"
    r"newspaper|channel)"
)
_TOLD = re.compile(rf"\btold\s+(?:the\s+)?(?:(?:[A-Z][\w.&]*\s+)?{_AFFILIATE}\s+)?$")
_AFFILIATED = re.compile(rf"\b{_AFFILIATE}\s+$")
_AFFILIATE_AFTER = re.compile(rf"\s+{_AFFILIATE}\s+[A-Z]")
_BEFORE_OUTLET = re.compile(
    r"(?:\binterviews?\s+(?:given\s+)?(?:to|with)|\bspeaking\s+to|\bspoke\s+to|"
    r"\bwr(?:ote|iting)\s+(?:in|for)|\bop-ed\s+(?:in|for)|\bcolumn\s+(?:in|for)|"
    r"\bquoted\s+by|\bpublished\s+(?:in|by)|\bappear(?:ed|ing)\s+on|\bremarks\s+to)\s+"
    r"(?:the\s+)?$"
)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
# "Bloomberg reported that ...", "Bloomberg reported WeWork is": a clause, as an outlet reports;
# "Amtrak reported no major delays" reports a figure, as any company does
_REPORTED_CLAUSE = re.compile(
    r"\s+(?:has\s+|had\s+|also\s+)*reported\s+(?:(?:on|late|early|last|this)\s+\w+\s+)?"
    r"(?:that\b|(?:he|she|it|they|there|the|a|an|[A-Z][\w’'\-]*)\s+[\w’'\-]+)"
)
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
_OCCASION = re.compile(
    r"\b(?:in\s+an?\s+(?:written\s+|joint\s+|brief\s+|emailed\s+)?statement|told\s+reporters|"
    r"told\s+(?:the\s+|a\s+|an\s+)?(?!(?:news|newspaper|paper|agency|daily|weekly|broadcaster|"
    r"channel|magazine|station|radio|television|website|outlet|wire|tabloid|publication)\b)"
    r"[a-z]{3,}s\b|told\s+[A-Z][\w\-]*['’]s\s+[a-z]+|"
    r"in\s+(?:remarks|comments|testimony|evidence|a\s+submission)\s+to|previously\s+(?:said|told)|"
    r"said\s+separately|"
    r"(?:in|at|during|on|over|via|by)\s+(?:an?|the|his|her|their|its)\s+(?:[\w\-]+\s+){0,2}?"
    r"(?:webinar|e-?mail|speech|interview|call|conference|briefing|hearing|meeting|event|"
    r"session|forum|panel|summit|rally|debate|address|appearance|visit|trip|press\s+release)|"
    r"over\s+e-?mail|by\s+(?:tele)?phone|told\s+(?:a|the)\s+(?:[\w\-]+\s+){0,2}?(?:crowd|"
    r"audience|rally|conference|court|jury|committee|hearing|senate|assembly|house|chamber|"
    r"council|inquiry|meeting|session|summit|forum)|"
    r"told\s+(?:parliament|congress|lawmakers|legislators|MPs|senators))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """The source of a statement: a cited URL, a named outlet or a document."""

    kind: str  # "link" | "outlet" | "document"
    name: str | None  # as written: "the Example news agency", "a report"
    url: str | None = None  # the cited URL (kind "link")
    source_id: str | None = None  # the registered source, when known
    sentence: int = 0  # index of the sentence that named it
    publisher: str | None = None  # a document's author: "a research institute"


def sentence_link(links: list[LinkSpan], span: Span) -> LinkSpan | None:
    """The first link whose anchor lies inside ``span``."""
    for link in links:
        if span[0] <= link[0] and link[1] <= span[1]:
            return link
    return None


def frame_and_inner_links(
    text: str,
    links: Sequence[LinkSpan],
    group: Span,
    statement: Span,
    speaker: str | None,
) -> tuple[LinkSpan | None, LinkSpan | None]:
    """(the first link of GROUP outside the statement: on the verb, the outlet or the document
    that frames it; the first link inside the statement itself). A link on the name of a
    SPEAKER who is a person ("James Hansen" linked to a profile) is about that person, not the
    statement's source, and counts as neither; an organisation's linked name ("according to
    the Federal Aviation Administration") stays its statement's source."""
    frame = inner = None
    named = speaker.casefold() if speaker else ""
    for link in links:
        if not (group[0] <= link[0] and link[1] <= group[1]):
            continue
        inside = statement[0] <= link[0] and link[1] <= statement[1]
        anchor = text[link[0] : link[1]].strip()
        if not inside and anchor[:1].isupper() and anchor.casefold() in named:
            continue
        if inside and inner is None:
            inner = link
        elif not inside and frame is None:
            frame = link
    return frame, inner


def is_occasion(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` names an occasion with no outlet ("in a statement")."""
    return _OCCASION.search(text, start, end) is not None


def _unknown_name(mention: Mention) -> bool:
    """A name of several words that is neither an acronym nor an organisation's: "the
    Morning Ledger" may be an outlet, "the FBI" or "the Defence Ministry" is not."""
    return (
        mention.kind == "name"
        and len(mention.text.split()) >= 2
        and not _ACRONYM.match(mention.text.split()[0])
    )


def _outside(found: tuple[int, int], excluded: Span | None) -> bool:
    return excluded is None or found[1] <= excluded[0] or found[0] >= excluded[1]


def _with_article(
    text: str, span: Span, item: tuple[int, int, str, str | None]
) -> tuple[int, int, str, str | None]:
    """ "the Harbour Times" rather than "Harbour Times" when the text says so."""
    start = item[0]
    if start - 4 >= span[0] and text[start - 4 : start] in ("the ", "The "):
        return start - 4, item[1], text[start - 4 : item[1]], item[3]
    return item


def named_outlets(
    text: str,
    span: Span,
    mentions: list[Mention],
    registry: Registry | None,
    excluded: Span | None = None,
) -> list[tuple[int, int, str, str | None]]:
    """Outlets named in ``span`` outside ``excluded``: (start, end, name, registered id)."""
    found: list[tuple[int, int, str, str | None]] = []
    if registry is not None:
        found.extend(
            (m.start, m.end, text[m.start : m.end], m.source_id)
            for m in registry.find_names(text, *span)
        )
    for pattern in (_OWNED_NOUN, _NAMED_NOUN):
        for match in pattern.finditer(text, *span):
            found.append((match.start(), match.end(), match.group(0).strip(), None))
    for mention in mentions:
        if mention.kind in ("person", "pronoun", "group", "document") or mention.possessive:
            continue
        lead = text[max(span[0], mention.start - 40) : mention.start]
        named = mention.proper
        known = known_outlet(mention.text)
        if (
            (mention.kind == "outlet" and named)
            or (known and _REPORTED_CLAUSE.match(text, mention.end))  # "Bloomberg reported"
            or (  # "an interview with POLITICO Playbook", "given to the Morning Ledger";
                # "with Winfrey" is a person, "with the FBI" an agency
                named
                and _BEFORE_OUTLET.search(lead)
                and (known or (_THE_BEFORE.search(lead) and _unknown_name(mention)))
            )
            or (  # "told CNN", "told affiliate KFSM"; "told Winfrey" may well be a person
                named
                and _TOLD.search(lead)
                and (known or (_AFFILIATED.search(lead) and mention.text.isupper()))
            )
        ) and not _AFFILIATE_AFTER.match(text, mention.end):  # "CNN affiliate WUSA": WUSA
            found.append((mention.start, mention.end, mention.text, mention.source_id))
    found = [_with_article(text, span, item) for item in found]
    kept: list[tuple[int, int, str, str | None]] = []
    for item in sorted(found, key=lambda f: (f[0], f[0] - f[1], f[3] is None)):
        if not _outside((item[0], item[1]), excluded) or item[0] < span[0] or item[1] > span[1]:
            continue
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return [_registered(item, found) for item in kept]


def _registered(
    item: tuple[int, int, str, str | None], found: list[tuple[int, int, str, str | None]]
) -> tuple[int, int, str, str | None]:
    """ITEM with the registry id of a registered name inside it ("the Telegraf Vostok news
    agency" holds "Telegraf Vostok")."""
    if item[3] is not None:
        return item
    inner = next((f[3] for f in found if f[3] and item[0] <= f[0] and f[1] <= item[1]), None)
    return (*item[:3], inner)
