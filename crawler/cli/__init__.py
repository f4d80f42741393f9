"""The ``prov`` command line (see README "CLI reference"): one ``*_cmd`` module per command
family, helpers that several commands share in ``common`` (opening the session, the text
stage) and ``output`` (JSON, tables, exit codes).

The composition root of the CLI: may import everything of ``archive`` and ``crawler``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from archive.errors import ProvError
from crawler import __version__
from crawler.cli.archive_cmd import archive_urls
from crawler.cli.changes_cmd import changes
from crawler.cli.crawl_cmd import crawl, sources
from crawler.cli.export_cmd import export, key_app
from crawler.cli.lookup_cmd import lookup
from crawler.cli.output import EXIT_SOME_FAILED, stderr, stdout
from crawler.cli.schedule_cmd import schedule_app, scheduler
from crawler.cli.serve_cmd import serve, token_app
from crawler.cli.text_cmd import diff, reextract, reindex, search, text
from crawler.cli.upload_cmd import upload
from crawler.cli.verify_cmd import verify
from crawler.cli.worker_cmd import crawls, worker

app = typer.Typer(
    name="prov",
    help="Source-provenance archiving crawler: byte-exact WARC captures of cited sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's help: flags show as flags, not as "--json <bool>"
)


def _print_version(value: bool) -> None:
    if value:
        stdout.print(f"prov {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="print the version"),
    ] = False,
) -> None:
    """Source-provenance archiving crawler: byte-exact WARC captures of cited sources."""


app.command("archive")(archive_urls)
app.command()(lookup)
app.command()(crawl)
app.command()(sources)
app.command()(text)
app.command()(search)
app.command()(diff)
app.command()(reextract)
app.command()(reindex)
app.command()(verify)
app.command()(upload)
app.add_typer(schedule_app, name="schedule")
app.command()(scheduler)
app.command()(changes)
app.command()(serve)
app.add_typer(token_app, name="token")
app.command()(export)
app.add_typer(key_app, name="key")
app.command()(worker)
app.command()(crawls)


def main() -> None:
    """Run the CLI; a storage, index or frontier failure nobody caught is one line and
    exit 1."""
    try:
        app()
    except (OSError, SQLAlchemyError, ProvError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        stderr.print(f"prov: error: {type(exc).__name__}: {reason}", markup=False)
        raise SystemExit(EXIT_SOME_FAILED) from None


__all__ = [
    "EXIT_SOME_FAILED",
    "app",
    "archive_urls",
    "changes",
    "crawl",
    "crawls",
    "diff",
    "export",
    "key_app",
    "lookup",
    "main",
    "reextract",
    "reindex",
    "schedule_app",
    "scheduler",
    "search",
    "serve",
    "sources",
    "stderr",
    "stdout",
    "text",
    "token_app",
    "upload",
    "verify",
    "worker",
]
