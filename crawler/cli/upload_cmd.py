"""``prov upload``: send the WARCs waiting in the spool to S3 now, or list them."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import Progress

from archive.store.s3.store import S3Store
from archive.store.s3.uploader import PendingFile, Uploader, pending_files, start_uploads
from crawler.cli.common import human_size, open_configured_session
from crawler.cli.output import EXIT_OK, EXIT_SOME_FAILED, plural, print_json, stderr, stdout

__all__ = ["upload"]


def _pending_json(item: PendingFile, store: S3Store) -> dict[str, Any]:
    return {
        "name": item.name,
        "uri": store.uri_for(item.name),
        "size": item.size,
        "state": item.state,
        "error": item.error,
    }


def _wait(uploader: Uploader, timeout: float, total: int, show: bool) -> None:
    if not show:
        uploader.drain(timeout)
        return
    with Progress(console=stderr, transient=True) as bar:
        task = bar.add_task("uploading", total=total)
        for _ in range(int(timeout * 2) + 1):
            if uploader.drain(0.5):
                break
            bar.update(task, completed=len(uploader.stats.uploaded))


def upload(
    pending_only: Annotated[
        bool, typer.Option("--pending", help="only list the files waiting for upload")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0, help="seconds to keep trying while S3 is down")
    ] = 60.0,
    json_output: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Upload the WARC files waiting in the spool to the S3 store (and verify them)."""
    session = open_configured_session(upload=False, preflight=not pending_only)
    store = session.store
    if not isinstance(store, S3Store):
        if json_output:
            print_json({"store": session.config.store_uri, "uploaded": [], "pending": []})
        else:
            stdout.print("PROV_STORE is a local directory: nothing to upload", markup=False)
        raise typer.Exit(EXIT_OK)
    uploader = None
    if not pending_only:
        waiting = pending_files(store, session.index)
        uploader = session.uploader = start_uploads(session.store, session.index)
        assert uploader is not None
        _wait(uploader, timeout, len(waiting), stderr.is_terminal and not json_output)
        uploader.stop()
    pending = pending_files(store, session.index, uploader)
    uploaded = uploader.stats.uploaded if uploader else []
    if json_output:
        print_json(
            {
                "store": store.uri_for(""),
                "uploaded": [{"name": n, "uri": store.uri_for(n)} for n in uploaded],
                "pending": [_pending_json(item, store) for item in pending],
                "bytes": uploader.stats.bytes if uploader else 0,
                "seconds": round(uploader.stats.seconds, 3) if uploader else 0.0,
            }
        )
    else:
        if uploader is not None:
            stdout.print(
                f"uploaded {plural(len(uploaded), 'WARC file')} "
                f"({human_size(uploader.stats.bytes)}) to {store.uri_for('')}, "
                "each verified by its SHA-256",
                markup=False,
            )
        for item in pending:
            stdout.print(
                f"pending: {item.name} ({human_size(item.size)}, {item.state})"
                + (f": {item.error}" if item.error else ""),
                markup=False,
            )
    if uploader is not None:
        for name, message in uploader.stats.conflicts.items():
            stderr.print(f"prov: not uploaded: {name}: {message}", markup=False)
        if pending:
            why = uploader.last_error or "not finished in time"
            still = f"{plural(len(pending), 'file')} still pending"
            stderr.print(f"prov: failed: {still}: {why}", markup=False)
    raise typer.Exit(EXIT_SOME_FAILED if pending and not pending_only else EXIT_OK)
