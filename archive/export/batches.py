"""Trusted time for every capture of a crawl with one TSA call per authority: the records of
the crawl's captures (each primary record and the request and metadata records written with
it) are hashed as stored, their hashes become the leaves of a Merkle tree, each TSA of
``PROV_TSA_URLS`` stamps the root, and each record's inclusion proof is kept in the index
(``record_proofs``), where ``prov export`` finds it."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.config import EvidenceOptions
from archive.export.contents import record_sha256
from archive.export.merkle import inclusion_path, leaf_hash, tree_root
from archive.export.records import RecordReader
from archive.export.tsa import Stamp, stamp_digest
from archive.index.captures import CaptureIndex
from archive.index.stamps import StampIndex
from archive.store.base import Store
from archive.timestamps import Clock, utcnow, warc_date

__all__ = ["BatchResult", "stamp_crawl"]


@dataclass
class BatchResult:
    crawl_id: str
    root: str = ""
    records: int = 0
    stamps: list[Stamp] = field(default_factory=list)


def stamp_crawl(
    index: CaptureIndex,
    store: Store,
    options: EvidenceOptions,
    crawl_id: str,
    clock: Clock = utcnow,
) -> BatchResult:
    """Stamp the Merkle root of CRAWL_ID's records (see the module docstring)."""
    result = BatchResult(crawl_id)
    sizes = {f.uri: f.size for f in store.list_files()}
    reader = RecordReader(store, sizes)
    digests: dict[str, str] = {}
    for capture in index.for_crawl(crawl_id):
        if capture.warc is None or capture.offset is None or capture.length is None:
            continue
        for member in reader.with_concurrent(capture.warc, capture.offset, capture.length):
            digests.setdefault(member.record_id, record_sha256(member.data))
    if not digests:
        return result
    ids = list(digests)
    leaves = [leaf_hash(bytes.fromhex(digests[i])) for i in ids]
    root = tree_root(leaves)
    result.root, result.records = f"sha256:{root.hex()}", len(ids)
    stamps = StampIndex(index.engine)
    stamps.add_proofs(
        [
            {
                "record_id": record_id,
                "record_sha256": digests[record_id],
                "root": result.root,
                "leaf_index": number,
                "tree_size": len(ids),
                "path": [p.hex() for p in inclusion_path(number, leaves)],
                "crawl_id": crawl_id,
            }
            for number, record_id in enumerate(ids)
        ]
    )
    requested = warc_date(clock())
    result.stamps = stamp_digest(root, options)
    stamps.add_tokens(
        [
            {
                "kind": "batch",
                "digest": result.root,
                "crawl_id": crawl_id,
                "tsa": s.tsa,
                "time": s.token.gen_time.isoformat() if s.token else None,
                "serial": str(s.token.serial) if s.token else None,
                "token": s.to_json().get("token"),
                "error": s.error,
                "requested": requested,
            }
            for s in result.stamps
        ]
    )
    return result
