"""The boto3 client prov uses for S3, and S3 failures told in one safe line.

Retries are botocore's ``standard`` mode (bounded exponential backoff with jitter, at most
``AWS_MAX_ATTEMPTS`` attempts, 3 by default); connections time out after 5 s so that a dead
endpoint cannot hold a crawl. Credentials come only from boto3's chain, and every message
built here is scrubbed of them (and of any ``user:password@`` in an endpoint URL).
"""

from __future__ import annotations

import os
import re
from typing import Any

__all__ = [
    "describe",
    "endpoint_url",
    "error_code",
    "is_config_error",
    "is_missing",
    "make_client",
    "redact",
]

_USERINFO = re.compile(r"//[^/@\s]+@")
CONFIG_ERROR_CODES = frozenset(
    {
        "NoSuchBucket",
        "AccessDenied",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidBucketName",
        "AuthorizationHeaderMalformed",
        "InvalidToken",
        "ExpiredToken",
    }
)


def endpoint_url() -> str | None:
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


def make_client() -> Any:
    """An S3 client from boto3's standard configuration chain (thread-safe; share it)."""
    import boto3
    from botocore.config import Config as BotoConfig

    attempts = int(os.environ.get("AWS_MAX_ATTEMPTS") or 3)
    config = BotoConfig(
        retries={"mode": "standard", "max_attempts": max(1, attempts)},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=16,
        # S3-compatible servers are reached by path (no wildcard DNS for bucket names).
        s3={"addressing_style": "path" if endpoint_url() else "auto"},
        # prov sends its own SHA-256 checksums; no extra CRC trailers older servers reject.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client("s3", config=config)


def redact(text: str) -> str:
    """TEXT without credentials: URL user info and the secret values of the environment."""
    text = _USERINFO.sub("//", text)
    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        secret = os.environ.get(name)
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return str(status) if status else None
    return None


def is_missing(exc: BaseException) -> bool:
    return error_code(exc) in ("404", "NoSuchKey", "NotFound")


def is_config_error(exc: BaseException) -> bool:
    """A failure that waiting will not fix: wrong bucket, keys or permissions."""
    from botocore.exceptions import NoCredentialsError, PartialCredentialsError

    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return True
    return error_code(exc) in CONFIG_ERROR_CODES


def describe(exc: BaseException, bucket: str | None = None) -> str:
    """One line saying what went wrong and, where it can, how to fix it."""
    from botocore.exceptions import (
        ClientError,
        ConnectionError,
        HTTPClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return (
            "no usable AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "(or AWS_PROFILE)"
        )
    if isinstance(exc, ClientError):
        code = error_code(exc) or "error"
        message = str(exc.response.get("Error", {}).get("Message") or "").strip()
        where = f" (bucket {bucket})" if bucket else ""
        hint = {
            "NoSuchBucket": f": bucket {bucket!r} does not exist; create it or fix PROV_STORE",
            "InvalidAccessKeyId": ": the access key is not known to the server",
            "SignatureDoesNotMatch": ": the secret key is wrong",
            "AccessDenied": ": the credentials may not do this",
        }.get(code, f": {message}" if message else "")
        return redact(f"S3 {exc.operation_name} failed{where}: {code}{hint}")
    if isinstance(exc, ConnectionError | HTTPClientError):
        endpoint = endpoint_url() or "the S3 endpoint"
        reason = type(exc).__name__
        return redact(f"cannot reach {endpoint} ({reason}): S3 is down or unreachable")
    text = " ".join(str(exc).split()) or type(exc).__name__
    return redact(f"S3: {text}")
