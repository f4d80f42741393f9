"""The links inside a package that ``prov verify --wacz`` follows after the hashes and the
signature: index lines to records, pages to records and texts, claims to passages at their
offsets, record proofs to time-stamped Merkle roots. Each returns its problems, one line
each, naming the file and the entry."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography import x509

from archive.export.claims import text_sha256
from archive.export.merkle import leaf_hash, root_from_path
from archive.export.package_records import PackageRecord, WarcScan
from archive.export.rfc3161 import TimestampError, check_token

__all__ = ["check_claims", "check_index", "check_pages", "check_proofs"]


def _records(scans: Mapping[str, WarcScan]) -> dict[str, PackageRecord]:
    return {rid: rec for scan in scans.values() for rid, rec in scan.records.items()}


def check_index(
    package: zipfile.ZipFile, names: Sequence[str], scans: Mapping[str, WarcScan]
) -> list[str]:
    problems = []
    by_file = {name.rsplit("/", 1)[-1]: scan for name, scan in scans.items()}
    if not names:
        return ["the package holds no index (indexes/)"]
    for name in names:
        data = package.read(name)
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
            try:
                fields = json.loads(line.split(" ", 2)[2])
                scan = by_file[fields["filename"]]
                record = scan.by_offset[int(fields["offset"])]
            except (IndexError, ValueError, KeyError):
                problems.append(f"{name} line {number}: points at no record of the package")
                continue
            if record.headers.get("warc-target-uri") != fields.get("url"):
                problems.append(f"{name} line {number}: the record there is not {fields['url']}")
    return problems


def check_pages(package: zipfile.ZipFile, scans: Mapping[str, WarcScan]) -> list[str]:
    records = _records(scans)
    problems = []
    lines = package.read("pages/pages.jsonl").decode("utf-8").splitlines()
    for number, line in enumerate(lines[1:], 2):
        page = json.loads(line)
        where = f"pages/pages.jsonl line {number} ({page.get('url')})"
        record = records.get(page.get("record") or "")
        if page.get("record") and (
            record is None or record.headers.get("warc-target-uri") != page.get("url")
        ):
            problems.append(f"{where}: its record is not in the package")
        text_record = records.get(page.get("text_record") or "")
        if "text" in page and (text_record is None or text_record.text != page["text"]):
            problems.append(f"{where}: its text is not the text record's")
    return problems


def _text_of(
    records: Mapping[str, PackageRecord], text_id: str | None, capture: str | None
) -> str | None:
    """The extracted text of conversion record TEXT_ID, if it refers to CAPTURE."""
    record = records.get(text_id or "")
    if record is None or record.text is None:
        return None
    if capture is not None and record.headers.get("warc-refers-to") != capture:
        return None
    return record.text


def check_claims(document: Mapping[str, Any], scans: Mapping[str, WarcScan]) -> list[str]:
    records = _records(scans)
    problems = []
    for claim in document.get("claims", []):
        where = f"evidence/claims.json claim {claim.get('id')}"
        if text_sha256(str(claim.get("statement"))) != claim.get("statement_sha256"):
            problems.append(f"{where}: the statement is not the one its digest names")
        source = claim.get("source")
        if not source:
            continue
        capture = source.get("capture")
        if capture not in records:
            problems.append(f"{where}: the cited capture {capture} is not in the package")
            continue
        text = _text_of(records, source.get("text_record"), capture)
        if text is None:
            problems.append(f"{where}: no text record of capture {capture} in the package")
            continue
        if text_sha256(text) != source.get("text_sha256"):
            problems.append(f"{where}: the source text is not the one its digest names")
        start, end, passage = source.get("passage_start"), source.get("passage_end"), source.get(
            "passage"
        )
        if not isinstance(start, int) or not isinstance(end, int) or text[start:end] != passage:
            problems.append(
                f"{where}: the passage is not at {start}-{end} of the text of {capture}"
            )
        elif text_sha256(str(passage)) != source.get("passage_sha256"):
            problems.append(f"{where}: the passage is not the one its digest names")
    return problems


def check_proofs(
    document: Mapping[str, Any],
    scans: Mapping[str, WarcScan],
    anchors: Sequence[x509.Certificate],
) -> list[str]:
    records = _records(scans)
    problems: list[str] = []
    stamped: dict[str, str | None] = {}  # root -> problem of its token (None: good)
    for batch in document.get("batches", []):
        stated = str(batch.get("root", ""))
        try:
            der = base64.b64decode(str(batch.get("token")), validate=True)
            check_token(der, bytes.fromhex(stated.removeprefix("sha256:")), anchors=anchors)
            stamped[stated] = None
        except (TimestampError, binascii.Error, ValueError) as exc:
            stamped.setdefault(stated, f"token over {stated} (from {batch.get('tsa')}): {exc}")
    problems.extend(p for p in stamped.values() if p)
    if not anchors and stamped:
        problems.append("no TSA certificate given to check the batch tokens (--tsa-cert)")
    for proof in document.get("records", []):
        where = f"evidence/capture-timestamps.json record {proof.get('record')}"
        record = records.get(proof.get("record") or "")
        if record is None:
            problems.append(f"{where}: not in the package")
            continue
        if record.sha256 != proof.get("record_sha256"):
            problems.append(f"{where}: its SHA-256 is not the one the proof names")
            continue
        try:
            path = [bytes.fromhex(p) for p in proof["path"]]
            root = root_from_path(
                int(proof["leaf_index"]), int(proof["tree_size"]),
                leaf_hash(bytes.fromhex(record.sha256)), path,
            )
        except (KeyError, ValueError, TypeError):
            root = None
        if root is None or f"sha256:{root.hex()}" != proof.get("root"):
            problems.append(f"{where}: its Merkle proof does not lead to {proof.get('root')}")
        elif proof.get("root") not in stamped:
            problems.append(f"{where}: no token over its root {proof.get('root')}")
    return problems
