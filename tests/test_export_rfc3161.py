"""RFC 3161 tokens from a real TSA (OpenSSL's ``ts -reply`` on 127.0.0.1), checked on receipt
and offline: right digest and nonce pass; another digest, another nonce, a token of a TSA
nobody trusts, a TSA out of service, and every single flipped byte of a token fail. Merkle
proofs of record batches (RFC 9162) hold for every leaf of trees of every size up to 33."""

from __future__ import annotations

import hashlib

import pytest

from archive.config import EvidenceOptions
from archive.export.certchain import load_certificates
from archive.export.merkle import inclusion_path, leaf_hash, root_from_path, tree_root
from archive.export.rfc3161 import TimestampError, check_token
from archive.export.tsa import ask_tsa, stamp_digest
from tests.servers.tsa import TimestampAuthority

DIGEST = hashlib.sha256(b"datapackage.json bytes").digest()


def test_a_token_over_the_digest_passes_with_the_tsa_certificate(tsa: TimestampAuthority) -> None:
    anchors = load_certificates(tsa.ca_pem.read_bytes())
    token = ask_tsa(tsa.url, DIGEST, anchors=anchors)
    assert token.imprint == DIGEST and token.trusted
    assert "prov test TSA" in token.signer
    assert check_token(token.der, DIGEST, anchors=anchors).serial == token.serial


def test_another_digest_or_nonce_fails(tsa: TimestampAuthority) -> None:
    token = ask_tsa(tsa.url, DIGEST)
    with pytest.raises(TimestampError, match="message imprint"):
        check_token(token.der, hashlib.sha256(b"other").digest())
    with pytest.raises(TimestampError, match="nonce"):
        check_token(token.der, DIGEST, nonce=(token.nonce or 0) + 1)


def test_a_token_of_another_tsa_key_fails(
    tsa: TimestampAuthority, other_tsa: TimestampAuthority
) -> None:
    anchors = load_certificates(tsa.ca_pem.read_bytes())
    foreign = ask_tsa(other_tsa.url, DIGEST)  # a valid token, from a TSA not trusted here
    with pytest.raises(TimestampError, match="not trusted"):
        check_token(foreign.der, DIGEST, anchors=anchors)
    with pytest.raises(TimestampError, match="not trusted"):  # refused on receipt too
        ask_tsa(other_tsa.url, DIGEST, anchors=anchors)


def test_every_flipped_byte_of_a_token_fails(tsa: TimestampAuthority) -> None:
    anchors = load_certificates(tsa.ca_pem.read_bytes())
    der = ask_tsa(tsa.url, DIGEST, anchors=anchors).der
    unnoticed = []
    for position in range(len(der)):
        damaged = bytearray(der)
        damaged[position] ^= 0x01
        try:
            check_token(bytes(damaged), DIGEST, anchors=anchors)
        except TimestampError:
            continue
        unnoticed.append(position)
    assert not unnoticed, f"flips at {unnoticed} of {len(der)} bytes went unnoticed"


def test_a_tsa_out_of_service_is_a_failed_stamp_not_a_lost_one(
    tsa: TimestampAuthority, other_tsa: TimestampAuthority
) -> None:
    options = EvidenceOptions(tsa_urls=(other_tsa.url, tsa.url), tsa_certs=(tsa.ca_pem,))
    other_tsa.down = True
    try:
        stamps = stamp_digest(DIGEST, options)
    finally:
        other_tsa.down = False
    assert [s.tsa for s in stamps] == [other_tsa.url, tsa.url]
    assert stamps[0].token is None and stamps[0].error is not None
    assert "503" in stamps[0].error
    assert stamps[1].token is not None and stamps[1].error is None


@pytest.mark.parametrize("size", range(1, 34))
def test_every_leaf_proves_its_place_and_no_other(size: int) -> None:
    leaves = [leaf_hash(hashlib.sha256(bytes([n])).digest()) for n in range(size)]
    root = tree_root(leaves)
    for index in range(size):
        path = inclusion_path(index, leaves)
        assert root_from_path(index, size, leaves[index], path) == root
        if size > 1:
            assert root_from_path(index, size, leaves[(index + 1) % size], path) != root
            assert root_from_path((index + 1) % size, size, leaves[index], path) != root
