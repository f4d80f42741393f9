"""RFC 3161 time-stamp tokens: the request, the response, and every check of a token.

A token is a CMS ``SignedData`` (RFC 5652) whose content is a ``TSTInfo``: the TSA's word that
a digest (the message imprint) existed at ``genTime``. :func:`check_token` verifies what a
relying party must (RFC 3161 section 2.4.2, RFC 5816): the imprint is the digest expected, the
nonce is the one sent, the signed attributes carry the content type and the digest of the
``TSTInfo``, the signature verifies with the signer's certificate, the ESS signing-certificate
attribute names that certificate, and the certificate is a time-stamping one that leads to a
trusted certificate at ``genTime`` (:mod:`archive.export.certchain`), when trust anchors are
given. ASN.1 is parsed with asn1crypto, signatures are verified with cryptography.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from archive.errors import ProvError
from archive.export.certchain import ChainError, check_chain, subject_of

__all__ = [
    "TimestampError",
    "TimestampToken",
    "check_token",
    "timestamp_request",
    "token_from_response",
]

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TimestampError(ProvError):
    """A time-stamp response or token that does not hold; the message says what broke."""


@dataclass(frozen=True)
class TimestampToken:
    """A checked token: what it says and who signed it."""

    der: bytes  # the TimeStampToken (a CMS ContentInfo), DER
    gen_time: datetime
    serial: int
    policy: str
    hash_algorithm: str
    imprint: bytes
    nonce: int | None
    signer: str  # subject of the TSA certificate
    trusted: bool  # its certificate path reached a trust anchor

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.gen_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "serial": str(self.serial),
            "policy": self.policy,
            "hash_algorithm": self.hash_algorithm,
            "imprint": self.imprint.hex(),
            "signer": self.signer,
        }


def timestamp_request(digest: bytes, nonce: int, algorithm: str = "sha256") -> bytes:
    """A DER ``TimeStampReq`` for DIGEST, asking for the TSA certificate in the token."""
    if algorithm not in _HASHES or len(digest) != hashlib.new(algorithm).digest_size:
        raise TimestampError(f"not a {algorithm} digest: {len(digest)} bytes")
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": algorithm},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return bytes(request.dump())


def token_from_response(data: bytes) -> bytes:
    """The token DER of a ``TimeStampResp``; raises TimestampError with the TSA's status."""
    try:
        response = tsp.TimeStampResp.load(data)
        status = response["status"]
        granted = status["status"].native in ("granted", "granted_with_mods")
    except (ValueError, TypeError) as exc:
        raise TimestampError(f"not a time-stamp response: {exc}") from None
    if not granted:
        texts = status["status_string"].native or []
        failure = status["fail_info"].native
        detail = "; ".join([*texts, *(sorted(failure) if failure else [])])
        raise TimestampError(f"the TSA refused: {status['status'].native} {detail}".strip())
    token = response["time_stamp_token"]
    if not token:
        raise TimestampError("the TSA granted but sent no token")
    return bytes(token.dump())


def _attribute(attributes: Any, name: str) -> Any:
    for attribute in attributes or []:
        if attribute["type"].native == name:
            return attribute["values"][0]
    return None


def _carried_certificates(signed: Any) -> list[x509.Certificate]:
    try:
        return [
            x509.load_der_x509_certificate(c.chosen.dump())
            for c in signed["certificates"] or []
            if c.name == "certificate"
        ]
    except (ValueError, x509.InvalidVersion) as exc:
        raise TimestampError(f"the token carries a damaged certificate: {exc}") from None


def _spki(cert: x509.Certificate) -> bytes:
    try:
        return cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    except ValueError as exc:
        raise TimestampError(f"damaged certificate {subject_of(cert)}: {exc}") from None


def _check_carried_path(
    signer: x509.Certificate,
    carried: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
) -> None:
    """Every certificate the token carries is on its signer's path, each signed by the next,
    the last by itself or (given ANCHORS) by a trust anchor: no byte of them goes unchecked."""
    for cert in carried:
        for anchor in anchors:
            if cert.subject == anchor.subject and _spki(cert) == _spki(anchor) and cert != anchor:
                raise TimestampError(
                    f"the token's copy of the trusted certificate {subject_of(anchor)} differs "
                    "from it"
                )
    path = [signer]
    current = signer
    while True:
        issuer = next(
            (c for c in carried if c not in path and current.issuer == c.subject), None
        )
        if issuer is None:
            if current.issuer == current.subject:
                issuer = current
            elif anchors and current is not signer:
                issuer = next((a for a in anchors if current.issuer == a.subject), current)
            else:
                break
        try:
            current.verify_directly_issued_by(issuer)
        except (InvalidSignature, ValueError, TypeError):
            raise TimestampError(
                f"the token carries a damaged certificate: {subject_of(current)} does not "
                f"verify with the key of {subject_of(issuer)}"
            ) from None
        if issuer is current or issuer not in carried:
            break
        path.append(issuer)
        current = issuer
    strays = [c for c in carried if c not in path]
    if strays:
        raise TimestampError(
            f"the token carries a certificate off its signer's path: {subject_of(strays[0])}"
        )


def _signer_certificate(
    sid: Any, candidates: Sequence[x509.Certificate]
) -> x509.Certificate:
    for cert in candidates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer.public_bytes() == wanted["issuer"].dump()
            ):
                return cert
        else:
            try:
                ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if ski.value.digest == sid.chosen.native:
                return cert
    raise TimestampError("the token does not hold its signer's certificate (none given either)")


def _check_signature(signer_info: Any, cert: x509.Certificate, content: bytes) -> None:
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise TimestampError(f"unsupported digest {digest_name} in the token's signature")
    algorithm = _HASHES[digest_name]()
    attributes = signer_info["signed_attrs"]
    if not attributes:
        raise TimestampError("the token's signature has no signed attributes")
    if _attribute(attributes, "content_type").native != "tst_info":
        raise TimestampError("the token's signed content type is not TSTInfo")
    stated = _attribute(attributes, "message_digest")
    if stated is None or stated.native != hashlib.new(digest_name, content).digest():
        raise TimestampError("the token's TSTInfo does not match its signed message digest")
    signed_bytes = b"\x31" + bytes(attributes.dump())[1:]  # [0] IMPLICIT -> SET OF (RFC 5652 5.4)
    signature = bytes(signer_info["signature"].native)
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            if signer_info["signature_algorithm"].signature_algo == "rsassa_pss":
                pss = padding.PSS(padding.MGF1(algorithm), padding.PSS.DIGEST_LENGTH)
                key.verify(signature, signed_bytes, pss, algorithm)
            else:
                key.verify(signature, signed_bytes, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_bytes, ec.ECDSA(algorithm))
        else:
            raise TimestampError(f"unsupported TSA key type {type(key).__name__}")
    except InvalidSignature:
        raise TimestampError(
            f"the token's signature does not verify with the key of {subject_of(cert)}"
        ) from None
    _check_signing_certificate(attributes, cert)


def _check_signing_certificate(attributes: Any, cert: x509.Certificate) -> None:
    """ESS signing-certificate (v1, SHA-1) or v2: the hash of the certificate that signed."""
    der = cert.public_bytes(Encoding.DER)
    v2 = _attribute(attributes, "signing_certificate_v2")
    if v2 is not None:
        first = v2["certs"][0]
        name = first["hash_algorithm"]["algorithm"].native
        if first["cert_hash"].native != hashlib.new(name, der).digest():
            raise TimestampError("the token's signing-certificate attribute names another cert")
        return
    v1 = _attribute(attributes, "signing_certificate")
    if v1 is None:
        raise TimestampError("the token names no signing certificate (ESS attribute missing)")
    if v1["certs"][0]["cert_hash"].native != hashlib.sha1(der).digest():
        raise TimestampError("the token's signing-certificate attribute names another cert")


def check_token(
    der: bytes,
    digest: bytes,
    *,
    algorithm: str = "sha256",
    nonce: int | None = None,
    anchors: Sequence[x509.Certificate] = (),
    extra_certificates: Sequence[x509.Certificate] = (),
) -> TimestampToken:
    """The checked TimeStampToken DER over DIGEST (see the module docstring); with ANCHORS the
    TSA certificate must lead to one of them. Raises TimestampError naming the first break."""
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            raise TimestampError("the token is not CMS SignedData")
        signed = info["content"]
        encapsulated = signed["encap_content_info"]
        if encapsulated["content_type"].native != "tst_info":
            raise TimestampError("the token does not hold a TSTInfo")
        content = bytes(encapsulated["content"].contents)
        tst = encapsulated["content"].parsed
        imprint = tst["message_imprint"]
        stated_algorithm = imprint["hash_algorithm"]["algorithm"].native
        stated_digest = bytes(imprint["hashed_message"].native)
        gen_time: datetime = tst["gen_time"].native
        serial = int(tst["serial_number"].native)
        policy = str(tst["policy"].native)
        token_nonce = tst["nonce"].native
        signer_info = signed["signer_infos"][0]
        listed = [a["algorithm"].native for a in signed["digest_algorithms"]]
        info.native  # noqa: B018  (parses every part: a damaged one raises here)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise TimestampError(f"not a time-stamp token: {exc}") from None
    if signer_info["digest_algorithm"]["algorithm"].native not in listed:
        raise TimestampError("the token's signer uses a digest its SignedData does not list")
    if stated_algorithm != algorithm or stated_digest != digest:
        raise TimestampError(
            f"the token stamps {stated_algorithm}:{stated_digest.hex()}, "
            f"not {algorithm}:{digest.hex()} (message imprint)"
        )
    if nonce is not None and token_nonce != nonce:
        raise TimestampError(f"the token's nonce {token_nonce} is not the one sent ({nonce})")
    if signed["version"].native != "v3":
        raise TimestampError("the token's SignedData is not version 3 (RFC 5652 5.1)")
    wanted_version = "v1" if signer_info["sid"].name == "issuer_and_serial_number" else "v3"
    if signer_info["version"].native != wanted_version:
        raise TimestampError(f"the token's SignerInfo is not {wanted_version} (RFC 5652 5.3)")
    carried = _carried_certificates(signed)
    cert = _signer_certificate(signer_info["sid"], [*carried, *extra_certificates])
    _check_carried_path(cert, carried, anchors)
    try:
        _check_signature(signer_info, cert, content)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise TimestampError(f"the token's signed attributes are damaged: {exc}") from None
    if anchors:
        try:
            check_chain(cert, [*carried, *extra_certificates], anchors, gen_time)
        except ChainError as exc:
            raise TimestampError(f"TSA certificate not trusted: {exc}") from None
    return TimestampToken(
        der=der,
        gen_time=gen_time,
        serial=serial,
        policy=policy,
        hash_algorithm=stated_algorithm,
        imprint=stated_digest,
        nonce=token_nonce,
        signer=subject_of(cert),
        trusted=bool(anchors),
    )
