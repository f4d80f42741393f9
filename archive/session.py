"""An opened archive: configuration, index and store locations, with ``.open`` files repaired."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archive.config import Config
from archive.index.captures import CaptureIndex
from archive.index.database import open_engine
from archive.store import Store, open_store
from archive.warc.recovery import RepairedFile, repair_open_files

if TYPE_CHECKING:
    from archive.store.s3.uploader import Uploader

__all__ = ["Session", "open_session"]


@dataclass
class Session:
    config: Config
    index: CaptureIndex
    store: Store
    repaired: list[RepairedFile] = field(default_factory=list)
    uploader: Uploader | None = None  # S3 stores: uploads spool files in the background

    def uri_for(self, name: str) -> str:
        """Storage URI of a WARC file by name."""
        return self.store.uri_for(name)

    @property
    def warc_dir(self) -> Path:
        return self.config.warc_dir


def open_session(config: Config, *, repair: bool = True, upload: bool = True) -> Session:
    """Create directories and tables as needed, and repair WARCs left open by dead processes.

    With an S3 store (and UPLOAD), WARCs still waiting in the spool start going up in the
    background (see :mod:`archive.store.s3.uploader`).
    """
    config.ensure_dirs()
    session = Session(config, CaptureIndex(open_engine(config.database_url)), open_store(config))
    if repair:
        session.repaired = repair_open_files(session.warc_dir, session.index, session.uri_for)
    if upload and config.s3 is not None:
        from archive.store.s3.uploader import start_uploads

        session.uploader = start_uploads(session.store, session.index)
    return session
