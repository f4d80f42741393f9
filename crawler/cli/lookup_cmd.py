"""``prov lookup URL``: every capture of URL, oldest first."""

from __future__ import annotations

from typing import Annotated

import typer

from archive.urls import BadURL, check_url
from crawler.cli.common import open_configured_archive
from crawler.cli.output import captures_table, fail, print_json, stdout


def lookup(
    url: Annotated[str, typer.Argument(help="URL to look up (http/https and www. variants match)")],
    json_output: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Every capture of URL, oldest first."""
    try:
        url = check_url(url)
    except BadURL as exc:
        fail(str(exc))
    archive = open_configured_archive()
    captures = archive.index.lookup(url)
    if json_output:
        print_json([capture.to_json() for capture in captures])
        return
    if not captures:
        stdout.print(f"no captures of {url}", markup=False)
        return
    stdout.print(captures_table(captures, f"{len(captures)} captures of {url}"))
