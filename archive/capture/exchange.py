"""What one fetch left behind: the bytes sent, the bytes received, and how it ended.

An :class:`Exchange` is filled in by the crawler's download handler and handed to the
:class:`~archive.capture.recorder.CaptureRecorder`, which turns it into WARC records and index rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from archive.http_response import ResponseParser
from archive.index.rows import PreviousCapture

__all__ = [
    "TRUNCATED_DISCONNECT",
    "TRUNCATED_LENGTH",
    "TRUNCATED_TIME",
    "TRUNCATED_UNSPECIFIED",
    "Exchange",
    "TLSInfo",
]

TRUNCATED_LENGTH = "length"
TRUNCATED_TIME = "time"
TRUNCATED_DISCONNECT = "disconnect"
TRUNCATED_UNSPECIFIED = "unspecified"  # the body's framing broke: reading stopped there


@dataclass
class TLSInfo:
    version: str
    cipher: str
    certificate_chain_der: list[bytes] = field(default_factory=list)


@dataclass
class Exchange:
    url: str
    method: str
    started: datetime
    request_bytes: bytes = b""
    parser: ResponseParser | None = None
    peer_ip: str | None = None
    tls: TLSInfo | None = None
    truncated: str | None = None
    error: str | None = None
    duration_ms: int = 0
    via_proxy: str | None = None
    context: dict[str, str] = field(default_factory=dict)  # seed, hop path, via, crawl id
    previous: PreviousCapture | None = None

    @property
    def has_response(self) -> bool:
        return self.parser is not None and self.parser.has_head
