"""The files of an evidence package, written into a work directory: one WARC of the exact
stored records (each capture's records, the text records, the ``warcinfo`` of every source
file), its CDXJ index, the page list with extracted text, and the proofs of trusted time."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.export.records import Member, RecordReader
from archive.export.selection import is_page
from archive.index.rows import Capture
from archive.warc.indexer import index_warc

__all__ = [
    "CDXJ_PATH",
    "PAGES_PATH",
    "WARC_PATH",
    "WrittenWarc",
    "json_bytes",
    "page_lines",
    "proofs_document",
    "record_sha256",
    "write_cdxj",
    "write_warc",
]

WARC_PATH = "archive/data.warc.gz"
CDXJ_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"


def record_sha256(member: bytes) -> str:
    """SHA-256 (hex) of a record as it reads decompressed: the leaf of a trusted-time batch."""
    return hashlib.sha256(zlib.decompressobj(31).decompress(member)).hexdigest()


@dataclass
class WrittenWarc:
    path: Path
    records: dict[str, int] = field(default_factory=dict)  # record id -> offset in the file
    digests: dict[str, str] = field(default_factory=dict)  # record id -> record_sha256
    sources: set[str] = field(default_factory=set)  # storage URIs read


def write_warc(
    path: Path,
    reader: RecordReader,
    captures: Sequence[Capture],
    texts: Mapping[str, Any],
) -> WrittenWarc:
    """Copy the records of CAPTURES (and of their newest texts) into one WARC at PATH."""
    written = WrittenWarc(path)
    groups: list[list[Member]] = []
    for capture in captures:
        if capture.warc is None or capture.offset is None or capture.length is None:
            continue
        group = reader.with_concurrent(capture.warc, capture.offset, capture.length)
        text = texts.get(capture.record_id or "")
        if text is not None and text["warc"] and text["offset"] is not None:
            group.append(reader.at(text["warc"], text["offset"], text["length"]))
        groups.append(group)
    uris = list(dict.fromkeys(member.uri for group in groups for member in group))
    infos = [info for uri in uris if (info := reader.warcinfo(uri)) is not None]
    position = 0
    with path.open("wb") as stream:
        for member in [*infos, *(m for group in groups for m in group)]:
            if member.record_id in written.records:
                continue
            stream.write(member.data)
            written.records[member.record_id] = position
            written.digests[member.record_id] = record_sha256(member.data)
            position += len(member.data)
    written.sources = set(uris)
    return written


def write_cdxj(warc: Path, path: Path) -> int:
    """The CDXJ of the package's WARC (as pywb and ReplayWeb.page read it), sorted."""
    with warc.open("rb") as stream:
        lines = sorted(r.cdxj for r in index_warc(stream, warc.name, warc.name) if r.cdxj)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def page_lines(
    captures: Sequence[Capture], texts: Mapping[str, Any], title: str
) -> list[dict[str, Any]]:
    """``pages.jsonl``: its header line, then one page per captured 2xx page, with its text."""
    lines: list[dict[str, Any]] = [{"format": "json-pages-1.0", "id": "pages", "title": title}]
    for capture in captures:
        if not is_page(capture) or capture.record_id is None:
            continue
        text = texts.get(capture.record_id)
        page: dict[str, Any] = {
            "id": capture.record_id.strip("<>").removeprefix("urn:uuid:"),
            "url": capture.url,
            "ts": capture.warc_date,
            "title": (text["title"] if text is not None else None) or capture.url,
            "record": capture.record_id,
        }
        if text is not None:
            page["text"] = text["text"] or ""
            page["text_record"] = text["conversion_record_id"]
        lines.append(page)
    return lines


def proofs_document(
    written: WrittenWarc,
    proofs: Mapping[str, list[dict[str, Any]]],
    tokens: Sequence[Mapping[str, Any]],
) -> dict[str, Any] | None:
    """``evidence/capture-timestamps.json``: each record's inclusion proofs and the tokens
    over their batch roots (None when no exported record has one)."""
    records = []
    roots: set[str] = set()
    for record_id, items in proofs.items():
        if record_id not in written.records:
            continue
        for proof in items:
            roots.add(proof["root"])
            records.append(
                {
                    "record": record_id,
                    "record_sha256": proof["record_sha256"],
                    "root": proof["root"],
                    "leaf_index": proof["leaf_index"],
                    "tree_size": proof["tree_size"],
                    "path": proof["path"],
                }
            )
    if not records:
        return None
    batches = [
        {
            "root": token["digest"],
            "crawl_id": token["crawl_id"],
            "tsa": token["tsa"],
            "time": token["time"],
            "token": token["token"],
        }
        for token in tokens
        if token["digest"] in roots
    ]
    return {
        "format": "prov-record-proofs-1",
        "leaf": "SHA-256(0x00 || SHA-256(decompressed record)); nodes SHA-256(0x01 || l || r)",
        "records": records,
        "batches": batches,
    }


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
