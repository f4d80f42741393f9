"""A resolver for crawl tests (``PROV_RESOLVER = "tests.egress_stub.resolve"``): fixed answers
for made-up names, and "no such host" for every other name, so no DNS query leaves the machine.
"""

from __future__ import annotations

import socket

HOSTS = {
    "intranet.egress.test": ["10.20.30.40"],
    "wiki.egress.test": ["172.16.5.5"],
    "nas.egress.test": ["192.168.1.20"],
    "metadata.egress.test": ["169.254.169.254"],
    "cgnat.egress.test": ["100.64.7.7"],
    "ula.egress.test": ["fd00::7"],
    "mixed.egress.test": ["93.184.216.34", "192.168.1.21"],  # one public, one private
    "public.egress.test": ["93.184.216.34", "2606:2800:220:1::248"],
    "pinned.egress.test": ["127.0.0.1"],  # for crawls with PROV_ALLOW_NETWORKS=127.0.0.0/8
}


def resolve(host: str, port: int) -> list[str]:
    """HOSTS' answer for HOST; PORT is not used."""
    try:
        return list(HOSTS[host.lower()])
    except KeyError:
        raise socket.gaierror(socket.EAI_NONAME, f"stub resolver: no such host {host}") from None
