"""``prov lookup URL``: every capture of URL, oldest first."""

from __future__ import annotations

from typing import Annotated

import typer

from crawler.cli.common import open_configured_session
from crawler.cli.output import (
    JsonOption,
    captures_table,
    checked_url,
    plural,
    print_json,
    stdout,
)

__all__ = ["lookup"]


def lookup(
    url: Annotated[str, typer.Argument(help="URL to look up (http/https and www. variants match)")],
    json_output: JsonOption = False,
) -> None:
    """Every capture of URL, oldest first."""
    url = checked_url(url)
    session = open_configured_session()
    captures = session.index.lookup(url)
    if json_output:
        print_json([capture.to_json() for capture in captures])
        return
    if not captures:
        stdout.print(f"no captures of {url}", markup=False)
        return
    stdout.print(captures_table(captures, f"{plural(len(captures), 'capture')} of {url}"))
