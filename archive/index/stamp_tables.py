"""Tables of trusted time: RFC 3161 tokens (over packages and over batches of captures) and
each captured record's place in the Merkle tree of its batch."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from archive.index.schema import metadata

__all__ = ["record_proofs", "timestamp_tokens"]

timestamp_tokens = Table(
    "timestamp_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # package | batch
    Column("digest", String(80), nullable=False),  # sha256:HEX stamped (datapackage.json, root)
    Column("crawl_id", String(64)),  # batches: the crawl whose captures they cover
    Column("package", Text),  # packages: the file written
    Column("tsa", Text, nullable=False),  # URL without credentials
    Column("time", String(32)),  # genTime, ISO 8601 (null when the TSA failed)
    Column("serial", String(64)),
    Column("token", Text),  # base64 DER TimeStampToken
    Column("error", Text),  # why there is no token
    Column("requested", String(32), nullable=False),
)
Index("ix_timestamp_tokens_digest", timestamp_tokens.c.digest)

record_proofs = Table(
    "record_proofs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(64), nullable=False),
    Column("record_sha256", String(64), nullable=False),  # of the decompressed record
    Column("root", String(80), nullable=False),  # sha256:HEX of the batch's tree
    Column("leaf_index", Integer, nullable=False),
    Column("tree_size", Integer, nullable=False),
    Column("path", Text, nullable=False),  # JSON list of hex sibling hashes
    Column("crawl_id", String(64)),
)
Index("ix_record_proofs_record", record_proofs.c.record_id)
