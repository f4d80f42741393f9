"""The archived payload of a capture, as stored: one ranged read, content-coding removed.

A revisit's payload is its original's (``WARC-Refers-To``), found among the captures of the
same URL. Nothing is rewritten: the bytes are the response body the server sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archive.errors import error_line
from archive.index.rows import Capture
from archive.serve.errors import ApiError
from archive.store import Store, StoreError
from archive.text.payloads import payload_of, read_response

__all__ = ["ArchivedPayload", "archived_payload"]


@dataclass(frozen=True)
class ArchivedPayload:
    body: bytes
    content_type: str | None
    status: int | None  # of the response that holds the body


def _original(capture: Capture, captures: Sequence[Capture]) -> Capture:
    if capture.record_type != "revisit":
        return capture
    found = next((c for c in captures if c.record_id == capture.refers_to and c.warc), None)
    if found is None:
        raise ApiError(404, f"the original of revisit {capture.record_id} is not in the index")
    return found


def archived_payload(
    store: Store, capture: Capture, captures: Sequence[Capture]
) -> ArchivedPayload:
    """CAPTURE's payload (its original's for a revisit), decoded from its content-coding."""
    source = _original(capture, captures)
    response = read_response(store, source)
    if response.error:
        raise ApiError(502, f"capture {source.record_id}: {response.error}")
    try:
        body = payload_of(response)
    except (StoreError, ValueError) as exc:
        raise ApiError(502, f"capture {source.record_id}: {error_line(exc)}") from None
    return ArchivedPayload(body, response.content_type, source.status)
