"""Certificate paths: from a signer's certificate up to one the verifier trusts.

Path building is the plain walk of RFC 5280 section 6 for the few certificates a timestamp
token or a signing service carries: each certificate must be signed by the next (its issuer
among the given intermediates or the trust anchors), every issuer must be a CA, and every
certificate must be valid at the moment that matters (a token's ``genTime``). Revocation is
not checked (offline verification has no CRL or OCSP to ask).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from archive.errors import ProvError

__all__ = [
    "ChainError",
    "check_chain",
    "fingerprint",
    "load_certificates",
    "subject_of",
]

MAX_DEPTH = 8
_PURPOSES = {ExtendedKeyUsageOID.TIME_STAMPING: "time-stamping"}


class ChainError(ProvError):
    """A certificate path does not lead to a trusted certificate; the message says where."""


def subject_of(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, in hex (what ``openssl x509 -fingerprint`` prints)."""
    return cert.fingerprint(hashes.SHA256()).hex()


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle, or the one DER certificate DATA holds."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _valid_at(cert: x509.Certificate, moment: datetime) -> bool:
    return cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc


def _has_purpose(cert: x509.Certificate, purpose: x509.ObjectIdentifier) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return purpose in list(usage)


def check_chain(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    moment: datetime,
    *,
    purpose: x509.ObjectIdentifier | None = ExtendedKeyUsageOID.TIME_STAMPING,
) -> list[x509.Certificate]:
    """The path from LEAF to a trust anchor (LEAF first), every certificate valid at MOMENT
    and LEAF carrying the extended key usage PURPOSE; raises ChainError naming the break."""
    if purpose is not None and not _has_purpose(leaf, purpose):
        what = _PURPOSES.get(purpose, purpose.dotted_string)
        raise ChainError(f"certificate {subject_of(leaf)} is not a {what} certificate")
    path = [leaf]
    current = leaf
    for _ in range(MAX_DEPTH):
        if not _valid_at(current, moment):
            start, end = current.not_valid_before_utc, current.not_valid_after_utc
            raise ChainError(
                f"certificate {subject_of(current)} was not valid at {moment.isoformat()} "
                f"({start:%Y-%m-%d} to {end:%Y-%m-%d})"
            )
        if any(current == anchor for anchor in anchors):
            return path
        trusted = next((a for a in anchors if _issued_by(current, a)), None)
        if trusted is not None:
            if not _valid_at(trusted, moment):
                raise ChainError(
                    f"trusted certificate {subject_of(trusted)} was not valid at "
                    f"{moment.isoformat()}"
                )
            return [*path, trusted]
        issuer = next(
            (c for c in intermediates if c != current and _issued_by(current, c)), None
        )
        if issuer is None:
            raise ChainError(
                f"certificate {subject_of(current)} (issuer {current.issuer.rfc4514_string()}) "
                "does not lead to a trusted certificate"
            )
        if not _is_ca(issuer):
            raise ChainError(f"issuer {subject_of(issuer)} is not a CA certificate")
        path.append(issuer)
        current = issuer
    raise ChainError(f"certificate path longer than {MAX_DEPTH} from {subject_of(leaf)}")
