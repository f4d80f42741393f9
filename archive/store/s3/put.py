"""Put one local file into S3 exactly once, with a SHA-256 checksum checked before and after.

* The file is digested first (whole-file SHA-256, and the SHA-256 of each part when it is
  larger than the part size). S3 checks every part (or the single PUT) against the checksum
  sent with it and refuses bytes that do not match (``BadDigest``).
* An existing key is never overwritten: the key is looked up first and the PUT (or the
  multipart completion) is conditional (``If-None-Match: *``). A key that is already there
  with the same bytes counts as uploaded (an earlier run got that far); with other bytes
  it is a conflict (:class:`ObjectExists`), left alone.
* After the upload the object's stored checksum (``HeadObject`` with ``ChecksumMode``) and
  size must be the expected ones; a server that keeps no checksum has the object read back
  and hashed instead.

boto3's managed transfer (``upload_file``) can neither make the completion conditional nor
send a whole-file SHA-256, so the multipart API is driven here directly, with the thresholds
and concurrency of a :class:`boto3.s3.transfer.TransferConfig`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from archive.errors import ProvError
from archive.store.s3.client import error_code, is_missing

__all__ = [
    "FileDigests",
    "ObjectExists",
    "PutResult",
    "UploadMismatch",
    "VerifiedPut",
    "b64",
    "digest_file",
]

logger = logging.getLogger(__name__)
MAX_PARTS = 10_000
_READ = 1 << 20


class ObjectExists(ProvError):
    """The key holds other bytes; it was not overwritten."""


class UploadMismatch(ProvError):
    """The object stored does not have the checksum or size of the file sent."""


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class FileDigests:
    size: int
    sha256: bytes
    part_size: int
    parts: list[bytes] = field(default_factory=list)  # per-part SHA-256, when multipart

    @property
    def multipart(self) -> bool:
        return bool(self.parts)

    @property
    def checksum(self) -> str:
        """The ``ChecksumSHA256`` S3 reports: whole-file, or composite ``b64(sha(parts))-N``."""
        if not self.parts:
            return b64(self.sha256)
        return f"{b64(hashlib.sha256(b''.join(self.parts)).digest())}-{len(self.parts)}"


def digest_file(path: Path, part_size: int) -> FileDigests:
    """One pass over PATH: its SHA-256, and its parts' when it is larger than PART_SIZE."""
    size = path.stat().st_size
    multipart = size > part_size
    if multipart and -(-size // part_size) > MAX_PARTS:
        part_size = -(-size // MAX_PARTS)
    whole = hashlib.sha256()
    parts: list[bytes] = []
    with path.open("rb") as stream:
        while True:
            part = hashlib.sha256()
            left = part_size
            while left:
                data = stream.read(min(_READ, left))
                if not data:
                    break
                whole.update(data)
                part.update(data)
                left -= len(data)
            if left == part_size:
                break
            parts.append(part.digest())
            if left:
                break
    return FileDigests(size, whole.digest(), part_size, parts if multipart else [])


@dataclass(frozen=True)
class PutResult:
    key: str
    size: int
    checksum: str
    already_there: bool = False


class VerifiedPut:
    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        part_size: int,
        max_concurrency: int = 4,
        lock_mode: str | None = None,
        lock_days: int = 0,
    ) -> None:
        from boto3.s3.transfer import TransferConfig

        self.client = client
        self.bucket = bucket
        self.transfer = TransferConfig(
            multipart_threshold=part_size,
            multipart_chunksize=part_size,
            max_concurrency=max_concurrency,
        )
        self.lock_mode = lock_mode
        self.lock_days = lock_days
        self._conditional = True  # turned off if the server rejects If-None-Match

    def _lock_args(self) -> dict[str, Any]:
        if not self.lock_mode:
            return {}
        until = datetime.now(UTC) + timedelta(days=self.lock_days)
        return {"ObjectLockMode": self.lock_mode, "ObjectLockRetainUntilDate": until}

    def put_file(self, path: Path, key: str) -> PutResult:
        digests = digest_file(path, self.transfer.multipart_chunksize)
        if self._stored_matches(key, digests):
            return PutResult(key, digests.size, digests.checksum, already_there=True)
        try:
            self._upload(path, key, digests)
        except Exception as exc:
            code = error_code(exc)
            if code in ("NotImplemented", "501") and self._conditional:
                self._conditional = False  # looked up just before: put without the condition
                return self.put_file(path, key)
            if code not in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                raise
            # another process put it between our look-up and our PUT
            if not self._stored_matches(key, digests):
                raise ObjectExists(f"s3://{self.bucket}/{key} appeared meanwhile") from None
            return PutResult(key, digests.size, digests.checksum, already_there=True)
        if not self.matches(key, digests):
            raise UploadMismatch(
                f"s3://{self.bucket}/{key}: stored object does not match the file sent"
            )
        return PutResult(key, digests.size, digests.checksum)

    def _stored_matches(self, key: str, digests: FileDigests) -> bool:
        """False if KEY is absent, True if it holds these bytes; raises ObjectExists else."""
        try:
            if self.matches(key, digests):
                return True
        except Exception as exc:
            if is_missing(exc):
                return False
            raise
        raise ObjectExists(
            f"s3://{self.bucket}/{key} already exists with other content; not overwritten "
            "(the local copy stays in the spool)"
        )

    def matches(self, key: str, digests: FileDigests) -> bool:
        """Does KEY hold exactly the digested bytes? Raises if it is missing."""
        head = self.client.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        if int(head["ContentLength"]) != digests.size:
            return False
        stored = head.get("ChecksumSHA256")
        if stored == digests.checksum or (stored and stored == b64(digests.sha256)):
            return True
        return self.reread_sha256(key) == digests.sha256

    def reread_sha256(self, key: str) -> bytes:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        digest = hashlib.sha256()
        try:
            for chunk in body.iter_chunks(_READ):
                digest.update(chunk)
        finally:
            body.close()
        return digest.digest()

    def _condition(self) -> dict[str, str]:
        return {"IfNoneMatch": "*"} if self._conditional else {}

    def _upload(self, path: Path, key: str, digests: FileDigests) -> None:
        if not digests.multipart:
            with path.open("rb") as body:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=body,
                    ContentLength=digests.size,
                    ChecksumSHA256=b64(digests.sha256),
                    **self._condition(),
                    **self._lock_args(),
                )
            return
        upload_id = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ChecksumAlgorithm="SHA256", **self._lock_args()
        )["UploadId"]
        try:
            parts = self._upload_parts(path, key, upload_id, digests)
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
                **self._condition(),
            )
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            except Exception as abort_exc:  # likely down; lifecycle rules expire leftovers
                logger.warning("could not abort multipart upload of %s: %s", key, abort_exc)
            raise

    def _upload_parts(
        self, path: Path, key: str, upload_id: str, digests: FileDigests
    ) -> list[dict[str, Any]]:
        fd = os.open(path, os.O_RDONLY)

        def send(number: int) -> dict[str, Any]:
            start = (number - 1) * digests.part_size
            data = os.pread(fd, min(digests.part_size, digests.size - start), start)
            checksum = b64(digests.parts[number - 1])
            answer = self.client.upload_part(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=number,
                Body=data,
                ChecksumSHA256=checksum,
            )
            return {"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": checksum}

        try:
            with ThreadPoolExecutor(self.transfer.max_request_concurrency) as pool:
                return list(pool.map(send, range(1, len(digests.parts) + 1)))
        finally:
            os.close(fd)
