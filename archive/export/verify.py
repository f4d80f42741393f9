"""``prov verify --wacz FILE``: every link of an evidence package checked offline, in order.

files (each one's SHA-256 and size against ``datapackage.json``, nothing unlisted) ->
manifest (its hash in ``datapackage-digest.json``) -> signature -> timestamps (each token
over the manifest's hash, from a TSA whose certificate leads to one given) -> records (block
and payload digests of every WARC record) -> index (every CDXJ line at a record of its URL)
-> pages (their records and texts) -> claims (each passage at its offsets in the extracted
text of the cited record, the text record referring to that capture) -> capture timestamps
(each record's Merkle proof up to a time-stamped root). The first failure is the broken link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509

from archive.export.package_records import WarcScan, scan_warc
from archive.export.rfc3161 import TimestampError, check_token
from archive.export.signing import SignatureError, check_signed_data
from archive.export.verify_links import check_claims, check_index, check_pages, check_proofs
from archive.export.wacz import DATAPACKAGE, DIGEST_FILE

__all__ = ["Check", "PackageReport", "verify_package"]

STEPS = ("files", "manifest", "signature", "timestamps", "records", "index", "pages",
         "claims", "capture timestamps")


@dataclass
class Check:
    step: str
    ok: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "ok": self.ok, "detail": self.detail}


@dataclass
class PackageReport:
    path: Path
    checks: list[Check] = field(default_factory=list)
    signer: str | None = None
    timestamps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def broken(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)

    def add(self, step: str, problems: Sequence[str], ok_detail: str) -> bool:
        for problem in problems:
            self.checks.append(Check(step, False, problem))
        if not problems:
            self.checks.append(Check(step, True, ok_detail))
        return not problems

    def to_json(self) -> dict[str, Any]:
        broken = self.broken
        return {
            "wacz": str(self.path),
            "result": "ok" if broken is None else "broken",
            "broken": None if broken is None else broken.to_json(),
            "signer": self.signer,
            "timestamps": self.timestamps,
            "checks": [c.to_json() for c in self.checks],
        }


def _read_json(package: zipfile.ZipFile, name: str) -> Any:
    return json.loads(package.read(name).decode("utf-8"))


def _check_files(package: zipfile.ZipFile, manifest: dict[str, Any]) -> list[str]:
    problems = []
    listed = {r.get("path"): r for r in manifest.get("resources", [])}
    for name in package.namelist():
        if name not in listed and name not in (DATAPACKAGE, DIGEST_FILE) and not name.endswith("/"):
            problems.append(f"{name}: in the package but not listed in {DATAPACKAGE}")
    for path, resource in listed.items():
        digest = hashlib.sha256()
        size = 0
        try:
            with package.open(str(path)) as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
                    size += len(chunk)
        except KeyError:
            problems.append(f"{path}: listed in {DATAPACKAGE} but missing")
            continue
        except (zipfile.BadZipFile, OSError) as exc:
            problems.append(f"{path}: damaged in the ZIP ({exc})")
            continue
        if f"sha256:{digest.hexdigest()}" != resource.get("hash") or size != resource.get("bytes"):
            problems.append(f"{path}: its SHA-256 or size is not the one {DATAPACKAGE} lists")
    return problems


def _check_timestamps(
    report: PackageReport, tokens: list[dict[str, Any]], digest: bytes,
    anchors: Sequence[x509.Certificate],
) -> list[str]:
    if not tokens:
        return ["the package holds no timestamp token"]
    if not anchors:
        return ["no TSA certificate given to check the tokens against (--tsa-cert)"]
    problems = []
    for number, item in enumerate(tokens, 1):
        name = f"timestamp token {number} (from {item.get('tsa')})"
        try:
            token = check_token(base64.b64decode(str(item.get("token")), validate=True),
                                digest, anchors=anchors)
        except (TimestampError, binascii.Error, ValueError) as exc:
            problems.append(f"{name}: {exc}")
            continue
        report.timestamps.append({"tsa": item.get("tsa"), **token.to_json()})
    return problems


def verify_package(
    path: Path,
    *,
    tsa_anchors: Sequence[x509.Certificate] = (),
    trusted_keys: Sequence[str] = (),
) -> PackageReport:
    """Check the WACZ at PATH (see the module docstring)."""
    report = PackageReport(path)
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        report.add("files", [f"{path.name}: not a ZIP file ({exc})"], "")
        return report
    with package:
        try:
            manifest = _read_json(package, DATAPACKAGE)
            digest_doc = _read_json(package, DIGEST_FILE)
        except (KeyError, ValueError, zipfile.BadZipFile) as exc:
            report.add("files", [f"{DATAPACKAGE} or {DIGEST_FILE} unreadable ({exc})"], "")
            return report
        report.add("files", _check_files(package, manifest),
                   f"{len(manifest.get('resources', []))} files match {DATAPACKAGE}")
        raw = package.read(DATAPACKAGE)
        manifest_digest = hashlib.sha256(raw).digest()
        manifest_hash = "sha256:" + manifest_digest.hex()
        report.add("manifest", [] if digest_doc.get("hash") == manifest_hash else
                   [f"{DIGEST_FILE}: its hash is not the SHA-256 of {DATAPACKAGE}"], manifest_hash)
        problems = []
        signed = digest_doc.get("signedData")
        if not isinstance(signed, dict):
            problems.append(f"{DIGEST_FILE}: no signedData")
        else:
            try:
                report.signer = check_signed_data(
                    signed, manifest_hash, trusted_keys=trusted_keys, tsa_anchors=tsa_anchors
                )
            except SignatureError as exc:
                problems.append(f"signature: {exc}")
            if signed.get("created") != manifest.get("created"):
                problems.append("signature: signedData.created is not the package's created")
        report.add("signature", problems, report.signer or "")
        report.add("timestamps",
                   _check_timestamps(report, list(digest_doc.get("timestamps") or []),
                                     manifest_digest, tsa_anchors),
                   f"{len(report.timestamps)} tokens")
        scans: dict[str, WarcScan] = {}
        for name in package.namelist():
            if name.startswith("archive/") and name.endswith((".warc.gz", ".warc")):
                with package.open(name) as stream:
                    scans[name] = scan_warc(stream, name)
        report.add("records", [p for s in scans.values() for p in s.problems] or
                   ([] if scans else ["the package holds no WARC"]),
                   f"{sum(len(s.records) for s in scans.values())} records")
        _check_links(report, package, scans, tsa_anchors)
    return report


def _check_links(
    report: PackageReport, package: zipfile.ZipFile, scans: dict[str, WarcScan],
    anchors: Sequence[x509.Certificate],
) -> None:
    names = set(package.namelist())
    indexes = [n for n in names if n.startswith("indexes/")]
    report.add("index", check_index(package, indexes, scans), f"{len(indexes)} index files")
    report.add("pages", check_pages(package, scans), "pages at their records")
    if "evidence/claims.json" in names:
        report.add("claims", check_claims(_read_json(package, "evidence/claims.json"), scans),
                   "every passage at its offsets")
    if "evidence/capture-timestamps.json" in names:
        document = _read_json(package, "evidence/capture-timestamps.json")
        report.add("capture timestamps", check_proofs(document, scans, anchors),
                   f"{len(document.get('records', []))} record proofs")
