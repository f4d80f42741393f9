"""``prov export``: select captures, copy their exact records, add texts, claims and proofs,
sign the manifest's hash and have it time-stamped, then write the WACZ in one rename.

Every TSA answer is recorded in the index (``timestamp_tokens``), a token or why there is
none; the package holds the granted tokens. Problems that do not stop the export (a TSA
down, a claim whose passage is no longer in the newest text) are returned, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.citations.lookup import citation_graph
from archive.citations.provo import graph_to_provo
from archive.config import EvidenceOptions
from archive.export.claims import claim_evidence
from archive.export.contents import (
    CDXJ_PATH,
    PAGES_PATH,
    WARC_PATH,
    json_bytes,
    page_lines,
    proofs_document,
    write_cdxj,
    write_warc,
)
from archive.export.records import RecordReader
from archive.export.selection import Selection, Selector, is_page, select_captures
from archive.export.tsa import Stamp, stamp_digest
from archive.export.wacz import PackageFile, datapackage_json, digest_json, write_zip
from archive.index.captures import CaptureIndex
from archive.index.rows import Capture, redirect_chain
from archive.index.stamps import StampIndex
from archive.index.texts import TextIndex
from archive.store.base import Store
from archive.timestamps import Clock, utcnow, warc_date

__all__ = ["ExportResult", "Signer", "export_package"]

Signer = Callable[[str, str], dict[str, Any]]  # (sha256:HEX, created) -> signedData


@dataclass
class ExportResult:
    path: Path
    manifest_hash: str
    created: str
    captures: int = 0
    records: int = 0
    pages: int = 0
    claims: int = 0
    signed_by: str = ""
    stamps: list[Stamp] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    size: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "wacz": str(self.path),
            "datapackage_hash": self.manifest_hash,
            "created": self.created,
            "captures": self.captures,
            "records": self.records,
            "pages": self.pages,
            "claims": self.claims,
            "public_key": self.signed_by,
            "timestamps": [s.to_json() for s in self.stamps],
            "problems": self.problems,
            "bytes": self.size,
        }


def _article_capture(selection: Selection, article: str) -> Capture | None:
    chain = redirect_chain(selection.captures, article, seed=True)
    return chain[-1] if chain else None


def _evidence_files(
    index: CaptureIndex, selector: Selector, selection: Selection, work: Path
) -> tuple[list[PackageFile], list[str], list[str], int]:
    """(files, capture record ids still needed, problems, claims) of an article export."""
    assert selector.article is not None
    graph = citation_graph(index, selector.article, selection.crawl_id)
    article = _article_capture(selection, selector.article)
    wanted = [c.get("matched_capture") for c in graph["claims"]]
    ids = [i for i in [article.record_id if article else None, *wanted] if i]
    texts = TextIndex(index.engine).newest_for_captures(ids)
    evidence = claim_evidence(graph, texts, article.record_id if article else None)
    folder = work / "evidence"
    folder.mkdir()
    documents = {
        "citations.json": graph,
        "claims.json": evidence.document,
        "provenance.jsonld": graph_to_provo(graph),
    }
    files = []
    for name, document in documents.items():
        (folder / name).write_bytes(json_bytes(document))
        files.append(PackageFile(f"evidence/{name}", folder / name))
    return files, evidence.needed, evidence.problems, len(graph["claims"])


def export_package(
    index: CaptureIndex,
    store: Store,
    options: EvidenceOptions,
    selector: Selector,
    out: Path,
    signer: Signer,
    software: str,
    clock: Clock = utcnow,
) -> ExportResult:
    """Write the evidence package of SELECTOR to OUT (see the module docstring)."""
    selection = select_captures(index, selector)
    moment = clock()
    created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    work = Path(tempfile.mkdtemp(prefix=".prov-export-", dir=out.parent))
    try:
        files: list[PackageFile] = []
        problems: list[str] = []
        claims = 0
        if selector.article:
            files, needed, problems, claims = _evidence_files(index, selector, selection, work)
            have = {c.record_id for c in selection.captures}
            missing = [i for i in needed if i not in have]
            selection.captures.extend(index.by_record_ids(missing))
        captures = selection.captures
        texts = TextIndex(index.engine).newest_for_captures(
            [c.record_id for c in captures if c.record_id]
        )
        sizes = {f.uri: f.size for f in store.list_files()}
        (work / "archive").mkdir()
        written = write_warc(work / WARC_PATH, RecordReader(store, sizes), captures, texts)
        (work / "indexes").mkdir()
        write_cdxj(work / WARC_PATH, work / CDXJ_PATH)
        (work / "pages").mkdir()
        title = _title(selector)
        pages = page_lines(captures, texts, title)
        (work / PAGES_PATH).write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages), encoding="utf-8"
        )
        stamps_index = StampIndex(index.engine)
        proofs = stamps_index.proofs_for(written.records)
        roots = {p["root"] for items in proofs.values() for p in items}
        proved = proofs_document(written, proofs, stamps_index.tokens_for(roots))
        if proved is not None:
            (work / "evidence").mkdir(exist_ok=True)
            (work / "evidence/capture-timestamps.json").write_bytes(json_bytes(proved))
            files.append(PackageFile("evidence/capture-timestamps.json",
                                     work / "evidence/capture-timestamps.json"))
        files = [
            PackageFile(WARC_PATH, work / WARC_PATH),
            PackageFile(CDXJ_PATH, work / CDXJ_PATH),
            PackageFile(PAGES_PATH, work / PAGES_PATH),
            *files,
        ]
        main = next((c for c in captures if is_page(c)), None)
        fields: dict[str, Any] = {
            "title": title,
            "description": "Evidence package of prov: captures as stored (WARC), extracted "
            "texts, and for an article its claims and citation graph.",
            "created": created,
            "modified": created,
            "software": software,
            "prov": {"selector": selector.to_json(), "crawl_id": selection.crawl_id},
        }
        if main is not None:
            fields.update(mainPageUrl=main.url, mainPageDate=main.warc_date)
        manifest = datapackage_json(files, fields)
        manifest_hash = "sha256:" + hashlib.sha256(manifest).hexdigest()
        signed = signer(manifest_hash, created)
        stamps = stamp_digest(hashlib.sha256(manifest).digest(), options)
        granted = [s.to_json() for s in stamps if s.token is not None]
        for item in granted:
            item.pop("error", None)
        write_zip(out, files, manifest, digest_json(manifest_hash, signed, granted))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stamps_index.add_tokens(
        [
            {
                "kind": "package",
                "digest": manifest_hash,
                "package": str(out),
                "tsa": s.tsa,
                "time": s.token.gen_time.isoformat() if s.token else None,
                "serial": str(s.token.serial) if s.token else None,
                "token": s.to_json().get("token"),
                "error": s.error,
                "requested": warc_date(moment),
            }
            for s in stamps
        ]
    )
    result = ExportResult(out, manifest_hash, created, problems=problems, claims=claims)
    result.captures = len(captures)
    result.records = len(written.records)
    result.pages = len(pages) - 1
    result.stamps = stamps
    result.signed_by = str(signed.get("publicKey") or signed.get("domain") or "")
    result.size = out.stat().st_size
    return result


def _title(selector: Selector) -> str:
    if selector.article:
        return f"Evidence: {selector.article} and the sources it cites"
    if selector.crawl_id:
        return f"Evidence: crawl {selector.crawl_id}"
    if selector.since:
        return f"Evidence: captures since {selector.since}"
    return "Evidence: " + ", ".join(selector.urls[:3]) + (" ..." if len(selector.urls) > 3 else "")
