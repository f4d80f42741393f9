"""The address policy: which hosts prov may open a connection to on its own initiative.

Followed links, redirects and discovery fetches of a crawl (and, later, what ``prov serve``
fetches for others) must stay in public address space. Not public: unspecified (``0.0.0.0/8``,
``::``), loopback (``127.0.0.0/8``, ``::1``), private (``10.0.0.0/8``, ``172.16.0.0/12``,
``192.168.0.0/16``, ``fc00::/7``), link-local (``169.254.0.0/16``, ``fe80::/10``), shared
address space (carrier-grade NAT, ``100.64.0.0/10``), multicast (``224.0.0.0/4``,
``ff00::/8``), and every other range IANA does not mark globally reachable (documentation,
benchmarking, ``240.0.0.0/4``, broadcast ...) as reserved. IPv6 forms that carry an IPv4
address (``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) are judged by it.

:func:`check_host` decides before any socket opens: an IP literal (legacy IPv4 forms such as
``2130706433`` or ``127.1`` included) and ``localhost`` names are judged as they are; any other
name is resolved through a :data:`Resolver` (tests pass a stub) and refused if *any* of its
addresses is not public; the caller then connects to one of the returned, checked addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from archive.errors import ProvError

__all__ = [
    "EgressRefused",
    "IPAddress",
    "IPNetwork",
    "Resolver",
    "check_host",
    "literal_address",
    "non_public_reason",
    "parse_networks",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
"""(host, port) -> the host's addresses as strings; raises ``OSError`` when there are none."""

_NET = ipaddress.ip_network
_CLASSES: tuple[tuple[str, tuple[IPNetwork, ...]], ...] = (
    ("unspecified", (_NET("0.0.0.0/8"), _NET("::/128"))),
    ("loopback", (_NET("127.0.0.0/8"), _NET("::1/128"))),
    ("private", (_NET("10.0.0.0/8"), _NET("172.16.0.0/12"), _NET("192.168.0.0/16"))),
    ("private", (_NET("fc00::/7"),)),
    ("link-local", (_NET("169.254.0.0/16"), _NET("fe80::/10"))),
    ("shared (carrier-grade NAT)", (_NET("100.64.0.0/10"),)),
    ("multicast", (_NET("224.0.0.0/4"), _NET("ff00::/8"))),
)
_NAT64 = _NET("64:ff9b::/96")


class EgressRefused(ProvError):
    """A host outside public address space; the message names the address and its range."""


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """``10.1.0.0/16,fd00::/8`` (comma or space separated) as networks; ValueError names a
    bad one."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"PROV_ALLOW_NETWORKS: {item!r} is not a network (use CIDR: 10.1.0.0/16)"
            ) from None
    return tuple(networks)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def non_public_reason(address: IPAddress) -> str | None:
    """Why ADDRESS is not public (``loopback``, ``private``, ``link-local`` ...), or None."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return non_public_reason(embedded)
    for name, networks in _CLASSES:
        if any(address.version == net.version and address in net for net in networks):
            return name
    return None if address.is_global else "reserved"


def literal_address(host: str) -> IPAddress | None:
    """HOST as an IP address if it is one, in any form a resolver would read as one."""
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))  # 127.1, 0x7f000001, 2130706433
    except OSError:
        return None


def _is_localhost(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")  # RFC 6761: always loopback


def system_resolver(host: str, port: int) -> list[str]:
    """The system's addresses for HOST (``getaddrinfo``, every family)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def check_host(
    host: str, port: int, resolver: Resolver | None, allowed: tuple[IPNetwork, ...] = ()
) -> list[IPAddress]:
    """HOST's checked addresses, or :class:`EgressRefused` if one is neither public nor in
    an ALLOWED network.

    Without RESOLVER (a forward proxy resolves names itself) only IP literals and
    ``localhost`` names are judged, and a name comes back with no address. A resolver's
    ``OSError`` (no such host) propagates.
    """

    def reason(address: IPAddress) -> str | None:
        if any(address.version == net.version and address in net for net in allowed):
            return None
        return non_public_reason(address)

    literal = literal_address(host)
    if literal is None and _is_localhost(host):
        literal = ipaddress.IPv4Address("127.0.0.1")
        if reason(literal):
            raise EgressRefused(f"{host} is not a public address (loopback name)")
    if literal is not None:
        why = reason(literal)
        if why:
            raise EgressRefused(f"{host} is not a public address ({why})")
        return [literal]
    if resolver is None:
        return []
    addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolver(host, port)]
    if not addresses:
        raise OSError(f"no address for {host}")
    for address in addresses:
        why = reason(address)
        if why:
            raise EgressRefused(f"{host} resolves to {address}, not a public address ({why})")
    return addresses
