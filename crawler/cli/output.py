"""How the CLI prints: JSON on stdout with --json, rich tables for people, errors on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from archive.index.rows import Capture
from archive.urls import BadURL, check_url

__all__ = [
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "JsonOption",
    "captures_table",
    "checked_url",
    "fail",
    "hop_labels",
    "plural",
    "print_json",
    "print_json_list",
    "stderr",
    "stdout",
]

# Piped output is not folded at 80 columns: tables stay greppable.
stdout = Console(width=None if sys.stdout.isatty() else 240)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_BAD_INPUT = 2

JsonOption = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def checked_url(url: str, option: str = "", *, userinfo: bool = False) -> str:
    """URL if prov can fetch it; otherwise one line on stderr and exit status 2."""
    try:
        return check_url(url, userinfo=userinfo)
    except BadURL as exc:
        fail(f"{option}: {exc}" if option else str(exc))


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One clear line on stderr, then exit."""
    stderr.print(f"prov: error: {message}", markup=False)
    raise typer.Exit(code)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def print_json_list(items: Iterable[Any]) -> None:
    """A JSON list written item by item, so a long listing is never one string in memory."""
    write = sys.stdout.write
    write("[")
    for number, item in enumerate(items):
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        write(("," if number else "") + "\n  " + text)
    write("\n]\n")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 capture``, ``2 captures`` (MANY for irregular plurals)."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


_HOPS = {"P": "robots", "R": "redirect", "E": "embed", "L": "link", "N": "named"}


def _retryable(capture: Capture) -> bool:
    """Would Scrapy's RetryMiddleware fetch it again (no response, 408, 429, 5xx)?"""
    return capture.status is None or capture.status in (408, 429) or capture.status >= 500


def hop_labels(captures: Sequence[Capture]) -> list[str]:
    """What each capture is: ``robots``, ``redirect``... (nothing for a seed), and ``retry N``
    for the Nth fetch again, after a failure, of the same URL for the same seed by the same
    path in the same crawl."""
    last: dict[tuple[str, str, str, str], tuple[int, bool]] = {}  # attempt, retryable
    labels = []
    for capture in captures:
        hops = capture.hop_path or ""
        key = (capture.crawl_id or "", capture.seed or "", capture.url, hops)
        before = last.get(key)
        attempt = before[0] + 1 if before and before[1] else 0
        last[key] = (attempt, _retryable(capture))
        parts = [_HOPS.get(hops[-1:], "")] if hops else []
        if attempt:
            parts.append(f"retry {attempt}")
        labels.append(" ".join(p for p in parts if p))
    return labels


def captures_table(captures: Sequence[Capture], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    columns = ("timestamp", "status", "mime", "url", "hop", "WARC (offset+length) / error")
    for column in columns:
        table.add_column(column, overflow="fold")
    for capture, hop in zip(captures, hop_labels(captures), strict=True):
        if capture.error and capture.warc is None:
            where = f"[red]{capture.error}[/red]"
        else:
            name = (capture.warc or "").rsplit("/", 1)[-1]
            where = f"{name} ({capture.offset}+{capture.length})"
            if capture.error:
                where += f"\n[yellow]{capture.error}[/yellow]"
            elif capture.truncated:
                where += f"\n[yellow]truncated: {capture.truncated}[/yellow]"
        status = "-" if capture.status is None else str(capture.status)
        table.add_row(capture.timestamp, status, capture.mime or "", capture.url, hop, where)
    return table
