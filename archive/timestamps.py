"""The two time formats of web archives: WARC-Date (ISO 8601, UTC) and the 14-digit timestamp."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "parse_timestamp", "parse_warc_date", "timestamp14", "utcnow", "warc_date"]

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def warc_date(moment: datetime) -> str:
    """WARC 1.1 date with microseconds, e.g. ``2026-11-24T19:55:50.123456Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def timestamp14(moment: datetime) -> str:
    """The ``YYYYMMDDhhmmss`` form used by CDXJ, Memento and the CLI."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def parse_warc_date(value: str) -> datetime:
    text = value.strip().removesuffix("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in text else "%Y-%m-%dT%H:%M:%S"
    return datetime.strptime(text, fmt).replace(tzinfo=UTC)


def parse_timestamp(value: str) -> datetime:
    """Parse a timestamp of 4 to 14 digits; missing parts take their lowest value."""
    digits = value.strip()
    if not digits.isdigit() or not 4 <= len(digits) <= 14 or len(digits) % 2:
        raise ValueError(f"bad timestamp {value!r}: use 4 to 14 digits, YYYY[MM[DD[hh[mm[ss]]]]]")
    padded = digits + "0101000000"[len(digits) - 4 :]
    return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
