"""The address policy (archive.egress) as the download handler applies it, before any socket.

On when ``PROV_EGRESS_POLICY`` is set (the citations spider sets it) and ``PROV_ALLOW_PRIVATE``
is not; addresses in ``PROV_ALLOW_NETWORKS`` (CIDRs) pass like public ones. URLs the user named
(``PROV_EGRESS_NAMED``: the article and ``--follow`` URLs of ``prov crawl``, with their sites'
robots.txt) are fetched as they are; every other request (followed links, redirect hops, feeds
and sitemaps, robots.txt of other sites) is checked. Direct connections resolve the host
through ``PROV_RESOLVER`` (a dotted path; default :func:`archive.egress.system_resolver`) once
per crawl, refuse it if any address does not pass, and connect to a checked address, so a
second lookup cannot answer differently. Through a forward proxy only IP literals and
``localhost`` names are checked: the proxy resolves names itself, and resolving them here as
well would hand every host name to the local resolver.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from twisted.internet import error as tx_error
from twisted.internet.threads import deferToThread
from w3lib.url import canonicalize_url

from archive.egress import (
    EgressRefused,
    IPAddress,
    IPNetwork,
    Resolver,
    check_host,
    parse_networks,
)

__all__ = ["EgressPolicy"]

_PORTS = {"http": 80, "https": 443}
HINT = "--allow-private or PROV_ALLOW_PRIVATE=1 fetches it"


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _PORTS.get(scheme, 0)


class EgressPolicy:
    def __init__(
        self, named: Iterable[str], resolver: Resolver, allowed: tuple[IPNetwork, ...] = ()
    ) -> None:
        self.named = {canonicalize_url(u) for u in named}
        self.allowed = allowed
        self.named_origins = {_origin(u) for u in self.named}
        self.resolver = resolver
        self._resolved: dict[tuple[str, int], list[IPAddress] | str | None] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> EgressPolicy | None:
        if not settings.getbool("PROV_EGRESS_POLICY") or settings.getbool("PROV_ALLOW_PRIVATE"):
            return None
        resolver = load_object(settings.get("PROV_RESOLVER") or "archive.egress.system_resolver")
        allowed = parse_networks(settings.get("PROV_ALLOW_NETWORKS") or "")
        return cls(settings.getlist("PROV_EGRESS_NAMED"), resolver, allowed)

    def is_named(self, url: str) -> bool:
        """A URL the user named, or the robots.txt of its site."""
        if canonicalize_url(url) in self.named:
            return True
        return urlsplit(url).path == "/robots.txt" and _origin(url) in self.named_origins

    async def address_for(self, url: str, proxied: bool) -> IPAddress | None:
        """Where to connect for URL: a checked address, or None to connect as usual (a named
        URL; a name the proxy resolves). Raises EgressRefused, or DNSLookupError."""
        if self.is_named(url):
            return None
        _scheme, host, port = _origin(url)
        if proxied:
            try:
                check_host(host, port, None, self.allowed)
            except EgressRefused as exc:
                raise EgressRefused(f"not fetched: {exc}; {HINT}") from None
            return None
        key = (host, port)
        if key not in self._resolved:
            self._resolved[key] = await maybe_deferred_to_future(deferToThread(self._check, key))
        result = self._resolved[key]
        if result is None:
            raise tx_error.DNSLookupError(host)
        if isinstance(result, str):
            raise EgressRefused(result)
        return next((a for a in result if a.version == 4), result[0])

    def _check(self, key: tuple[str, int]) -> list[IPAddress] | str | None:
        """KEY's checked addresses, the refusal's message, or None: no address."""
        try:
            return check_host(*key, self.resolver, self.allowed)
        except EgressRefused as exc:
            return f"not fetched: {exc}; {HINT}"
        except (OSError, ValueError):  # no such host; a resolver answer that is no address
            return None
