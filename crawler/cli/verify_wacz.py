"""``prov verify --wacz FILE``: an evidence package checked offline, the first broken link
named (exit 1), every check listed with ``--json``."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import typer
from cryptography.hazmat.primitives import serialization

from archive.config import ConfigError
from archive.export.tsa import load_anchors
from archive.export.verify import verify_package
from crawler.cli.output import EXIT_OK, EXIT_SOME_FAILED, fail, print_json, stderr, stdout

__all__ = ["key_fingerprints", "verify_wacz"]


def key_fingerprints(keys: Sequence[str]) -> list[str]:
    """SHA-256 fingerprints (hex) of KEYS: PEM files, base64 DER keys or ``sha256:HEX``."""
    found = []
    for given in keys:
        if given.startswith("sha256:"):
            found.append(given.removeprefix("sha256:").lower())
            continue
        path = Path(given).expanduser()
        try:
            if path.is_file():
                public = serialization.load_pem_public_key(path.read_bytes())
                der = public.public_bytes(
                    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            else:
                der = base64.b64decode(given, validate=True)
                serialization.load_der_public_key(der)
        except (OSError, ValueError, binascii.Error):
            fail(f"--key {given[:60]}: not a public key (PEM file, base64 DER or sha256:HEX)")
        found.append(hashlib.sha256(der).hexdigest())
    return found


def verify_wacz(path: Path, certs: Sequence[Path], keys: Sequence[str], as_json: bool) -> NoReturn:
    if not path.is_file():
        fail(f"--wacz {path}: no such file")
    configured = [Path(p) for p in os.environ.get("PROV_TSA_CERTS", "").split(",") if p.strip()]
    try:
        anchors = load_anchors(list(certs) or configured)
    except ConfigError as exc:
        fail(str(exc))
    report = verify_package(path, tsa_anchors=anchors, trusted_keys=key_fingerprints(keys))
    broken = report.broken
    if as_json:
        print_json(report.to_json())
    else:
        for check in report.checks:
            if check.ok:
                stdout.print(f"ok      {check.step}: {check.detail}", markup=False)
            else:
                stdout.print(f"BROKEN  {check.step}: {check.detail}", markup=False)
        when = ", ".join(f"{t['time']} ({t['tsa']})" for t in report.timestamps)
        verdict = "ok" if broken is None else "broken"
        stdout.print(f"{path}: {verdict}; signed by {report.signer or '-'}; "
                     f"time-stamped {when or '-'}", markup=False)
    if broken is not None:
        stderr.print(f"prov: failed: {path.name}: {broken.step}: {broken.detail}", markup=False)
    raise typer.Exit(EXIT_SOME_FAILED if broken is not None else EXIT_OK)
