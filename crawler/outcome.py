"""What a crawl run from a command left: its captures and what went wrong, per seed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.index.rows import Capture

__all__ = ["CrawlOutcome"]


@dataclass
class CrawlOutcome:
    crawl_id: str
    captures: list[Capture]
    seed_errors: dict[str, str]
    write_errors: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    seed_notes: dict[str, str] = field(default_factory=dict)  # warnings: captured all the same
    unwritten: list[dict[str, Any]] = field(default_factory=list)  # url, seed, error, on_disk
