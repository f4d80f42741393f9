"""``prov changes``: what changed or disappeared among watched sources."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from archive.index.changes import ChangeIndex, change_json
from archive.timestamps import parse_timestamp, warc_date
from crawler.cli.common import open_configured_session
from crawler.cli.output import fail, plural, print_json, stdout

__all__ = ["changes"]

KINDS = ("first", "unchanged", "changed", "gone", "back", "error", "claim_lost", "claim_back")
_COLOURS = {
    "changed": "yellow",
    "gone": "red",
    "back": "green",
    "error": "magenta",
    "claim_lost": "red",
    "claim_back": "green",
}
DIFF_SHOWN = 6  # sentences per change in the table (all of them with --json)


def _diff_text(diff: list[dict[str, Any]] | None) -> str:
    lines: list[str] = []
    for change in diff or []:
        lines += [f"[red]- {escape(s)}[/red]" for s in change["old"]]
        lines += [f"[green]+ {escape(s)}[/green]" for s in change["new"]]
    if len(lines) > DIFF_SHOWN:
        lines = [*lines[:DIFF_SHOWN], f"... {len(lines) - DIFF_SHOWN} more (--json)"]
    return "\n".join(lines)


def changes(
    since: Annotated[
        str | None, typer.Option("--since", help="only checks at or after YYYY[MMDDhhmmss] (UTC)")
    ] = None,
    watch: Annotated[str | None, typer.Option("--watch", help="only this watch")] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help=f"only these kinds (repeatable): {', '.join(KINDS)}"),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """What changed or disappeared among watched sources: every check, oldest first."""
    bound = None
    if since is not None:
        try:
            bound = warc_date(parse_timestamp(since))
        except ValueError as exc:
            fail(f"--since: {exc}")
    unknown = [k for k in kind or [] if k not in KINDS]
    if unknown:
        fail(f"--kind {unknown[0]!r}: use {', '.join(KINDS)}")
    session = open_configured_session(upload=False)
    rows = ChangeIndex(session.index.engine).listing(since=bound, watch=watch, kinds=kind or ())
    items = [change_json(row) for row in rows]
    if json_output:
        print_json(items)
        return
    if not items:
        stdout.print("no checks of watched sources" + (f" since {since}" if since else ""))
        return
    table = Table(title=plural(len(items), "check"), title_justify="left")
    for column in ("timestamp", "watch", "kind", "url", "what"):
        table.add_column(column, overflow="fold")
    for item in items:
        colour = _COLOURS.get(item["kind"])
        label = f"[{colour}]{item['kind']}[/{colour}]" if colour else item["kind"]
        what = escape(item["reason"] or "")
        if item["diff"]:
            what = "\n".join(filter(None, [what, _diff_text(item["diff"])]))
        table.add_row(item["timestamp"], escape(item["watch"]), label, escape(item["url"]), what)
    stdout.print(table)
    counts = Counter(item["kind"] for item in items)
    stdout.print(", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k]), markup=False)
