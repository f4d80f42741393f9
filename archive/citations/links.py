"""Which links of an article are citations, with their anchor text and the sentence around them.

trafilatura already keeps only the links inside the main text; what remains to drop is the
boilerplate that sits inside it. ``LinkDecision.reason`` is "<kind>: <the signal that fired>"
("person-topic: same-site /world/jane-roe named by its anchor"); a link is rejected when:

* ``scheme``: not http(s) (``mailto:``, ``javascript:``, ``tel:``...);
* ``self``: the article itself (same host and path, any query or fragment; canonical URL too);
* ``homepage``: the front page of the article's own site;
* ``share``: a share or "send to" button (facebook.com/sharer, twitter.com/intent, wa.me...);
* ``taxonomy``: a same-site tag, topic, series, category or author page (``/tag/``,
  ``/topics/``, ``/author/``, ``/themen/``, ``topics.`` hosts...), or a short slug-only path
  named by its anchor (``/environment/climate-crisis`` on "climate crisis");
* ``person-topic``: such a page named by a person's name (``/world/jane-roe`` on "Jane Roe");
* ``navigation``: a same-site people, search, section, contact, newsletter, shop, donation or
  legal page (``/people/kristi-noem``, ``/search?q=``, ``/privacy.html``; ``shop.`` hosts), or
  a short undated path on a site whose article URL is dated or numbered (``/specials/x``);
* ``anchor``: boilerplate anchor text ("Read more", "Continue reading", "Back to top", "MORE",
  "Facebook", "@handle", "12 comments"...), or no anchor text at all;
* ``promo``: the sentence is a call to the reader ("Sign up to X, our free daily newsletter",
  "Subscribe...", "Follow us...", "Download our app", "Donate", "Abonnez-vous"...);
* ``media``: an embedded tweet's picture link (``pic.twitter.com/...``);
* ``related``: a same-site headline rather than a link in a sentence: its anchor is (almost)
  its whole paragraph or line, it follows a "Read more:" lead-in, it sits in a paragraph of
  links only or a run of short link lines, or it runs into another same-site link;
* ``bio``: after a link to the author's page in the closing lines (the author's bio).

Everything else is a citation (another site's page, a same-site article, a same-site page in a
sentence), with the anchor located in the text (searched in document order, white space
flexible) and the sentence around it. Consecutive pieces of one link (the same URL split by
inline markup) are merged. URL signals are in ``link_urls`` and ``link_shapes``, text signals
in ``link_context``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from archive.citations.link_context import (
    closing_text,
    headline_lines,
    lead_in,
    links_only,
    promo_call,
)
from archive.citations.link_shapes import name_like, path_of
from archive.citations.link_urls import (
    BOILERPLATE_ANCHOR,
    citation_reason,
    same_site,
    url_reason,
    without_fragment,
)
from archive.citations.registry import Registry
from archive.citations.sentences import (
    Span,
    paragraph_index,
    paragraph_spans,
    sentence_at,
    sentence_spans,
)
from archive.citations.tokens import normalize_space
from archive.text.extraction import Extraction

__all__ = ["CitationLink", "LinkDecision", "citation_links", "classify_links", "same_site"]

_MERGE_GAP = 3  # characters between two pieces of one link that still make one citation
_RELATED_COVER = 0.85  # share of its paragraph a same-site anchor must cover to be "related"
_LABEL_WORDS = 3  # words of a label before a headline ("Editorial", "Wave of stupidity")
_LABEL_STOP = re.compile(r"[.,;:!?“”\"()]")


@dataclass(frozen=True, slots=True)
class CitationLink:
    """A link in an article's main text, located: offsets are in ``Extraction.text``."""

    url: str  # absolute, without fragment
    anchor: str  # white space normalised
    sentence: str  # the sentence(s) around the anchor ("" when the anchor was not found)
    start: int  # anchor [start, end) in the text; -1 when not found
    end: int
    sentence_start: int
    sentence_end: int
    same_site: bool
    source_id: str | None = None  # the registry source hosting the URL, if any


@dataclass(frozen=True, slots=True)
class LinkDecision:
    """A link and whether it is a citation (``reason`` is "citation" or why it is not)."""

    link: CitationLink
    keep: bool
    reason: str  # "<kind>: <the signal that decided>", e.g. "person-topic: same-site /world/x ..."

    @property
    def kind(self) -> str:
        """The class of the decision: "citation", "taxonomy", "promo", "related"..."""
        return self.reason.split(":", 1)[0]


def _locate(text: str, anchor: str, cursor: int) -> Span | None:
    pieces = anchor.split()
    if not pieces:
        return None
    pattern = re.compile(r"\s+".join(re.escape(piece) for piece in pieces))
    match = pattern.search(text, cursor) or pattern.search(text)
    return (match.start(), match.end()) if match else None


def _occurrences(extraction: Extraction) -> Iterator[tuple[str, str, Span | None]]:
    """Each link of the text with its anchor and where it is: the extractor's own offsets when
    it gave them, else the anchor searched for in document order."""
    text = extraction.text
    if extraction.anchors is not None:
        for href, start, end in extraction.anchors:
            yield href, normalize_space(text[start:end]), (start, end) if end > start else None
        return
    cursor = 0
    for href, raw_anchor in extraction.links:
        anchor = normalize_space(raw_anchor)
        span = _locate(text, anchor, cursor)
        if span is not None:
            cursor = span[1]
        yield href, anchor, span


def _related(span: Span | None, paragraphs: list[Span], text: str) -> bool:
    """An anchor that is (almost) its whole line, a short label before it aside ("Editorial
    Fraser's lasting legacy" in a box of other columns): a headline, not a sentence."""
    if span is None:
        return False
    for start, end in paragraphs:
        if start <= span[0] < end:
            label = text[start : span[0]]
            if len(label.split()) <= _LABEL_WORDS and not _LABEL_STOP.search(label):
                start = span[0]
            return (span[1] - span[0]) >= _RELATED_COVER * (end - start)
    return False


def _link_lists(decisions: list[LinkDecision], text: str) -> list[LinkDecision]:
    """Same-site citations run together with another same-site link: a list, not prose."""
    located = sorted(
        (d.link.start, d.link.end, i) for i, d in enumerate(decisions) if d.link.start >= 0
    )
    listed: set[int] = set()
    for (_, end, first), (start, _, second) in pairwise(located):
        one, two = decisions[first].link, decisions[second].link
        gap = text[end:start]
        if (
            one.url != two.url
            and one.same_site
            and two.same_site
            and 0 <= len(gap) <= _MERGE_GAP
            and not gap.strip()
        ):
            listed.update((first, second))
    return [
        replace(d, keep=False, reason="related: runs into another same-site link")
        if i in listed and d.keep
        else d
        for i, d in enumerate(decisions)
    ]


def _in_context(
    decisions: list[LinkDecision], text: str, paragraphs: list[Span]
) -> list[LinkDecision]:
    """Same-site links that the text around them shows to be headlines, not prose."""
    anchors = [(d.link.start, d.link.end) for d in decisions if d.link.start >= 0]
    headlines = headline_lines(
        text,
        [(d.link.start, d.link.end) for d in decisions if d.link.start >= 0 and d.link.same_site],
    )
    result: list[LinkDecision] = []
    for decision in decisions:
        link = decision.link
        reason = None
        if decision.keep and link.same_site and link.start >= 0:
            paragraph = paragraphs[paragraph_index(paragraphs, link.start)]
            label = lead_in(text, paragraph, anchors)
            if label:
                reason = f"related: after the lead-in {label!r}"
            elif links_only(text, paragraph, anchors):
                reason = "related: a paragraph of links only"
            elif (link.start, link.end) in headlines:
                reason = f"related: {headlines[(link.start, link.end)]}"
        result.append(replace(decision, keep=False, reason=reason) if reason else decision)
    return result


def _closing_bio(decisions: list[LinkDecision], text: str) -> list[LinkDecision]:
    """Links after a link to the author's own page near the end: the closing author bio."""
    author = next(
        (
            d.link
            for d in decisions
            if not d.keep
            and d.kind in ("taxonomy", "navigation", "person-topic")
            and d.link.start >= 0
            and name_like(d.link.anchor)
            and closing_text(text, d.link.end)
        ),
        None,
    )
    if author is None:
        return decisions
    reason = f"bio: in the closing bio after {path_of(author.url)}"
    return [
        replace(d, keep=False, reason=reason) if d.keep and d.link.start > author.end else d
        for d in decisions
    ]


def _merge(decisions: list[LinkDecision], text: str) -> list[LinkDecision]:
    merged: list[LinkDecision] = []
    for decision in decisions:
        previous = merged[-1] if merged else None
        link = decision.link
        if (
            previous is not None
            and previous.keep == decision.keep
            and previous.link.url == link.url
            and previous.link.start >= 0
            and 0 <= link.start - previous.link.end <= _MERGE_GAP
        ):
            start, end = previous.link.start, link.end
            joined = replace(
                previous.link,
                anchor=normalize_space(text[start:end]),
                end=end,
                sentence=text[previous.link.sentence_start : link.sentence_end],
                sentence_end=max(previous.link.sentence_end, link.sentence_end),
            )
            merged[-1] = replace(previous, link=joined)
        else:
            merged.append(decision)
    return merged


_SHAPE_ONLY = ("person-topic", "taxonomy")


def classify_links(
    extraction: Extraction, article_url: str, registry: Registry | None = None
) -> list[LinkDecision]:
    """Every main-text link of the article, located, with whether it is a citation and why."""
    text = extraction.text
    article_urls = [article_url] + ([extraction.canonical_url] if extraction.canonical_url else [])
    sentences = sentence_spans(text)
    paragraphs = paragraph_spans(text)
    decisions: list[LinkDecision] = []
    for href, anchor, span in _occurrences(extraction):
        url = without_fragment(href.strip())
        sentence = sentence_at(sentences, *span) if span else (-1, -1)
        on_site = any(same_site(url, article) for article in article_urls)
        reason = url_reason(href.strip(), article_urls, anchor)
        if reason is None and BOILERPLATE_ANCHOR.match(anchor):
            reason = f"anchor: boilerplate anchor {anchor[:40]!r}"
        call = promo_call(text[sentence[0] : sentence[1]]) if span else None
        if call and (reason is None or reason.startswith(_SHAPE_ONLY)):
            # the sentence's call says what the link is better than its URL's shape does
            reason = f"promo: {call!r} call in its sentence"
        if reason is None and on_site and _related(span, paragraphs, text):
            reason = "related: same-site anchor fills its paragraph"
        source = registry.find_source(url) if registry is not None and reason is None else None
        link = CitationLink(
            url=url,
            anchor=anchor,
            sentence=text[sentence[0] : sentence[1]] if span else "",
            start=span[0] if span else -1,
            end=span[1] if span else -1,
            sentence_start=sentence[0],
            sentence_end=sentence[1],
            same_site=on_site,
            source_id=source.id if source else None,
        )
        keep = reason is None
        decisions.append(LinkDecision(link, keep, reason or citation_reason(url, on_site)))
    decisions = _closing_bio(_in_context(decisions, text, paragraphs), text)
    return _merge(_link_lists(decisions, text), text)


def citation_links(
    extraction: Extraction, article_url: str, registry: Registry | None = None
) -> list[CitationLink]:
    """The citations among the article's main-text links, in document order."""
    return [d.link for d in classify_links(extraction, article_url, registry) if d.keep]
