"""A capture as the CLI and the API show it (the ``--json`` contract of DESIGN.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["CAPTURE_FIELDS", "Capture", "PreviousCapture", "redirect_chain"]


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
        return {name: getattr(self, name) for name in CAPTURE_FIELDS}

    @classmethod
    def from_row(cls, row: Any) -> Capture:
        values = dict(row._mapping if hasattr(row, "_mapping") else row)  # one pass over it
        return cls(**{name: values[name] for name in CAPTURE_FIELDS if name in values})


CAPTURE_FIELDS = tuple(Capture.__dataclass_fields__)
"""The fields of a capture object, in order (``asdict`` would deep-copy every value)."""


@dataclass(frozen=True)
class PreviousCapture:
    """The newest complete 200 capture of the same URL: what a re-capture may revisit."""

    record_id: str
    url: str
    warc_date: str
    payload_digest: str
    etag: str | None = None
    last_modified: str | None = None


def redirect_chain(captures: Sequence[Capture], url: str, seed: bool = True) -> list[Capture]:
    """The captures of URL (as the crawl's seed, or else reached by any hop of a citation
    crawl) and of the redirects that followed, oldest first; retried attempts come first."""
    chain = [
        c
        for c in captures
        if (c.seed == url and not c.hop_path)
        or (
            not seed
            and c.url == url
            and not (c.hop_path or "").endswith("R")
            and not set(c.hop_path or "") & {"E", "P"}
        )
    ]
    seen = {c.url for c in chain}
    while chain:
        last = chain[-1]
        step = [
            c
            for c in captures
            if (c.hop_path or "") == (last.hop_path or "") + "R" and c.via == last.url
        ]
        if not step or step[-1].url in seen:  # the end, or a redirect loop
            break
        chain.extend(step)
        seen.update(c.url for c in step)
    return chain
