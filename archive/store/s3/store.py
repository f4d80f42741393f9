"""WARC files in an S3 bucket (``s3://bucket/prefix/NAME``), spooled locally until uploaded.

Index rows hold the final ``s3://`` URI from the moment a record is written. Until its
upload is verified, a file lives in the spool (``$PROV_HOME/spool``) and reads are served
from there; afterwards one record is one ranged ``GetObject``. Whole-file reads
(:meth:`S3Store.open_file`, used by ``prov verify`` and ``prov reindex``) prefer the bucket,
the durable copy, and fall back to the spool for files not uploaded yet.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from archive.config import ConfigError, S3Options
from archive.store.base import StoredFile, StoreError
from archive.store.s3.client import describe, error_code, is_config_error, is_missing, make_client
from archive.warc.file import open_written

__all__ = ["S3Store"]

WARC_SUFFIX = ".warc.gz"


class _BodyReader(io.RawIOBase):
    """A botocore ``StreamingBody`` as a raw binary stream (for io.BufferedReader)."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._body.close()
        super().close()


class S3Store:
    def __init__(self, options: S3Options, spool: Path, client: Any | None = None) -> None:
        self.options = options
        self.bucket = options.bucket
        self.spool = spool
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client()
        return self._client

    def uri_for(self, name: str) -> str:
        return self.options.uri_for(name)

    def key_for(self, name: str) -> str:
        return self.options.key_for(name)

    def _split(self, uri: str) -> tuple[str, str]:
        parts = urlparse(uri)
        if parts.scheme != "s3" or not parts.netloc:
            raise StoreError(f"{uri}: not an s3:// URI")
        return parts.netloc, parts.path.lstrip("/")

    def spool_path(self, uri: str) -> Path | None:
        """Where URI's spool copy is (``NAME``; ``NAME.open`` while written: open it with
        :func:`open_written`), or None if URI is not an object of this store."""
        bucket, key = self._split(uri)
        name = key.rsplit("/", 1)[-1]
        if bucket != self.bucket or self.key_for(name) != key:
            return None
        return self.spool / name

    def read_range(self, uri: str, offset: int, length: int) -> bytes:
        local = self.spool_path(uri)
        data: bytes | None = None
        if local is not None:
            try:
                with open_written(local) as stream:
                    stream.seek(offset)
                    data = stream.read(length)
            except FileNotFoundError:
                data = None  # not in the spool (any more): read the bucket
        if data is None:
            bucket, key = self._split(uri)
            try:
                answer = self.client.get_object(
                    Bucket=bucket, Key=key, Range=f"bytes={offset}-{offset + length - 1}"
                )
                data = answer["Body"].read()
            except Exception as exc:
                if is_missing(exc):
                    raise StoreError(f"{uri}: no such object") from None
                if error_code(exc) == "InvalidRange":
                    raise StoreError(f"{uri}: offset {offset} is past the end") from None
                raise StoreError(f"cannot read {uri}: {describe(exc, bucket)}") from None
        if len(data) != length:
            raise StoreError(f"{uri}: {length} bytes at offset {offset} asked, {len(data)} read")
        return data

    def open_file(self, uri: str) -> IO[bytes]:
        bucket, key = self._split(uri)
        try:
            body = self.client.get_object(Bucket=bucket, Key=key)["Body"]
            return io.BufferedReader(_BodyReader(body), 1 << 20)
        except Exception as exc:
            if not is_missing(exc):
                raise StoreError(f"cannot open {uri}: {describe(exc, bucket)}") from None
        local = self.spool_path(uri)
        if local is None:
            raise StoreError(f"{uri}: no such object (and no spool copy)")
        try:
            return open_written(local)
        except FileNotFoundError:
            raise StoreError(f"{uri}: no such object (and no spool copy)") from None
        except OSError as exc:
            raise StoreError(f"cannot open {local}: {exc.strerror or exc}") from None

    def remote_files(self) -> Iterator[StoredFile]:
        """The WARC objects in the bucket under the prefix (not in sub-prefixes)."""
        prefix = self.key_for("")
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    name = item["Key"][len(prefix) :]
                    if "/" not in name and name.endswith(WARC_SUFFIX):
                        yield StoredFile(name, self.uri_for(name), int(item["Size"]))
        except Exception as exc:
            where = self.uri_for("")
            raise StoreError(f"cannot list {where}: {describe(exc, self.bucket)}") from None

    def spool_files(self) -> list[Path]:
        """Closed WARC files in the spool (waiting for upload, or kept after it)."""
        return sorted(self.spool.glob(f"*{WARC_SUFFIX}"))

    def list_files(self) -> Iterator[StoredFile]:
        seen = set()
        for stored in self.remote_files():
            seen.add(stored.name)
            yield stored
        for path in self.spool_files():
            if path.name not in seen:
                yield StoredFile(path.name, self.uri_for(path.name), path.stat().st_size)

    def preflight(self) -> str | None:
        """Raise ConfigError if the bucket cannot work (missing, refused, no Object Lock);
        return a warning if the endpoint cannot be reached now (uploads will wait)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            if self.options.lock_mode:
                self._check_object_lock()
        except ConfigError:
            raise
        except Exception as exc:
            if is_missing(exc) or error_code(exc) == "NoSuchBucket":
                raise ConfigError(
                    f"S3 bucket {self.bucket!r} does not exist; create it or fix PROV_STORE"
                ) from None
            if error_code(exc) in ("403", "Forbidden"):  # HeadBucket errors have no body
                raise ConfigError(
                    f"S3 refused access to bucket {self.bucket!r}: check AWS_ACCESS_KEY_ID, "
                    "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) and the bucket's permissions"
                ) from None
            if is_config_error(exc):
                raise ConfigError(describe(exc, self.bucket)) from None
            return f"{describe(exc, self.bucket)}; WARCs wait in the spool until it is back"
        return None

    def _check_object_lock(self) -> None:
        try:
            answer = self.client.get_object_lock_configuration(Bucket=self.bucket)
            enabled = answer.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled")
        except Exception as exc:
            code = error_code(exc) or ""
            if "ObjectLockConfiguration" not in code and code not in ("NotImplemented", "501"):
                raise
            enabled = None
        if enabled != "Enabled":
            raise ConfigError(
                f"PROV_S3_OBJECT_LOCK_MODE={self.options.lock_mode}: bucket {self.bucket!r} "
                "does not support Object Lock (it must be created with Object Lock enabled); "
                "use such a bucket or unset PROV_S3_OBJECT_LOCK_MODE"
            )
