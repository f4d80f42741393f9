"""Where WARC files live, behind one small protocol chosen by URI scheme (pywb's layered lookup:
index row -> (file, offset, length) -> one ranged read of one record).

``file://`` is :class:`LocalStore`; ``s3://`` is :class:`archive.s3_store.S3Store`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import unquote, urlparse

from archive.config import Config
from archive.warc_file import OPEN_SUFFIX


class StoreError(OSError):
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
        path = Path(unquote(parts.path))
        if not path.exists():
            open_path = path.with_name(path.name + OPEN_SUFFIX)
            if open_path.exists():
                return open_path
        return path

    def read_range(self, uri: str, offset: int, length: int) -> bytes:
        try:
            with self._path(uri).open("rb") as stream:
                stream.seek(offset)
                data = stream.read(length)
        except OSError as exc:
            raise StoreError(f"cannot read {uri}: {exc.strerror or exc}") from None
        if len(data) != length:
            raise StoreError(f"{uri}: {length} bytes at offset {offset} asked, {len(data)} read")
        return data

    def open_file(self, uri: str) -> IO[bytes]:
        try:
            return self._path(uri).open("rb")
        except OSError as exc:
            raise StoreError(f"cannot open {uri}: {exc.strerror or exc}") from None

    def list_files(self) -> Iterator[StoredFile]:
        for path in sorted(self.directory.glob("*.warc.gz")):
            yield StoredFile(path.name, path.as_uri(), path.stat().st_size)


def open_store(config: Config) -> Store:
    """The store PROV_STORE names, chosen by URI scheme (``file://`` or ``s3://``)."""
    if config.s3 is not None:
        from archive.s3_store import S3Store  # boto3 loads only for S3 stores

        return S3Store(config.s3, config.warc_dir)
    return LocalStore(config.warc_dir)

