"""Memento (RFC 7089) for captures: TimeMaps, the TimeGate's choice, and the Link headers.

A capture is a memento when it holds a response (or a revisit of one): failed fetches and
refusals are in the index too, but there is nothing to show for them. Memento URLs are
``BASE/web/{14 digits}/{URL}``; the original URL keeps its query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from archive.index.rows import Capture
from archive.serve.errors import ApiError
from archive.timestamps import parse_timestamp

__all__ = [
    "accept_datetime",
    "http_date",
    "memento_link_header",
    "mementos",
    "nearest_memento",
    "original_url",
    "timemap_json",
    "timemap_link",
]

LINK_FORMAT = "application/link-format"


def original_url(path_url: str, query: str) -> str:
    """The URL carried in a path (``http:/x`` as some proxies collapse it, made whole again)."""
    url = path_url
    for scheme in ("http:/", "https:/"):
        if url.startswith(scheme) and not url.startswith(scheme + "/"):
            url = scheme + "/" + url[len(scheme) :]
    if "://" not in url:
        url = "http://" + url
    return url + ("?" + query if query else "")


def mementos(captures: Sequence[Capture]) -> list[Capture]:
    """The captures that hold something to show (responses and revisits), oldest first."""
    return [
        c for c in captures
        if c.record_type in ("response", "revisit") and c.warc and c.status is not None
    ]


def http_date(timestamp: str) -> str:
    return format_datetime(parse_timestamp(timestamp), usegmt=True)


def accept_datetime(value: str | None) -> datetime | None:
    """The ``Accept-Datetime`` header as a time; a malformed one is ``400``."""
    if value is None or not value.strip():
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None:
        raise ApiError(400, "Accept-Datetime: use an HTTP date, e.g. Tue, 01 Dec 2026 10:00:00 GMT")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def nearest_memento(found: Sequence[Capture], moment: datetime | None) -> Capture:
    """The memento nearest MOMENT (the newest without one; the earlier one on a tie)."""
    if moment is None:
        return found[-1]
    target = moment.timestamp()
    return min(found, key=lambda c: abs(parse_timestamp(c.timestamp).timestamp() - target))


def _memento_uri(base: str, capture: Capture) -> str:
    return f"{base}web/{capture.timestamp}/{capture.url}"


def _relations(found: Sequence[Capture], capture: Capture) -> str:
    first, last = found[0], found[-1]
    rel = ["memento"]
    if capture is first:
        rel.insert(0, "first")
    if capture is last:
        rel.insert(0 if capture is not first else 1, "last")
    return " ".join(rel)


def timemap_link(url: str, found: Sequence[Capture], base: str) -> str:
    """The TimeMap of URL in link format (RFC 7089 section 5.1.1)."""
    lines = [
        f'<{url}>; rel="original"',
        f'<{base}timemap/link/{url}>; rel="self"; type="{LINK_FORMAT}"'
        + (f'; from="{http_date(found[0].timestamp)}"; until="{http_date(found[-1].timestamp)}"'
           if found else ""),
        f'<{base}timemap/json/{url}>; rel="alternate"; type="application/json"',
        f'<{base}timegate/{url}>; rel="timegate"',
    ]
    for capture in found:
        lines.append(
            f'<{_memento_uri(base, capture)}>; rel="{_relations(found, capture)}"; '
            f'datetime="{http_date(capture.timestamp)}"'
        )
    return ",\n".join(lines) + "\n"


def timemap_json(url: str, found: Sequence[Capture], base: str) -> dict[str, Any]:
    """The same TimeMap as JSON (the shape of the Memento aggregators' ``timemap/json``)."""
    items = [
        {
            "datetime": parse_timestamp(c.timestamp).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "timestamp": c.timestamp,
            "uri": _memento_uri(base, c),
            "status": c.status,
            "digest": c.payload_digest,
            "revisit": c.record_type == "revisit",
        }
        for c in found
    ]
    return {
        "original_uri": url,
        "timegate_uri": f"{base}timegate/{url}",
        "timemap_uri": {
            "link_format": f"{base}timemap/link/{url}",
            "json_format": f"{base}timemap/json/{url}",
        },
        "mementos": {
            "first": items[0] if items else None,
            "last": items[-1] if items else None,
            "list": items,
        },
    }


def memento_link_header(url: str, found: Sequence[Capture], capture: Capture, base: str) -> str:
    """The ``Link`` header of a memento: original, TimeGate, TimeMap and itself."""
    return ", ".join(
        [
            f'<{url}>; rel="original"',
            f'<{base}timegate/{url}>; rel="timegate"',
            f'<{base}timemap/link/{url}>; rel="timemap"; type="{LINK_FORMAT}"',
            f'<{_memento_uri(base, capture)}>; rel="{_relations(found, capture)}"; '
            f'datetime="{http_date(capture.timestamp)}"',
        ]
    )
