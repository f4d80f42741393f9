"""WARC files in a local directory (``file://`` stores)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlparse

from archive.store.base import StoredFile, StoreError
from archive.warc.file import OPEN_SUFFIX, open_written

__all__ = ["LocalStore"]


class LocalStore:
    """WARC files in a local directory. A file still being written is found as ``NAME.open``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def uri_for(self, name: str) -> str:
        return (self.directory / name).as_uri()

    def _path(self, uri: str) -> Path:
        parts = urlparse(uri)
        if parts.scheme != "file":
            raise StoreError(f"{uri}: not a file:// URI")
        return Path(unquote(parts.path))

    def _moved(self, uri: str) -> str:
        """A hint when URI is gone but this store holds a file of its name (a moved PROV_HOME)."""
        name = self._path(uri).name.removesuffix(OPEN_SUFFIX)
        here = self.directory / name
        if here.as_uri() != uri and (here.exists() or here.with_name(name + OPEN_SUFFIX).exists()):
            return f" (the store holds {name} at {here.as_uri()}: run prov reindex)"
        return ""

    def read_range(self, uri: str, offset: int, length: int) -> bytes:
        try:
            with open_written(self._path(uri)) as stream:
                stream.seek(offset)
                data = stream.read(length)
        except OSError as exc:
            reason = exc.strerror or exc
            raise StoreError(f"cannot read {uri}: {reason}{self._moved(uri)}") from None
        if len(data) != length:
            raise StoreError(f"{uri}: {length} bytes at offset {offset} asked, {len(data)} read")
        return data

    def open_file(self, uri: str) -> IO[bytes]:
        try:
            return open_written(self._path(uri))
        except OSError as exc:
            reason = exc.strerror or exc
            raise StoreError(f"cannot open {uri}: {reason}{self._moved(uri)}") from None

    def preflight(self) -> str | None:
        return None  # a local directory is created when the session opens

    def list_files(self) -> Iterator[StoredFile]:
        for path in sorted(self.directory.glob("*.warc.gz")):
            yield StoredFile(path.name, path.as_uri(), path.stat().st_size)
