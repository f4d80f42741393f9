"""An opened archive: configuration, index and store locations, with ``.open`` files repaired."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.config import Config
from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from archive.recovery import RepairedFile, repair_open_files
from archive.store import LocalStore, Store


@dataclass
class Archive:
    config: Config
    index: CaptureIndex
    store: Store
    repaired: list[RepairedFile] = field(default_factory=list)

    def uri_for(self, name: str) -> str:
        """Storage URI of a WARC file by name."""
        return self.store.uri_for(name)

    @property
    def warc_dir(self) -> Path:
        return self.config.warc_dir


def open_archive(config: Config, *, repair: bool = True) -> Archive:
    """Create directories and tables as needed, and repair WARCs left open by dead processes."""
    config.ensure_dirs()
    archive = Archive(
        config, CaptureIndex(open_engine(config.database_url)), LocalStore(config.warc_dir)
    )
    if repair:
        archive.repaired = repair_open_files(archive.warc_dir, archive.index, archive.uri_for)
    return archive
