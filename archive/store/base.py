"""The store protocol every backend implements, and what it returns and raises."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Protocol

from archive.errors import ProvError

__all__ = ["Store", "StoreError", "StoredFile"]


class StoreError(ProvError, OSError):
    """A stored object is missing or unreadable; the message names it."""


@dataclass(frozen=True)
class StoredFile:
    name: str
    uri: str
    size: int


class Store(Protocol):
    def uri_for(self, name: str) -> str: ...

    def read_range(self, uri: str, offset: int, length: int) -> bytes: ...

    def open_file(self, uri: str) -> IO[bytes]: ...

    def list_files(self) -> Iterator[StoredFile]: ...

    def preflight(self) -> str | None:
        """Raise ``ConfigError`` if the store cannot work at all; a warning if it cannot be
        reached now (writes then wait in the spool)."""
        ...
