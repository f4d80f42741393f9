"""Signing through an authsign-compatible service (``PROV_SIGNING_URL``): POST ``{"hash",
"created"}`` with a bearer token, get a domain-identity ``signedData`` back, and check it on
receipt (:func:`archive.export.signing.check_signed_data`) before it goes into a package."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from cryptography import x509

from archive.errors import ProvError, error_line
from archive.export.signing import DOMAIN_FIELDS, SignatureError, check_signed_data
from archive.urls import split_userinfo

__all__ = ["SigningServiceError", "remote_signer"]

USER_AGENT = "prov/0.1 (source-provenance archiver; signing client)"


class SigningServiceError(ProvError):
    """The signing service did not sign, or signed something that does not hold."""


def remote_signer(
    url: str,
    token: str | None,
    *,
    timeout: float = 30.0,
    tsa_anchors: Sequence[x509.Certificate] = (),
) -> Callable[[str, str], dict[str, Any]]:
    """A signer (hash, created) -> signedData asking the service at URL."""
    shown = split_userinfo(url)[0]

    def sign(digest: str, created: str) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if token:
            headers["Authorization"] = f"bearer {token}"
        body = json.dumps({"hash": digest, "created": created}).encode()
        request = urllib.request.Request(shown, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # config URL
                signed = json.loads(answer.read(1 << 20))
        except urllib.error.HTTPError as exc:
            raise SigningServiceError(f"{shown}: HTTP {exc.code} {exc.reason}") from None
        except (OSError, ValueError) as exc:
            raise SigningServiceError(f"{shown}: {error_line(exc)}") from None
        if not isinstance(signed, dict):
            raise SigningServiceError(f"{shown}: the answer is not a signedData object")
        signed = {k: v for k, v in signed.items() if k in DOMAIN_FIELDS and v is not None}
        if signed.get("created") != created:
            raise SigningServiceError(
                f"{shown}: signed for {signed.get('created')!r}, not {created!r}"
            )
        try:
            check_signed_data(signed, digest, tsa_anchors=tsa_anchors)
        except SignatureError as exc:
            raise SigningServiceError(f"{shown}: {exc}") from None
        return signed

    return sign
