"""Asking time-stamp authorities (RFC 3161 over HTTP, section 3.4) for tokens over a digest.

Every token is checked on receipt (:func:`archive.export.rfc3161.check_token`: message imprint,
nonce, signature, and the TSA certificate path when ``PROV_TSA_CERTS`` names trust anchors).
Each authority of ``PROV_TSA_URLS`` is asked in turn; one that fails is a :class:`Stamp` with
its error, never dropped, so the caller can record and report it.
"""

from __future__ import annotations

import base64
import secrets
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from archive.config import ConfigError, EvidenceOptions
from archive.errors import error_line
from archive.export.certchain import load_certificates
from archive.export.rfc3161 import (
    TimestampError,
    TimestampToken,
    check_token,
    timestamp_request,
    token_from_response,
)
from archive.urls import split_userinfo

__all__ = ["Stamp", "ask_tsa", "load_anchors", "stamp_digest"]

USER_AGENT = "prov/0.1 (source-provenance archiver; time-stamp client)"
MAX_REPLY = 1 << 20


@dataclass(frozen=True)
class Stamp:
    """What one TSA answered: a checked token, or why there is none."""

    tsa: str  # the URL, without credentials
    token: TimestampToken | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"tsa": self.tsa, "error": self.error}
        if self.token is not None:
            data.update(self.token.to_json())
            data["token"] = base64.b64encode(self.token.der).decode("ascii")
        return data


def load_anchors(paths: Sequence[Path]) -> list[x509.Certificate]:
    """The certificates in PEM (or DER) files PATHS; a bad file is a ConfigError."""
    anchors: list[x509.Certificate] = []
    for path in paths:
        try:
            anchors.extend(load_certificates(path.read_bytes()))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: not a certificate file ({error_line(exc)})") from None
    return anchors


def ask_tsa(
    url: str,
    digest: bytes,
    *,
    anchors: Sequence[x509.Certificate] = (),
    timeout: float = 30.0,
    algorithm: str = "sha256",
) -> TimestampToken:
    """A checked token over DIGEST from the TSA at URL; raises TimestampError saying why not."""
    nonce = secrets.randbits(63)
    plain, userinfo = split_userinfo(url)
    headers = {"Content-Type": "application/timestamp-query", "User-Agent": USER_AGENT}
    if userinfo:
        headers["Authorization"] = "Basic " + base64.b64encode(userinfo.encode()).decode()
    body = timestamp_request(digest, nonce, algorithm)
    request = urllib.request.Request(plain, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # http(s): config
            kind = answer.headers.get_content_type()
            reply = answer.read(MAX_REPLY + 1)
    except urllib.error.HTTPError as exc:
        raise TimestampError(f"HTTP {exc.code} {exc.reason}") from None
    except (OSError, ValueError) as exc:
        raise TimestampError(f"no answer: {error_line(exc)}") from None
    if len(reply) > MAX_REPLY:
        raise TimestampError(f"reply over {MAX_REPLY} bytes")
    if kind not in ("application/timestamp-reply", "application/timestamp-response"):
        raise TimestampError(f"reply is {kind}, not application/timestamp-reply")
    der = token_from_response(reply)
    return check_token(der, digest, algorithm=algorithm, nonce=nonce, anchors=anchors)


def stamp_digest(digest: bytes, options: EvidenceOptions) -> list[Stamp]:
    """A token over DIGEST from every TSA of OPTIONS (one Stamp each, failed or not)."""
    anchors = load_anchors(options.tsa_certs)
    stamps = []
    for url in options.tsa_urls:
        shown = split_userinfo(url)[0]
        try:
            token = ask_tsa(url, digest, anchors=anchors, timeout=options.tsa_timeout)
        except TimestampError as exc:
            stamps.append(Stamp(shown, None, str(exc)))
            continue
        stamps.append(Stamp(shown, token))
    return stamps
