"""``prov worker`` and ``prov crawls``: the shared frontier (``PROV_REDIS_URL``)."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from archive.config import Config, ConfigError
from archive.index.crawls import CrawlIndex
from archive.timestamps import utcnow, warc_date
from crawler.cli.common import finish_uploads, open_configured_session
from crawler.cli.output import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    JsonOption,
    fail,
    print_json,
    stderr,
    stdout,
)

if TYPE_CHECKING:  # the frontier loads redis: only the commands that use it import it
    from archive.config import FrontierOptions
    from archive.frontier.client import Gate
    from archive.frontier.crawls import CrawlBoard, CrawlCounts

__all__ = ["crawls", "worker"]

NEEDS_REDIS = "needs PROV_REDIS_URL (the shared frontier's Redis, e.g. redis://host:6379/0)"


def _config() -> Config:
    try:
        return Config.from_env()
    except ConfigError as exc:
        fail(str(exc))


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", min=1, help="requests at once, over all crawls (CONCURRENT_REQUESTS)"
        ),
    ] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="stop once no crawl has requests left")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Fetch the requests of crawls on the shared frontier until stopped (SIGTERM, Ctrl-C)."""
    if _config().frontier is None:
        fail(f"prov worker {NEEDS_REDIS}")
    session = open_configured_session(crawls=True)
    from crawler.frontier.worker import Worker
    from crawler.runner import load_settings
    from crawler.scheduler.daemon import Events

    events = Events(json_output, lambda line: stderr.print(line, markup=False), "prov worker")
    _log_warnings()
    count = concurrency or load_settings().getint("CONCURRENT_REQUESTS")
    summary = Worker(session.config, concurrency=count, until_idle=until_idle, emit=events).run()
    finish_uploads(session)  # S3: what still waits is said, and goes up at the next start
    raise typer.Exit(EXIT_SOME_FAILED if summary["write_errors"] else EXIT_OK)


def _log_warnings() -> None:
    """A worker runs unattended: warnings and errors of prov and Scrapy go to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("prov worker: %(levelname)s: %(name)s: %(message)s"))
    for name in ("archive", "crawler", "scrapy"):
        logging.getLogger(name).addHandler(handler)


def _board(frontier: FrontierOptions) -> tuple[CrawlBoard, Gate]:
    from archive.frontier.client import Gate, connect
    from archive.frontier.crawls import CrawlBoard

    return CrawlBoard(connect(frontier, timeout=3), frontier.prefix), Gate(frontier.shown)


def _frontier_counts(config: Config, ids: list[str]) -> dict[str, CrawlCounts] | None:
    """The frontier's counts of crawls IDS (and of every active one); None: Redis is away."""
    from archive.frontier.client import FrontierUnavailable

    if config.frontier is None:
        return None
    board, gate = _board(config.frontier)
    try:
        found = gate.call(board.counts, [*ids, *gate.call(board.crawl_ids)])
    except FrontierUnavailable as exc:
        stderr.print(f"prov: warning: {exc}: queued, in-flight, done and failed unknown",
                     markup=False)
        return None
    return {c.crawl_id: c for c in found}


def _cancel(config: Config, crawl_id: str) -> None:
    from archive.frontier.client import FrontierUnavailable
    from archive.frontier.crawls import ACTIVE

    if config.frontier is None:
        fail(f"prov crawls --cancel {NEEDS_REDIS}")
    board, gate = _board(config.frontier)
    try:
        found = gate.call(board.counts, [crawl_id])
        if not found:
            fail(f"no crawl {crawl_id} on the shared frontier at {config.frontier.shown}")
        if found[0].state not in ACTIVE:
            fail(f"crawl {crawl_id} is already {found[0].state}")
        gate.call(board.end, crawl_id, "cancelled", warc_date(utcnow()), config.frontier.keep)
    except FrontierUnavailable as exc:
        fail(str(exc))


def crawls(
    limit: Annotated[int, typer.Option("--limit", min=1, help="newest crawls shown")] = 20,
    cancel: Annotated[
        str | None,
        typer.Option("--cancel", help="cancel this crawl on the shared frontier (by id)"),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Crawls, newest first: state, captures and, on the shared frontier, queued / in-flight /
    done / failed requests."""
    config = _config()
    if cancel is not None:
        _cancel(config, cancel)
    session = open_configured_session(upload=False)
    rows = CrawlIndex(session.index.engine).recent(limit)
    counts = _frontier_counts(config, [row["crawl_id"] for row in rows])
    listing = [_row(row, (counts or {}).get(row["crawl_id"])) for row in rows]
    if json_output:
        print_json(listing)
    else:
        stdout.print(_table(listing))
    raise typer.Exit(EXIT_OK)


def _row(row: dict[str, Any], counts: CrawlCounts | None) -> dict[str, Any]:
    state = "finished" if row["finished"] else "unfinished"
    if row["result"] == "cancelled":
        state = "cancelled"
    frontier: dict[str, Any] = dict.fromkeys(("queued", "in_flight", "done", "failed"))
    if counts is not None:
        state = "drained" if counts.drained else counts.state
        frontier = {
            "queued": counts.queued,
            "in_flight": counts.in_flight,
            "done": counts.done,
            "failed": counts.failed,
        }
    return {**row, "state": state, "frontier": counts is not None, **frontier}


def _table(listing: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(listing)} crawls, newest first", title_justify="left")
    columns = ("crawl", "kind", "state", "started", "queued", "in flight", "done", "failed",
               "captures")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in listing:
        cells = [row[k] for k in ("queued", "in_flight", "done", "failed")]
        table.add_row(
            row["crawl_id"],
            row["kind"],
            row["state"],
            row["started"],
            *("-" if c is None else str(c) for c in cells),
            f"{row['captures']} ({row['fetch_failures']} failed)",
        )
    return table
