"""Digests in the ``algorithm:value`` form of WARC headers (SHA-1, base32, as pywb expects)."""

from __future__ import annotations

import base64
import hashlib
from typing import Protocol

__all__ = ["Digester", "digest_of"]


class _Hash(Protocol):
    def update(self, data: bytes | bytearray | memoryview, /) -> None: ...
    def digest(self) -> bytes: ...


class Digester:
    """A running digest that prints itself as ``sha1:BASE32``."""

    def __init__(self, algorithm: str = "sha1") -> None:
        self.algorithm = algorithm
        self._hash: _Hash = hashlib.new(algorithm)

    def update(self, data: bytes | bytearray | memoryview) -> None:
        self._hash.update(data)

    def __str__(self) -> str:
        return f"{self.algorithm}:{base64.b32encode(self._hash.digest()).decode('ascii')}"


def digest_of(*parts: bytes | bytearray | memoryview, algorithm: str = "sha1") -> str:
    digester = Digester(algorithm)
    for part in parts:
        digester.update(part)
    return str(digester)
