"""TLS for archiving: connect to any server (no certificate verification, like other archival
crawlers: an expired or self-signed certificate is evidence to record, not a reason to skip)
and read back what was negotiated."""

from __future__ import annotations

import ipaddress
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from OpenSSL import SSL
from twisted.internet.interfaces import IOpenSSLClientConnectionCreator
from zope.interface import implementer  # type: ignore[import-untyped]

from archive.capture.exchange import TLSInfo

__all__ = ["PermissiveTLSCreator", "permissive_context", "tls_info"]

_OP_LEGACY_SERVER_CONNECT = 0x4


def permissive_context() -> SSL.Context:
    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_verify(SSL.VERIFY_NONE)
    context.set_options(_OP_LEGACY_SERVER_CONNECT)
    return context


@implementer(IOpenSSLClientConnectionCreator)
class PermissiveTLSCreator:
    """Creates client TLS connections with SNI for HOSTNAME and no verification."""

    def __init__(self, hostname: str, context: SSL.Context) -> None:
        self._hostname = hostname
        self._context = context

    def clientConnectionForTLS(self, tlsProtocol: Any) -> SSL.Connection:
        connection = SSL.Connection(self._context, None)
        connection.set_app_data(tlsProtocol)
        try:
            ipaddress.ip_address(self._hostname)
        except ValueError:
            connection.set_tlsext_host_name(self._hostname.encode("idna"))
        connection.set_connect_state()
        return connection


def tls_info(transport: Any) -> TLSInfo | None:
    """What the TLS layer under TRANSPORT negotiated, or None for plain connections."""
    handle = getattr(transport, "getHandle", lambda: None)()
    if not isinstance(handle, SSL.Connection):
        return None
    chain = handle.get_peer_cert_chain() or []
    return TLSInfo(
        version=handle.get_protocol_version_name() or "",
        cipher=handle.get_cipher_name() or "",
        certificate_chain_der=[cert.to_cryptography().public_bytes(Encoding.DER) for cert in chain],
    )
