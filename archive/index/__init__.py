"""The index: captures, crawls and WARC files, behind SQLAlchemy Core."""

from archive.index.captures import CaptureIndex
from archive.index.database import DatabaseURLError, open_engine

__all__ = ["CaptureIndex", "DatabaseURLError", "open_engine"]
