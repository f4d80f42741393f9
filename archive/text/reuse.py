"""When an earlier extraction can stand for a new one: same input, same extractor.

An extraction is a function of the payload, the URL it is resolved against (links, canonical
URL and URL-derived metadata), the Content-Type and Content-Encoding headers (charset, gzip),
and the extractor: its name, version and options, and prov's own processing around it
(``REVISION``, raised whenever that processing changes what comes out). The extraction key is
a digest of all of them. A capture whose key matches an earlier successful extraction gets a
conversion record of its own holding the earlier result, with ``reused_from`` naming the
conversion record it was copied from, instead of being extracted again. Keys never match
across URLs: the same payload at another URL resolves its relative links differently.
"""

from __future__ import annotations

import functools
import json
from importlib.metadata import PackageNotFoundError, version

from archive.digests import digest_of
from archive.index.rows import Capture
from archive.text.payloads import StoredResponse

__all__ = ["REVISION", "extraction_config", "extraction_key"]

# prov's processing around trafilatura and pypdf (decoding, links, text rendering, anchors):
# raise it whenever a change there makes the same payload come out differently
REVISION = 3  # 3: a JSON-LD articleBody for pages whose body scripts render


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


@functools.cache
def extraction_config() -> str:
    """The extractors of this prov, with their versions and requested options, as JSON."""
    from archive.text.extraction.html import DEFAULT_HTML_OPTIONS  # loads only when needed

    config = {
        "revision": REVISION,
        "html": {
            "extractor": "trafilatura",
            "version": _version("trafilatura"),
            "options": DEFAULT_HTML_OPTIONS.record(),
        },
        "pdf": {"extractor": "pypdf", "version": _version("pypdf")},
    }
    return json.dumps(config, sort_keys=True)


def extraction_key(capture: Capture, response: StoredResponse) -> str | None:
    """The key of CAPTURE's extraction from its RESPONSE record (None: nothing to key, e.g.
    an unreadable record)."""
    if response.error or not capture.payload_digest:
        return None
    parts = [
        capture.payload_digest,
        capture.url,
        response.content_type,
        response.content_encoding,
        extraction_config(),
    ]
    return digest_of(json.dumps(parts).encode("utf-8"))
