"""Every checkable claim of an article: its attributed statements and its linked sentences.

An attribution ("Kell said ...", "according to a report ...") is a claim with a speaker and,
when one is cited or carried, a source. A sentence that holds a citation link but no
attribution is a claim too when it states a reported or measured fact ("GateHouse reportedly
[laid off] more than 60 employees"; see ``linked_facts``): the link is its source
(``kind="link"``). This is what the citations
spider records and what the evaluation set scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from archive.citations.attributions import Attribution, find_attributions
from archive.citations.display_lines import inherit_from_body
from archive.citations.embedded_posts import embedded_posts
from archive.citations.linked_facts import backing_links, reported_or_measured
from archive.citations.links import CitationLink
from archive.citations.outlets import SourceRef
from archive.citations.registry import Registry, host_of
from archive.citations.reported_speech import split_conjoined
from archive.citations.sentences import sentence_spans

__all__ = ["find_claims", "own_name"]


def find_claims(
    text: str,
    links: Sequence[CitationLink],
    registry: Registry | None = None,
    article_url: str | None = None,
) -> list[Attribution]:
    """Attributions read with LINKS, then the embedded posts and each linked statement of
    fact no attribution covers, in document order. A statement made to the article's own
    publisher ("told the Gazette" in the Gazette, found by ARTICLE_URL's host in the registry
    or spelling it) is first-hand: no source."""
    found = find_attributions(text, registry, links=links)
    own = registry.source_for_host(article_url) if registry and article_url else None
    found = [_first_hand(a, own.id if own else None, article_url) for a in found]
    starts = [start for start, _ in sentence_spans(text)]
    covered = [(a.sentence_start, a.sentence_end) for a in found]
    for claim in [*_posts(text, links, registry, starts), *_linked_facts(text, links, starts)]:
        span = (claim.start, claim.end)
        if any(start < span[1] and span[0] < end for start, end in covered):
            continue
        covered.append(span)  # the next clause of the same sentence may be a claim too
        found.append(claim)
    found = sorted(found, key=lambda a: a.start)
    return inherit_from_body(text, sorted(found + _hedged(text, found), key=lambda a: a.start))


def _hedged(text: str, claims: Sequence[Attribution]) -> list[Attribution]:
    """A sentence that says its fact is reported without saying by whom ("WeWork is reportedly
    being investigated"), when the next sentence of its paragraph names the source ("According
    to [Reuters], ..."): a claim with that source."""
    sentences = sentence_spans(text)
    covered = [(c.sentence_start, c.sentence_end) for c in claims]
    added: list[Attribution] = []
    for index, (start, end) in enumerate(sentences[:-1]):
        if not _HEDGE.search(text, start, end) or "\n" in text[end : sentences[index + 1][0]]:
            continue
        if any(lo < end and start < hi for lo, hi in covered):
            continue
        following = sentences[index + 1]
        named = next(
            (
                c
                for c in claims
                if c.sentence_start == following[0]
                and c.kind == "according_to"
                and c.source is not None
                and c.source.sentence == index + 1
            ),
            None,
        )
        if named is not None and named.source is not None:
            trimmed = text[start:end].rstrip(" .")
            added.append(
                replace(
                    named,
                    statement=trimmed,
                    start=start,
                    end=start + len(trimmed),
                    kind="reported",
                    speaker=None,
                    speaker_text=None,
                    verb=None,
                    sentence_start=start,
                    sentence_end=end,
                    sentence_index=index,
                    resolution=f"carried from sentence {index + 1}",
                    carried_from=index + 1,
                    speaker_resolution="none",
                    confidence=round(named.confidence * 0.8, 3),
                )
            )
    return added


_HEDGE = re.compile(r"\b(?:reportedly|allegedly|is said to|are said to|was said to)\b")


def _sentence_index(starts: list[int], offset: int) -> int:
    return max(0, sum(1 for start in starts if start <= offset) - 1)


def _linked_facts(
    text: str, links: Sequence[CitationLink], starts: list[int]
) -> list[Attribution]:
    """Each clause whose link backs a reported or measured fact (``linked_facts``): a sentence
    of two facts each with its link ("GateHouse reportedly laid off ..., and Gannett
    reportedly [laid off several hundred]") gives two claims, each with its own link."""
    by_sentence: dict[tuple[int, int], list[CitationLink]] = {}
    for link in links:
        if link.sentence and link.start >= 0 and backing_links([link.url]):
            by_sentence.setdefault((link.sentence_start, link.sentence_end), []).append(link)
    claims: list[Attribution] = []
    for (start, end), held in by_sentence.items():
        index = _sentence_index(starts, start)
        whole = _link_claim(text, (start, end), held[0], index)
        spans = [(link.start, link.end, link.url) for link in held]
        for part in split_conjoined(text, whole, spans):
            inside = [link for link in held if part.start <= link.start < part.end]
            if not inside:
                continue
            first = inside[0]
            anchor = (first.start - part.start, first.end - part.start)
            if reported_or_measured(part.statement, anchor):
                claims.append(_link_claim(text, (part.start, part.end), first, index))
    return claims


def _link_claim(
    text: str, span: tuple[int, int], link: CitationLink, index: int
) -> Attribution:
    """The claim of the statement at SPAN, its source the LINK in it."""
    return Attribution(
        statement=text[span[0] : span[1]],
        start=span[0],
        end=span[1],
        kind="link",
        speaker=None,
        speaker_text=None,
        verb=None,
        sentence_start=link.sentence_start,
        sentence_end=link.sentence_end,
        source_id=link.source_id,
        source_name=link.anchor,
        sentence_index=index,
        source=SourceRef("link", link.anchor, link.url, link.source_id, index),
        resolution="link",
        speaker_resolution="none",
        confidence=0.7,  # a link in a sentence, not an attribution: weaker evidence
    )


def _posts(
    text: str, links: Sequence[CitationLink], registry: Registry | None, starts: list[int]
) -> list[Attribution]:
    """The lines of each embedded post, claims of its author with the post as source."""
    spans = [(link.start, link.end, link.url) for link in links if link.start >= 0]
    claims: list[Attribution] = []
    for post in embedded_posts(text, spans):
        source = registry.find_source(post.url) if registry and post.url else None
        sid = source.id if source else None
        for start, end in post.lines:
            index = _sentence_index(starts, start)
            ref = SourceRef("link", "post", post.url, sid, index) if post.url else None
            claims.append(
                Attribution(
                    statement=text[start:end],
                    start=start,
                    end=end,
                    kind="post",
                    speaker=post.author,
                    speaker_text=post.author,
                    verb=None,
                    sentence_start=start,
                    sentence_end=end,
                    source_id=sid,
                    source_name="post" if ref else None,
                    sentence_index=index,
                    source=ref,
                    resolution="link" if ref else None,
                    speaker_resolution="explicit",
                    confidence=0.9,
                )
            )
    return claims


def _first_hand(claim: Attribution, own_id: str | None, article_url: str | None) -> Attribution:
    """CLAIM without a source when that source is the article's own publisher: its registry
    id, or a name spelling the article's host ("told USA TODAY" on usatoday.com)."""
    ref = claim.source
    if ref is not None and ref.url:
        return claim
    named = own_id is not None and (
        claim.source_id == own_id or (ref is not None and ref.source_id == own_id)
    )
    names = (claim.source_name, ref.name if ref is not None else None)
    if not named and not any(own_name(name, article_url) for name in names if name):
        return claim
    return replace(
        claim, source=None, source_id=None, source_name=None, resolution=None, carried_from=None
    )


def own_name(name: str, article_url: str | None) -> bool:
    """Whether NAME spells a label of ARTICLE_URL's host ("USA TODAY": usatoday.com, "CNN":
    edition.cnn.com): the article's own publisher."""
    if not article_url:
        return False
    letters = re.sub(r"[^a-z0-9]", "", name.casefold().removeprefix("the "))
    labels = host_of(article_url).split(".")[:-1]
    return len(letters) >= 3 and letters in labels
