"""The ``signedData`` of a WACZ's ``datapackage-digest.json`` (WACZ Signing and Verification
0.1.0): made with the operator's ECDSA P-256 key, and checked in both of its forms.

*Anonymous* (what prov writes with its own key, as ArchiveWeb.page does): ``hash``,
``created``, ``software``, ``version``, ``signature`` (ECDSA with SHA-256 over the ASCII
``hash`` string, the raw 64-byte ``r || s`` form in base64) and ``publicKey`` (base64 DER
SubjectPublicKeyInfo). A DER-encoded signature is accepted too.

*Domain identity + timestamp* (what an authsign server returns): ``signature`` (DER) by the
key of ``domainCert``, whose subject is ``domain``, and ``timeSignature``, an RFC 3161
response over the ``signature`` string by ``timestampCert``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from archive.errors import ProvError
from archive.export.certchain import ChainError, check_chain, load_certificates, subject_of
from archive.export.rfc3161 import TimestampError, check_token, token_from_response

__all__ = [
    "ANONYMOUS_FIELDS",
    "DOMAIN_FIELDS",
    "SignatureError",
    "SigningKeyError",
    "check_signed_data",
    "create_key",
    "key_fingerprint",
    "load_key",
    "public_key_b64",
    "sign_hash",
]

ANONYMOUS_FIELDS = frozenset({"hash", "created", "software", "version", "signature", "publicKey"})
DOMAIN_FIELDS = frozenset(
    {
        "hash",
        "created",
        "software",
        "version",
        "signature",
        "domain",
        "domainCert",
        "timeSignature",
        "timestampCert",
        "crossSignedCert",
    }
)
SIGNATURE_VERSION = "0.1.0"


class SigningKeyError(ProvError, ValueError):
    """The signing key is missing, unreadable or of the wrong kind; the message says the fix."""


class SignatureError(ProvError):
    """A ``signedData`` that does not hold; the message names what broke."""


def create_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """A new ECDSA P-256 key written to PATH (PKCS #8 PEM, mode 0600); never overwrites."""
    if path.exists():
        raise SigningKeyError(f"{path} exists: prov never replaces a signing key")
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(pem)
        stream.flush()
        os.fsync(stream.fileno())
    return key


def load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyError(
            f"no signing key at {path}: run prov key create (or set PROV_SIGNING_KEY, or "
            "PROV_SIGNING_URL for a signing service)"
        ) from None
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError(f"{path}: not a usable private key ({exc})") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise SigningKeyError(f"{path}: not an ECDSA P-256 key (make one with prov key create)")
    return key


def public_key_b64(key: ec.EllipticCurvePublicKey) -> str:
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def key_fingerprint(public_key_b64_text: str) -> str:
    """SHA-256 of the DER public key, hex: what a third party compares out of band."""
    return hashlib.sha256(base64.b64decode(public_key_b64_text)).hexdigest()


def sign_hash(
    key: ec.EllipticCurvePrivateKey, digest: str, created: str, software: str
) -> dict[str, str]:
    """The anonymous ``signedData`` of DIGEST (``sha256:HEX`` of datapackage.json)."""
    der = key.sign(digest.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return {
        "hash": digest,
        "created": created,
        "software": software,
        "version": SIGNATURE_VERSION,
        "signature": base64.b64encode(raw).decode("ascii"),
        "publicKey": public_key_b64(key.public_key()),
    }


def _b64(value: Any, name: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"signedData.{name} is not base64") from None


def _verify(public_key: Any, signature: bytes, text: str) -> None:
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise SignatureError("the signing key is not an ECDSA key")
    if len(signature) == 64:  # r || s, as WebCrypto signs
        signature = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
    try:
        public_key.verify(signature, text.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        raise SignatureError("signedData.signature does not verify") from None


def check_signed_data(
    signed: dict[str, Any],
    digest: str,
    *,
    trusted_keys: Sequence[str] = (),
    tsa_anchors: Sequence[x509.Certificate] = (),
    domain_anchors: Sequence[x509.Certificate] = (),
) -> str:
    """Check SIGNED over DIGEST; returns who signed (``key sha256:...`` or ``domain NAME``).
    TRUSTED_KEYS (SHA-256 hex fingerprints of public keys): an anonymous signature must be by
    one of them.
    A domain signature's ``timestampCert`` must lead to TSA_ANCHORS and its ``domainCert`` to
    DOMAIN_ANCHORS, when given. Raises SignatureError."""
    if signed.get("hash") != digest:
        raise SignatureError(f"signedData.hash {signed.get('hash')!r} is not {digest}")
    fields = set(signed)
    if "publicKey" in signed:
        if not fields <= ANONYMOUS_FIELDS:
            raise SignatureError(f"signedData has fields the spec does not allow: "
                                 f"{sorted(fields - ANONYMOUS_FIELDS)}")
        raw = _b64(signed["publicKey"], "publicKey")
        try:
            public_key = serialization.load_der_public_key(raw)
        except ValueError:
            raise SignatureError("signedData.publicKey is not a DER public key") from None
        _verify(public_key, _b64(signed.get("signature"), "signature"), digest)
        fingerprint = hashlib.sha256(raw).hexdigest()
        if trusted_keys and fingerprint not in trusted_keys:
            raise SignatureError(f"signed by key sha256:{fingerprint}, not by a key given")
        return f"key sha256:{fingerprint}"
    if not fields <= DOMAIN_FIELDS or "domainCert" not in signed:
        raise SignatureError("signedData is neither an anonymous nor a domain signature")
    return _check_domain(signed, tsa_anchors, domain_anchors)


def _check_domain(
    signed: dict[str, Any],
    tsa_anchors: Sequence[x509.Certificate],
    domain_anchors: Sequence[x509.Certificate],
) -> str:
    try:
        domain_certs = load_certificates(str(signed["domainCert"]).encode("ascii"))
        stamp_certs = load_certificates(str(signed["timestampCert"]).encode("ascii"))
    except (KeyError, ValueError):
        raise SignatureError("signedData certificates are not PEM") from None
    cert = domain_certs[0]
    _verify(cert.public_key(), _b64(signed.get("signature"), "signature"), signed["hash"])
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    if not names or names[0].value != signed.get("domain"):
        raise SignatureError(f"domainCert is for {subject_of(cert)}, not {signed.get('domain')}")
    response = _b64(signed.get("timeSignature"), "timeSignature")
    text = str(signed["signature"]).encode("ascii")
    try:
        token = check_token(
            token_from_response(response),
            hashlib.sha256(text).digest(),
            anchors=tsa_anchors,
            extra_certificates=stamp_certs,
        )
    except TimestampError as exc:
        raise SignatureError(f"signedData.timeSignature: {exc}") from None
    if domain_anchors:
        try:
            check_chain(cert, domain_certs[1:], domain_anchors, token.gen_time, purpose=None)
        except ChainError as exc:
            raise SignatureError(f"domainCert not trusted: {exc}") from None
    created = datetime.fromisoformat(str(signed.get("created")).replace("Z", "+00:00"))
    if created.tzinfo is None:
        created = created.replace(tzinfo=token.gen_time.tzinfo)
    if abs((token.gen_time - created).total_seconds()) > 600:
        raise SignatureError("signedData.created is over 10 minutes from its timeSignature")
    return f"domain {signed.get('domain')}"
