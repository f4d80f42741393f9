"""S3 storage options: ``PROV_STORE=s3://bucket/prefix`` and the ``PROV_S3_*`` variables.

Credentials, region and endpoint come from boto3's standard chain (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, ``AWS_REGION``, ``AWS_ENDPOINT_URL`` ...); prov
never reads, stores or prints them.

| variable | default | meaning |
| --- | --- | --- |
| ``PROV_KEEP_SPOOL`` | off | keep the spool copy of a WARC after its upload is verified |
| ``PROV_S3_OBJECT_LOCK_MODE`` | unset | ``GOVERNANCE`` or ``COMPLIANCE`` retention on each object |
| ``PROV_S3_OBJECT_LOCK_DAYS`` | ``3650`` with a mode | retention period in days |
| ``PROV_S3_PART_SIZE`` | ``16777216`` | multipart above this size, in parts of this size |
| ``PROV_S3_DRAIN_TIMEOUT`` | ``60`` | seconds a crawl waits at its end for pending uploads |
| ``PROV_S3_RETRY_MAX_DELAY`` | ``30`` | longest pause (s) between upload tries while S3 is down |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from archive.config import ConfigError, env_number

LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")
_BUCKET_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
MIN_PART_SIZE = 5 * 1024 * 1024  # S3's smallest part (all but the last)
OPTION_NAMES = (
    "PROV_KEEP_SPOOL",
    "PROV_S3_OBJECT_LOCK_MODE",
    "PROV_S3_OBJECT_LOCK_DAYS",
    "PROV_S3_PART_SIZE",
    "PROV_S3_DRAIN_TIMEOUT",
    "PROV_S3_RETRY_MAX_DELAY",
)


def check_s3_uri(uri: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://bucket/prefix``; the message never repeats credentials."""
    parts = urlparse(uri)
    if "@" in parts.netloc:
        raise ConfigError(
            "PROV_STORE must not hold credentials: use s3://bucket/prefix and put the keys in "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an AWS profile)"
        )
    bucket = parts.netloc
    if not bucket or parts.query or parts.fragment:
        raise ConfigError(f"PROV_STORE={uri!r}: use s3://bucket/prefix (prefix optional)")
    if not (3 <= len(bucket) <= 63) or not all(c in _BUCKET_CHARS for c in bucket):
        raise ConfigError(
            f"PROV_STORE={uri!r}: {bucket!r} is not a valid bucket name "
            "(3 to 63 characters: lower-case letters, digits, dots and hyphens)"
        )
    return bucket, parts.path.strip("/")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class S3Options:
    bucket: str
    prefix: str = ""
    keep_spool: bool = False
    lock_mode: str | None = None
    lock_days: int = 0
    part_size: int = 16 * 1024 * 1024
    drain_timeout: float = 60.0
    retry_max_delay: float = 30.0

    @classmethod
    def from_env(cls, uri: str, env: Mapping[str, str]) -> S3Options:
        bucket, prefix = check_s3_uri(uri)
        mode = (env.get("PROV_S3_OBJECT_LOCK_MODE") or "").strip().upper() or None
        if mode is not None and mode not in LOCK_MODES:
            raise ConfigError(
                f"PROV_S3_OBJECT_LOCK_MODE={mode!r}: use GOVERNANCE or COMPLIANCE (or unset it)"
            )
        days = int(env_number(env, "PROV_S3_OBJECT_LOCK_DAYS", 3650, 1))
        return cls(
            bucket,
            prefix,
            keep_spool=_flag(env.get("PROV_KEEP_SPOOL")),
            lock_mode=mode,
            lock_days=days if mode else 0,
            part_size=int(env_number(env, "PROV_S3_PART_SIZE", cls.part_size, MIN_PART_SIZE)),
            drain_timeout=env_number(env, "PROV_S3_DRAIN_TIMEOUT", cls.drain_timeout, 0),
            retry_max_delay=env_number(env, "PROV_S3_RETRY_MAX_DELAY", cls.retry_max_delay, 0.1),
        )

    def key_for(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def uri_for(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.key_for(name)}"
