"""The WACZ 1.1.1 container: ``datapackage.json`` (every file with its SHA-256 and size),
``datapackage-digest.json`` (the manifest's hash, its ``signedData`` and, as prov's own
addition beside them, the RFC 3161 ``timestamps`` over that hash), and the ZIP itself (WARCs
stored, not compressed again, so replay can read records by range).

The digest file is the one file no manifest lists (it holds the manifest's hash): what it
adds is checked through the hash it signs and stamps.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DATAPACKAGE",
    "DIGEST_FILE",
    "WACZ_VERSION",
    "PackageFile",
    "datapackage_json",
    "digest_json",
    "file_sha256",
    "write_zip",
]

WACZ_VERSION = "1.1.1"
DATAPACKAGE = "datapackage.json"
DIGEST_FILE = "datapackage-digest.json"
_STORED_SUFFIXES = (".warc.gz", ".cdx.gz", ".warc")


@dataclass(frozen=True)
class PackageFile:
    """A file of the package: its path in the ZIP and where its bytes are on disk."""

    path: str
    source: Path


def file_sha256(path: Path) -> tuple[str, int]:
    """(``sha256:HEX``, size) of the file at PATH, streamed."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return f"sha256:{digest.hexdigest()}", size


def datapackage_json(files: Sequence[PackageFile], fields: dict[str, Any]) -> bytes:
    """The manifest: FIELDS (title, created, software...) and every file's hash and size."""
    resources = []
    for item in files:
        digest, size = file_sha256(item.source)
        resources.append(
            {"name": Path(item.path).name, "path": item.path, "hash": digest, "bytes": size}
        )
    document = {"profile": "data-package", "wacz_version": WACZ_VERSION, **fields}
    document["resources"] = resources
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def digest_json(
    manifest_hash: str, signed: dict[str, Any] | None, timestamps: list[dict[str, Any]]
) -> bytes:
    document: dict[str, Any] = {"path": DATAPACKAGE, "hash": manifest_hash}
    if signed is not None:
        document["signedData"] = signed
    document["timestamps"] = timestamps
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def write_zip(out: Path, files: Sequence[PackageFile], manifest: bytes, digest: bytes) -> None:
    """Write the WACZ to OUT atomically (a temporary name in the same directory, fsynced,
    then renamed), so a failure leaves nothing at OUT."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", allowZip64=True) as package:
            package.writestr(DATAPACKAGE, manifest, compress_type=zipfile.ZIP_DEFLATED)
            package.writestr(DIGEST_FILE, digest, compress_type=zipfile.ZIP_DEFLATED)
            for item in files:
                stored = item.path.endswith(_STORED_SUFFIXES)
                kind = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                package.write(item.source, item.path, compress_type=kind)
        with partial.open("rb") as stream:
            os.fsync(stream.fileno())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
