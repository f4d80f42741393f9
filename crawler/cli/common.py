"""Opening the archive for a command, with configuration errors turned into exit status 2."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from archive.capture import Capture
from archive.config import Config, ConfigError
from archive.index.database import DatabaseURLError
from archive.s3_store import S3Store
from archive.session import Archive, open_archive
from crawler.cli.output import fail, stderr


def open_configured_archive(*, upload: bool = True, preflight: bool = False) -> Archive:
    """The archive PROV_* names. UPLOAD: pending S3 uploads resume in the background.
    PREFLIGHT: an S3 bucket that cannot work (missing, refused, no Object Lock) is exit 2."""
    try:
        config = Config.from_env()
        warning = None
        if preflight and config.s3 is not None:  # before anything is written
            warning = S3Store(config.s3, config.warc_dir).preflight()
        archive = open_archive(config, upload=upload)
    except (ConfigError, DatabaseURLError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot open the archive: {exc}")
    if warning:
        stderr.print(f"prov: warning: {warning}", markup=False)
    for repaired in archive.repaired:
        stderr.print(
            f"prov: repaired {repaired.path.name} left open by an interrupted run "
            f"({repaired.new_rows} captures indexed, {repaired.dropped_bytes} bytes of an "
            "incomplete record dropped)",
            markup=False,
        )
    return archive


def run_text_stage(archive: Archive, captures: list[Capture]) -> list[dict[str, Any]]:
    """Extract the texts of CAPTURES, one stderr line per failure; a storage or index error
    (a full disk) ends the stage with one line, and the captures stay as they are."""
    from archive.text_stage import TextStage

    try:
        rows = TextStage(archive).run(captures)
    except (OSError, SQLAlchemyError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        stderr.print(f"prov: text stage failed: {type(exc).__name__}: {reason}", markup=False)
        return []
    for row in rows:
        if row["error"]:
            stderr.print(f"prov: no text: {row['url']}: {row['error']}", markup=False)
    return rows
