"""Loaded by every Python process started with this directory on ``PYTHONPATH``: a socket
``connect`` to anything but loopback, and a name lookup of anything but ``localhost`` or an IP
literal, are refused before they reach the kernel and written to the file named by
``PROV_TEST_CONNECT_LOG``, so a test fails (and no packet, DNS query included, leaves the
machine) even if the egress policy under test let a connection through.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from pathlib import Path
from typing import Any

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_real_gethostbyname = socket.gethostbyname


def _allowed(sock: socket.socket, address: Any) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return True  # Unix sockets and the like
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a name: the code under test resolves names itself


def _refuse(address: Any) -> None:
    log = os.environ.get("PROV_TEST_CONNECT_LOG")
    if log:
        with Path(log).open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {address!r}\n")


def _connect(self: socket.socket, address: Any) -> None:
    if not _allowed(self, address):
        _refuse(address)
        raise PermissionError(errno.EACCES, f"test guard: no connection to {address!r}")
    _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    if not _allowed(self, address):
        _refuse(address)
        return errno.EACCES
    return _real_connect_ex(self, address)


def _local_name(host: Any) -> bool:
    if host is None or (isinstance(host, str) and host.lower() == "localhost"):
        return True
    try:
        ipaddress.ip_address(str(host).strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _local_name(host):
        _refuse(("getaddrinfo", host))
        raise socket.gaierror(socket.EAI_NONAME, f"test guard: no lookup of {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _gethostbyname(host: str) -> str:
    if not _local_name(host):
        _refuse(("gethostbyname", host))
        raise socket.gaierror(socket.EAI_NONAME, f"test guard: no lookup of {host!r}")
    return _real_gethostbyname(host)


socket.getaddrinfo = _getaddrinfo
socket.gethostbyname = _gethostbyname
socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
