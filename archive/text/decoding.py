"""Undo HTTP content-encoding (gzip, deflate, br) of a stored payload, for text extraction.

The WARC keeps the payload encoded, as it was sent; this is only for reading it.
"""

from __future__ import annotations

import zlib

import brotli

from archive.errors import ProvError

__all__ = ["ContentCodingError", "decode_content"]

MAX_DECODED_BYTES = 64 * 1024 * 1024


class ContentCodingError(ProvError, ValueError):
    pass


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    out = decompressor.decompress(data, limit + 1)
    if len(out) > limit:
        raise ContentCodingError(f"decoded body larger than {limit} bytes")
    return out + decompressor.flush()


def _gunzip(data: bytes, limit: int) -> bytes:
    out = bytearray()
    while data:  # several gzip members are one stream (RFC 1952 2.2)
        decompressor = zlib.decompressobj(31)
        out += decompressor.decompress(data, limit + 1 - len(out))
        if len(out) > limit:
            raise ContentCodingError(f"decoded body larger than {limit} bytes")
        data = decompressor.unused_data
        if not decompressor.eof:
            break
    return bytes(out)


def decode_content(
    payload: bytes, content_encoding: str | None, limit: int = MAX_DECODED_BYTES
) -> bytes:
    """PAYLOAD with every coding of CONTENT_ENCODING removed (last applied, first undone)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    data = payload
    for coding in reversed(codings):
        try:
            if coding in ("gzip", "x-gzip"):
                data = _gunzip(data, limit)
            elif coding == "deflate":
                try:
                    data = _inflate(data, 15, limit)
                except zlib.error:
                    data = _inflate(data, -15, limit)  # raw deflate, as some servers send
            elif coding == "br":
                data = brotli.decompress(data)
            elif coding != "identity":
                raise ContentCodingError(f"unsupported content-encoding {coding!r}")
        except (zlib.error, brotli.error) as exc:
            raise ContentCodingError(f"body does not decode as {coding}: {exc}") from None
        if len(data) > limit:
            raise ContentCodingError(f"decoded body larger than {limit} bytes")
    return data
