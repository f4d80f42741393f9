"""Opening the archive for a command, with configuration errors turned into exit status 2."""

from __future__ import annotations

from archive.config import Config, ConfigError
from archive.index.database import DatabaseURLError
from archive.session import Archive, open_archive
from crawler.cli.output import fail, stderr


def open_configured_archive() -> Archive:
    try:
        archive = open_archive(Config.from_env())
    except (ConfigError, DatabaseURLError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot open the archive: {exc}")
    for repaired in archive.repaired:
        stderr.print(
            f"prov: repaired {repaired.path.name} left open by an interrupted run "
            f"({repaired.new_rows} captures indexed, {repaired.dropped_bytes} bytes of an "
            "incomplete record dropped)",
            markup=False,
        )
    return archive
