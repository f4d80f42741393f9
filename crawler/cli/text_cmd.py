"""``prov text``, ``prov search``, ``prov diff``, ``prov reextract`` and ``prov reindex``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.engine import RowMapping

from archive.index.texts import MARK_END, MARK_START, SearchQueryError, TextIndex
from archive.store.reindex import reindex as rebuild_index
from archive.text.diff import diff_texts
from archive.text.history import NoEarlierText, diff_json, diff_pair, nearest, text_json
from archive.timestamps import parse_timestamp, timestamp14
from crawler.cli.common import finish_uploads, open_configured_session, run_text_stage
from crawler.cli.output import (
    EXIT_SOME_FAILED,
    JsonOption,
    checked_url,
    fail,
    plural,
    print_json,
    stderr,
    stdout,
)

__all__ = ["diff", "reextract", "reindex", "search", "text"]


def _when(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return timestamp14(parse_timestamp(value))
    except ValueError as exc:
        fail(f"{option}: {exc}")


def _texts_or_fail(url: str) -> list[RowMapping]:
    """The texts of URL; without any, exit 1 with the command that helps."""
    from archive.text.payloads import wants_text  # the extractors load only when needed

    session = open_configured_session()
    rows = TextIndex(session.index.engine).texts_of(url)
    if rows:
        return rows
    captures = session.index.lookup(url)
    if not captures:
        fail(f"{url} is not archived (prov archive {url} captures it)", 1)
    if not any(wants_text(capture) for capture in captures):
        fail(f"no extracted text for {url}: none of its captures is a 2xx HTML or PDF", 1)
    fail(f"no extracted text for {url} yet (prov reextract {url} extracts it)", 1)


def text(
    url: Annotated[str, typer.Argument(help="URL whose capture to show")],
    at: Annotated[
        str | None, typer.Option("--at", help="timestamp YYYY[MMDDhhmmss]; default newest")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Extracted text and metadata of the capture of URL nearest --at."""
    url, stamp = checked_url(url), _when(at, "--at")
    row = nearest(_texts_or_fail(url), stamp)
    if json_output:
        print_json(text_json(row))
        raise typer.Exit(EXIT_SOME_FAILED if row["error"] else 0)
    for name in ("url", "timestamp", "title", "author", "published", "sitename", "language"):
        if row[name]:
            stdout.print(f"[bold]{name}:[/bold] {escape(str(row[name]))}")
    if row["error"]:
        stdout.print(f"[red]extraction failed:[/red] {escape(row['error'])}")
    stdout.print()
    stdout.print(row["text"], markup=False, highlight=False)
    if row["error"]:
        raise typer.Exit(EXIT_SOME_FAILED)


def search(
    query: Annotated[str, typer.Argument(help='words or "a quoted phrase"')],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
    json_output: JsonOption = False,
) -> None:
    """Full-text search over extracted texts, best match first."""
    session = open_configured_session()
    try:
        hits = TextIndex(session.index.engine).search(query, limit)
    except SearchQueryError as exc:
        fail(str(exc))
    if json_output:
        print_json(
            [{**text_json(hit.row), "snippet": hit.snippet, "score": hit.score} for hit in hits]
        )
        return
    if not hits:
        stdout.print(f"no text matches {query!r}", markup=False)
        return
    title = f"{plural(len(hits), 'match', 'matches')} for {query!r}"
    table = Table(title=title, title_justify="left")
    for column in ("timestamp", "url", "title", "snippet"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        snippet = escape(hit.snippet).replace(MARK_START, "[bold yellow]")
        snippet = snippet.replace(MARK_END, "[/bold yellow]")
        table.add_row(hit.row["timestamp"], hit.row["url"], hit.row["title"] or "", snippet)
    stdout.print(table)


def diff(
    url: Annotated[str, typer.Argument(help="URL whose captures to compare")],
    from_: Annotated[str | None, typer.Option("--from", help="timestamp of the older")] = None,
    to: Annotated[str | None, typer.Option("--to", help="timestamp of the newer")] = None,
    json_output: JsonOption = False,
) -> None:
    """Sentence-level diff of the extracted text of two captures (default: the two newest)."""
    url = checked_url(url)
    from_stamp, to_stamp = _when(from_, "--from"), _when(to, "--to")
    rows = _texts_or_fail(url)
    try:
        old, new = diff_pair(rows, from_stamp, to_stamp)
    except NoEarlierText as exc:
        fail(f"no capture of {url} {exc}", 1)
    changes = diff_texts(old["text"], new["text"])
    if json_output:
        print_json(diff_json(url, old, new))
        return
    stdout.print(f"--- {url} {old['timestamp']}\n+++ {url} {new['timestamp']}", markup=False)
    if not changes:
        stdout.print("no change in the text (whitespace ignored)")
    for change in changes:
        for sentence in change.old:
            stdout.print(f"[red]- {escape(sentence)}[/red]")
        for sentence in change.new:
            stdout.print(f"[green]+ {escape(sentence)}[/green]")


def reextract(
    url: Annotated[str | None, typer.Argument(help="URL to re-extract (or --all)")] = None,
    all_: Annotated[bool, typer.Option("--all", help="every capture")] = False,
    json_output: JsonOption = False,
) -> None:
    """Extract text again from the stored records (a new conversion record each)."""
    if (url is None) == (not all_):
        fail("give a URL or --all (not both)")
    session = open_configured_session()
    captures = session.index.lookup(checked_url(url)) if url else list(session.index.all_captures())
    rows = run_text_stage(session, captures, reuse=False, collect=True)
    finish_uploads(session)  # S3: the new text WARCs go up now (or wait in the spool)
    failed = [row for row in rows if row["error"]]
    if json_output:
        print_json([text_json(row) for row in rows])
    else:
        done = f"re-extracted {plural(len(rows), 'capture')}, {len(failed)} failed"
        stdout.print(done, markup=False)


def reindex(json_output: JsonOption = False) -> None:
    """Rebuild the whole index (captures, texts, CDXJ) from the WARC files alone."""
    session = open_configured_session()
    result = rebuild_index(session.store, session.index, session.warc_dir)
    summary = {
        "files": result.files,
        "captures": result.captures,
        "texts": result.texts,
        "errors": result.errors,
    }
    if json_output:
        print_json(summary)
    else:
        stdout.print(
            f"reindexed {plural(result.files, 'WARC file')}: "
            f"{plural(result.captures, 'capture')}, {plural(result.texts, 'text')}",
            markup=False,
        )
    for error in result.errors:
        stderr.print(f"prov: unreadable: {error}", markup=False)
    if result.errors:
        raise typer.Exit(EXIT_SOME_FAILED)
