"""``prov upload``: send the WARCs waiting in the spool to S3 now, or list them."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import Progress

from archive.s3_store import S3Store
from archive.session import Archive
from archive.uploader import PendingFile, Uploader, pending_files, start_uploads
from crawler.cli.common import open_configured_archive
from crawler.cli.output import EXIT_OK, EXIT_SOME_FAILED, print_json, stderr, stdout


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


def _pending_json(item: PendingFile, store: S3Store) -> dict[str, Any]:
    return {
        "name": item.name,
        "uri": store.uri_for(item.name),
        "size": item.size,
        "state": item.state,
        "error": item.error,
    }


def finish_uploads(archive: Archive, timeout: float | None = None) -> list[PendingFile]:
    """At the end of a command that wrote WARCs: queue what the spool holds, wait up to
    TIMEOUT (default PROV_S3_DRAIN_TIMEOUT) and say on stderr what is still waiting."""
    uploader, store = archive.uploader, archive.store
    if uploader is None or not isinstance(store, S3Store):
        return []
    uploader.release_spool()
    uploader.submit_pending()
    uploader.drain(store.options.drain_timeout if timeout is None else timeout)
    uploader.stop()
    pending = pending_files(store, archive.index, uploader)
    if pending:
        why = uploader.last_error or "upload not finished in time"
        stderr.print(
            f"prov: pending: {len(pending)} WARC files ({_size(sum(p.size for p in pending))}) "
            f"wait in {store.spool} for {store.uri_for('')}: {why}; they go up at the next "
            "prov run, or run prov upload",
            markup=False,
        )
    for name, message in uploader.stats.conflicts.items():
        stderr.print(f"prov: not uploaded: {name}: {message}", markup=False)
    return pending


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
    archive = open_configured_archive(upload=False, preflight=not pending_only)
    store = archive.store
    if not isinstance(store, S3Store):
        if json_output:
            print_json({"store": archive.config.store_uri, "uploaded": [], "pending": []})
        else:
            stdout.print("PROV_STORE is a local directory: nothing to upload", markup=False)
        raise typer.Exit(EXIT_OK)
    uploader = None
    if not pending_only:
        waiting = pending_files(store, archive.index)
        uploader = archive.uploader = start_uploads(archive)
        assert uploader is not None
        _wait(uploader, timeout, len(waiting), stderr.is_terminal and not json_output)
        uploader.stop()
    pending = pending_files(store, archive.index, uploader)
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
                f"uploaded {len(uploaded)} WARC files ({_size(uploader.stats.bytes)}) "
                f"to {store.uri_for('')}, each verified by its SHA-256",
                markup=False,
            )
        for item in pending:
            stdout.print(
                f"pending: {item.name} ({_size(item.size)}, {item.state})"
                + (f": {item.error}" if item.error else ""),
                markup=False,
            )
    if uploader is not None:
        for name, message in uploader.stats.conflicts.items():
            stderr.print(f"prov: not uploaded: {name}: {message}", markup=False)
        if pending:
            why = uploader.last_error or "not finished in time"
            stderr.print(f"prov: failed: {len(pending)} files still pending: {why}", markup=False)
    raise typer.Exit(EXIT_SOME_FAILED if pending and not pending_only else EXIT_OK)
