"""Opening the archive for a command, with configuration errors turned into exit status 2."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from archive.config import Config, ConfigError
from archive.errors import error_line
from archive.index.database import DatabaseURLError
from archive.index.rows import Capture
from archive.index.text_queue import TextQueue
from archive.session import Session, open_session
from archive.store import open_store
from archive.store.s3.store import S3Store
from archive.store.s3.uploader import PendingFile, pending_files
from crawler.cli.output import fail, plural, stderr

if TYPE_CHECKING:
    from archive.text.stage import TextStage
    from crawler.outcome import CrawlOutcome

__all__ = [
    "check_frontier",
    "finish_uploads",
    "human_size",
    "open_configured_session",
    "report_storage_errors",
    "run_text_stage",
    "stamp_captures",
    "start_text_stage",
    "storage_line",
]


def open_configured_session(
    *, upload: bool = True, preflight: bool = False, crawls: bool = False
) -> Session:
    """The archive PROV_* names. UPLOAD: pending S3 uploads resume in the background.
    PREFLIGHT: an S3 bucket that cannot work (missing, refused, no Object Lock) is exit 2.
    CRAWLS (a command that crawls): a PROV_REDIS_URL that does not answer is exit 2."""
    try:
        config = Config.from_env()
        warning = None
        if preflight:  # before anything is written
            warning = open_store(config).preflight()
        if crawls:
            check_frontier(config)
        session = open_session(config, upload=upload)
    except (ConfigError, DatabaseURLError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot open the archive: {exc}")
    if warning:
        stderr.print(f"prov: warning: {warning}", markup=False)
    for repaired in session.repaired:
        if repaired.error:
            stderr.print(
                f"prov: warning: could not repair {repaired.path.name} left open by an "
                f"interrupted run: {repaired.error} (the next prov run tries again)",
                markup=False,
            )
            continue
        if repaired.removed:
            stderr.print(
                f"prov: removed {repaired.path.name} left by an interrupted run: it held no "
                "record",
                markup=False,
            )
            continue
        stderr.print(
            f"prov: repaired {repaired.path.name} left open by an interrupted run "
            f"({plural(repaired.new_rows, 'capture')} indexed, {repaired.dropped_bytes} bytes "
            "of an incomplete record dropped; the next text stage extracts their text)",
            markup=False,
        )
    return session


def check_frontier(config: Config) -> None:
    """With PROV_REDIS_URL: Redis answers, or one line and exit status 2."""
    if config.frontier is None:
        return
    from archive.frontier.client import FrontierUnavailable, Gate, connect

    try:
        Gate(config.frontier.shown).call(connect(config.frontier).ping)
    except FrontierUnavailable as exc:
        fail(f"{exc} (PROV_REDIS_URL turns on the shared frontier; unset it to crawl here)")


def start_text_stage(session: Session, *, single: bool = False) -> TextStage:
    """A text stage for SESSION, started: it extracts the captures given to its ``submit``
    (the recorder's, during a crawl) until ``run_text_stage`` closes it. SINGLE: at most one
    page is expected, extracted in this process (no worker pool to start)."""
    from archive.text.stage import TextStage  # the extractors load only for commands with text

    return TextStage(
        session.store, session.index, session.warc_dir, workers=1 if single else None
    ).start()


def run_text_stage(
    session: Session,
    captures: list[Capture],
    *,
    stage: TextStage | None = None,
    reuse: bool = True,
    collect: bool = False,
) -> list[dict[str, Any]]:
    """Extract the texts of CAPTURES (or close STAGE, which had them during the crawl), then
    those the text queue still holds (recovered after a crash, or left by a text stage that did
    not finish); one stderr line per failure. A storage or index error (a full disk) ends the
    stage with one line, and what was queued stays queued for the next run. REUSE: an earlier
    extraction of the same input stands for a new one. Returns the new rows with COLLECT."""
    from archive.text.payloads import wants_text
    from archive.text.stage import TextStage, TextSummary

    rows: list[dict[str, Any]] = []
    on_row = rows.append if collect else None

    def new_stage(count: int) -> TextStage:
        return TextStage(
            session.store,
            session.index,
            session.warc_dir,
            workers=1 if count <= 1 else None,
            reuse=reuse,
            on_row=on_row,
        )

    summary = TextSummary()
    saved = stage is not None
    try:
        if stage is not None:
            summary.add(stage.close())
        else:
            todo = [c for c in captures if wants_text(c)]
            saved = True
            summary.add(new_stage(len(todo)).run(todo) if todo else TextSummary())
        queue = TextQueue(session.index.engine)
        pending = queue.pending()
        queued = [c for c in pending if wants_text(c)]
        if queued:
            stderr.print(
                f"prov: extracting the text of {len(queued)} earlier captures left without it "
                "by an interrupted run",
                markup=False,
            )
            summary.add(new_stage(len(queued)).run(queued))
        queue.remove(c.record_id for c in pending if c.record_id and not wants_text(c))
    except (OSError, SQLAlchemyError) as exc:
        later = "; the next prov archive or prov reextract run extracts them" if saved else (
            "; prov reextract URL extracts them later"
        )
        stderr.print(f"prov: text stage failed: {error_line(exc)}{later}", markup=False)
        return rows
    for url, error in summary.failed:
        stderr.print(f"prov: no text: {url}: {error}", markup=False)
    return rows


def human_size(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


def finish_uploads(session: Session, timeout: float | None = None) -> list[PendingFile]:
    """At the end of a command that wrote WARCs: queue what the spool holds, wait up to
    TIMEOUT (default PROV_S3_DRAIN_TIMEOUT) and say on stderr what is still waiting."""
    uploader, store = session.uploader, session.store
    if uploader is None or not isinstance(store, S3Store):
        return []
    uploader.release_spool()
    uploader.submit_pending()
    uploader.drain(store.options.drain_timeout if timeout is None else timeout)
    uploader.stop()
    pending = pending_files(store, session.index, uploader)
    if pending:
        why = uploader.last_error or "upload not finished in time"
        size = human_size(sum(p.size for p in pending))
        stderr.print(
            f"prov: pending: {plural(len(pending), 'WARC file')} ({size}) "
            f"wait in {store.spool} for {store.uri_for('')}: {why}; they go up at the next "
            "prov run, or run prov upload",
            markup=False,
        )
    for name, message in uploader.stats.conflicts.items():
        stderr.print(f"prov: not uploaded: {name}: {message}", markup=False)
    return pending


def stamp_captures(session: Session, crawl_id: str) -> bool:
    """With PROV_TSA_URLS set: one time-stamp token per TSA over the Merkle root of the crawl's
    records (``archive.export.batches``); False (after one stderr line each) if a TSA failed.
    Failures are recorded in the index."""
    if not session.config.evidence.tsa_urls:
        return True
    from archive.export.batches import stamp_crawl
    from archive.store import StoreError

    try:
        result = stamp_crawl(session.index, session.store, session.config.evidence, crawl_id)
    except (StoreError, OSError, SQLAlchemyError, ConfigError) as exc:
        stderr.print(f"prov: failed: trusted time for crawl {crawl_id}: {error_line(exc)}",
                     markup=False)
        return False
    ok = True
    for stamp in result.stamps:
        if stamp.error:
            stderr.print(
                f"prov: failed: trusted time for crawl {crawl_id} from {stamp.tsa}: "
                f"{stamp.error}",
                markup=False,
            )
            ok = False
    return ok


def storage_line(url: str, entry: dict[str, Any]) -> str:
    """The line saying a URL's capture could not be stored, and whether it is on disk."""
    later = (
        " (its records are on disk: the next prov run indexes them)" if entry.get("on_disk") else ""
    )
    return f"prov: not archived: {url}: {entry['error']}{later}"


def report_storage_errors(outcome: CrawlOutcome, shown: set[str]) -> None:
    """A line for each capture a crawl could not store (robots.txt, redirect targets,
    requisites and sources included) that SHOWN does not name yet, with its URL; then the
    storage errors no URL stands for."""
    for entry in outcome.unwritten:
        if entry["url"] not in shown:
            stderr.print(storage_line(entry["url"], entry), markup=False)
            shown.add(entry["url"])
    per_url = {entry["error"] for entry in outcome.unwritten}
    for message in dict.fromkeys(outcome.write_errors):
        if message not in per_url:
            stderr.print(f"prov: write error: {message}", markup=False)
