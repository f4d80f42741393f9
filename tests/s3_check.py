"""Helpers for tests that archive into S3: download what is stored, tamper with it, scan it."""

from __future__ import annotations

import uuid
import zlib
from pathlib import Path

from tests.conftest import prov_env
from tests.conftest_s3 import S3Server


def s3_home_env(home: Path, server: S3Server, bucket: str, **extra: str) -> dict[str, str]:
    """prov's environment for HOME with its own prefix in BUCKET."""
    store = f"s3://{bucket}/{home.parent.name}-{uuid.uuid4().hex[:6]}"
    return {**prov_env(home), "PROV_STORE": store, **server.env(), **extra}


def keys(server: S3Server, bucket: str, prefix: str) -> dict[str, int]:
    pages = server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"]: item["Size"] for page in pages for item in page.get("Contents", [])}


def split(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


def download_warcs(server: S3Server, store_uri: str, dest: Path) -> list[Path]:
    """Every WARC under STORE_URI, saved in DEST (for the external validator)."""
    bucket, prefix = split(store_uri.rstrip("/") + "/")
    dest.mkdir(parents=True, exist_ok=True)
    client = server.client()
    saved = []
    for key in keys(server, bucket, prefix):
        if key.endswith(".warc.gz"):
            path = dest / key.rsplit("/", 1)[-1]
            path.write_bytes(client.get_object(Bucket=bucket, Key=key)["Body"].read())
            saved.append(path)
    return sorted(saved)


def flip_byte(server: S3Server, uri: str, offset: int) -> None:
    """Replace the object at URI by a copy with one bit flipped at OFFSET (bit rot)."""
    bucket, key = split(uri)
    client = server.client()
    data = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    data[offset] ^= 0x01
    client.delete_object(Bucket=bucket, Key=key)
    client.put_object(Bucket=bucket, Key=key, Body=bytes(data))


def inflate_all(data: bytes) -> bytes:
    """All gzip members of DATA decompressed (or DATA itself if it is not gzip)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    out = []
    while data:
        decomp = zlib.decompressobj(31)
        out.append(decomp.decompress(data))
        data = decomp.unused_data
    return b"".join(out)


def object_bytes(server: S3Server, bucket: str, prefix: str) -> list[tuple[str, bytes]]:
    client = server.client()
    return [
        (key, inflate_all(client.get_object(Bucket=bucket, Key=key)["Body"].read()))
        for key in keys(server, bucket, prefix)
    ]


def local_bytes(home: Path) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found.append((str(path), inflate_all(data) if path.suffix == ".gz" else data))
    return found
