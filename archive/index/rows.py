"""A capture as the CLI and the API show it (the ``--json`` contract of DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Capture", "PreviousCapture"]


@dataclass(frozen=True)
class Capture:
    url: str
    timestamp: str
    status: int | None
    mime: str | None
    payload_digest: str | None
    warc: str | None
    offset: int | None
    length: int | None
    record_id: str | None
    error: str | None
    truncated: str | None = None
    warc_date: str | None = None
    record_type: str | None = None
    crawl_id: str | None = None
    ip: str | None = None
    location: str | None = None
    hop_path: str | None = None
    seed: str | None = None
    via: str | None = None
    method: str = "GET"
    surt: str | None = None
    refers_to: str | None = None
    refers_to_date: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: Any) -> Capture:
        mapping = row._mapping if hasattr(row, "_mapping") else row
        fields = cls.__dataclass_fields__
        return cls(**{name: mapping[name] for name in fields if name in mapping})


@dataclass(frozen=True)
class PreviousCapture:
    """The newest complete 200 capture of the same URL: what a re-capture may revisit."""

    record_id: str
    url: str
    warc_date: str
    payload_digest: str
    etag: str | None = None
    last_modified: str | None = None
