"""Tables of the citation graph: who cites what (edges) and which passage backs which claim."""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, String, Table, Text

from archive.index.schema import metadata

__all__ = ["citation_edges", "claims", "discovery_listings", "link_decisions"]

citation_edges = Table(
    "citation_edges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("crawl_id", String(64), nullable=False),
    Column("article_url", Text, nullable=False),  # the citing page
    Column("cited_url", Text, nullable=False),
    Column("found_by", String(16), nullable=False),  # "link" or "name"
    Column("depth", Integer, nullable=False),
    Column("anchor", Text),
    Column("sentence", Text),
    Column("source_id", String(64)),  # registry id for sources found by name
    Column("source_name", Text),
    Column("confidence", Float),
    Column("reason", Text),
    Column("created", String(32), nullable=False),
)
Index("ix_citation_edges_article", citation_edges.c.article_url, citation_edges.c.crawl_id)

claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("crawl_id", String(64), nullable=False),
    Column("article_url", Text, nullable=False),
    Column("statement", Text, nullable=False),
    Column("speaker", Text),
    Column("source_name", Text),
    Column("source_id", String(64)),
    Column("cited_url", Text),  # the link the claim's source is (its own, or carried)
    Column("kind", String(16)),  # quote | reported | according_to | link
    Column("source_kind", String(16)),  # link | outlet | document
    Column("resolution", Text),  # link | named | carried from sentence N
    Column("carried_from", Integer),  # that N
    Column("speaker_resolution", String(16)),  # explicit|pronoun|surname|description|continuation
    Column("confidence", Float),  # of speaker and source together, 0..1
    Column("start", Integer),  # offsets in the article's extracted text
    Column("end", Integer),
    Column("repeats", Integer),  # a headline's claim: start of the body claim it repeats
    Column("status", String(24), nullable=False),  # pending|matched|not_found|needs_translation
    Column("matched_url", Text),
    Column("matched_capture", String(64)),  # response record id of the source capture
    Column("passage", Text),
    Column("passage_start", Integer),
    Column("passage_end", Integer),
    Column("score", Float),
    Column("method", String(32)),
)
Index("ix_claims_article", claims.c.article_url, claims.c.crawl_id)

link_decisions = Table(
    "link_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("crawl_id", String(64), nullable=False),
    Column("article_url", Text, nullable=False),  # the page the link is in
    Column("url", Text, nullable=False),
    Column("anchor", Text),
    Column("sentence", Text),
    Column("followed", Integer, nullable=False),  # 1 followed, 0 not
    Column("reason", Text, nullable=False),  # "kind: signal" of archive.citations.links
)
Index("ix_link_decisions_crawl", link_decisions.c.crawl_id)

discovery_listings = Table(
    "discovery_listings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("crawl_id", String(64), nullable=False),
    Column("source_id", String(64), nullable=False),  # the registry source looked for
    Column("url", Text, nullable=False),  # feed, sitemap or robots.txt
    Column("origin", String(16), nullable=False),  # registry | robots | index (a child sitemap)
    Column("failure", Text),  # null when it listed candidates
    Column("candidates", Integer, nullable=False),
)
Index("ix_discovery_listings_crawl", discovery_listings.c.crawl_id)
