"""``prov verify``: fixity audit of every stored WARC against the index."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from archive.index.files import file_rows
from archive.store import StoreError
from archive.store.audit import AuditReport, run_audit
from crawler.cli.common import open_configured_session
from crawler.cli.output import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    fail,
    plural,
    print_json,
    stderr,
    stdout,
)

__all__ = ["verify"]

SHOWN = 50  # problems listed for people (all of them with --json)


def _problems_table(report: AuditReport) -> Table:
    table = Table(title=plural(len(report.problems), "problem"), title_justify="left")
    for column in ("kind", "WARC", "offset", "record / URL", "what"):
        table.add_column(column, overflow="fold")
    for problem in report.problems[:SHOWN]:
        table.add_row(
            problem.kind,
            problem.warc.rsplit("/", 1)[-1],
            "" if problem.offset is None else str(problem.offset),
            problem.url or problem.record_id or "",
            problem.detail,
        )
    return table


def verify(
    names: Annotated[
        list[str] | None, typer.Argument(help="WARC file names to audit (default: every file)")
    ] = None,
    wacz: Annotated[
        Path | None,
        typer.Option("--wacz", help="check an evidence package offline instead"),
    ] = None,
    tsa_cert: Annotated[
        list[Path] | None,
        typer.Option("--tsa-cert", help="PEM certificate a TSA must lead to (with --wacz)"),
    ] = None,
    key: Annotated[
        list[str] | None,
        typer.Option("--key", help="the signer's public key: PEM file, base64 or sha256:HEX"),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Fixity audit: re-read every stored WARC, recompute digests, compare with the index;
    with --wacz, check an evidence package offline."""
    if wacz is not None:
        if names:
            fail("--wacz checks one package: give no WARC names with it")
        from crawler.cli.verify_wacz import verify_wacz  # cryptography loads only here

        verify_wacz(wacz, tsa_cert or [], key or [], json_output)
    if tsa_cert or key:
        fail("--tsa-cert and --key go with --wacz FILE")
    session = open_configured_session(upload=False)
    if names:
        try:
            known = {f.name for f in session.store.list_files()}
        except StoreError as exc:
            fail(str(exc), EXIT_SOME_FAILED)
        known |= {row["name"] for row in file_rows(session.index.engine)}
        unknown = [name for name in names if name not in known]
        if unknown:
            fail(f"no stored WARC named {unknown[0]} (prov verify without names audits all)")
    started = time.monotonic()
    if stderr.is_terminal and not json_output:
        columns = (*Progress.get_default_columns()[:1], BarColumn(), DownloadColumn())
        with Progress(*columns, TimeRemainingColumn(), console=stderr, transient=True) as bar:
            task = bar.add_task("verifying", total=None)
            report = run_audit(session.store, session.index,
                names,
                progress=lambda n: bar.advance(task, n),
                on_start=lambda total: bar.update(task, total=total),
            )
    else:
        report = run_audit(session.store, session.index, names)
    seconds = time.monotonic() - started
    if json_output:
        print_json({**report.to_json(), "seconds": round(seconds, 3)})
    else:
        if report.problems:
            stdout.print(_problems_table(report))
        rate = report.bytes / 1e6 / seconds if seconds > 0 else 0.0
        stdout.print(
            f"verified {plural(report.files, 'WARC file')} ({report.bytes / 1e6:.1f} MB, "
            f"{plural(report.records, 'record')}, {plural(report.rows, 'index row')}) "
            f"in {seconds:.1f} s "
            f"({rate:.0f} MB/s): {report.result} (audit {report.audit_id})",
            markup=False,
        )
        if report.notes:
            stdout.print(
                f"{plural(len(report.notes), 'record')} of malformed responses as the server "
                "sent them (not damage; --json lists them)",
                markup=False,
            )
    for uri in report.missing:
        stderr.print(f"prov: missing: {uri}", markup=False)
    for uri in report.corrupt:
        stderr.print(f"prov: corrupt: {uri}", markup=False)
    if report.moved:
        stderr.print(
            f"prov: hint: {plural(len(report.moved), 'file')} of the index are in the store at "
            "another location (PROV_HOME or PROV_STORE moved): prov reindex records the new ones",
            markup=False,
        )
    if report.error:
        stderr.print(f"prov: failed: audit stopped: {report.error}", markup=False)
    raise typer.Exit(EXIT_SOME_FAILED if report.result != "ok" else EXIT_OK)
