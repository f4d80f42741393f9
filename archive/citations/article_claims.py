"""Every checkable claim of an article: its attributed statements and its linked sentences.

An attribution ("Kell said ...", "according to a report ...") is a claim with a speaker and,
when one is cited or carried, a source. A sentence that holds a citation link but no
attribution ("GateHouse reportedly laid off more than 60 employees", with a link on "laid
off") is a claim too: the link is its source (``kind="link"``). This is what the citations
spider records and what the evaluation set scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from archive.citations.attributions import Attribution, find_attributions
from archive.citations.links import CitationLink
from archive.citations.outlets import SourceRef
from archive.citations.registry import Registry, host_of
from archive.citations.sentences import sentence_spans

__all__ = ["EVIDENTIAL", "find_claims", "own_name"]

# words that present a sentence as reported or measured by someone else (a closed class:
# hedges, reporting verbs of documents, and the nouns of evidence)
EVIDENTIAL = re.compile(
    r"\b(?:reportedly|allegedly|apparently|according|estimat\w*|project(?:s|ed|ions?)|"
    r"found|finds|show(?:s|ed|n)?|suggest(?:s|ed)?|conclud\w*|indicat\w*|"
    r"data|figures|survey\w*|stud(?:y|ies)|report(?:s|ed)?|analys[ie]s|records?|poll\w*|"
    r"announc\w*|confirm\w*|disclos\w*|filings?|documents?)\b",
    re.IGNORECASE,
)


def find_claims(
    text: str,
    links: Sequence[CitationLink],
    registry: Registry | None = None,
    article_url: str | None = None,
) -> list[Attribution]:
    """Attributions read with LINKS, then each linked sentence no attribution covers, in
    document order. A statement made to the article's own publisher ("told the Gazette" in
    the Gazette, found by ARTICLE_URL's host in the registry) is first-hand: no source."""
    found = find_attributions(text, registry, links=links)
    own = registry.source_for_host(article_url) if registry and article_url else None
    found = [_first_hand(a, own.id if own else None, article_url) for a in found]
    covered = [(a.sentence_start, a.sentence_end) for a in found]
    cited = {a.source.url for a in found if a.source is not None and a.source.url}
    starts = [start for start, _ in sentence_spans(text)]
    for link in links:
        if not link.sentence or link.url in cited or link.start < 0:
            continue
        if not EVIDENTIAL.search(link.sentence):
            continue
        span = (link.sentence_start, link.sentence_end)
        if any(start <= span[0] < end or span[0] <= start < span[1] for start, end in covered):
            continue
        cited.add(link.url)
        covered.append(span)
        index = sum(1 for start in starts if start <= span[0]) - 1
        found.append(
            Attribution(
                statement=link.sentence,
                start=span[0],
                end=span[1],
                kind="link",
                speaker=None,
                speaker_text=None,
                verb=None,
                sentence_start=span[0],
                sentence_end=span[1],
                source_id=link.source_id,
                source_name=link.anchor,
                sentence_index=max(0, index),
                source=SourceRef("link", link.anchor, link.url, link.source_id, max(0, index)),
                resolution="link",
                speaker_resolution="none",
                confidence=0.7,  # a link in a sentence, not an attribution: weaker evidence
            )
        )
    return sorted(found, key=lambda a: a.start)


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
