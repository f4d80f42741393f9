"""The index: captures, crawls, WARC files, texts, citations, watches and audits, as
SQLAlchemy Core tables (``schema``), one module of queries per table family, and the row
models the CLI and the API show (``rows``).

SQLite by default, PostgreSQL at scale (``database``). May import the glossary leaves only:
every later stage reads and writes through it.
"""

from archive.index.captures import CaptureIndex
from archive.index.database import DatabaseURLError, open_engine

__all__ = ["CaptureIndex", "DatabaseURLError", "open_engine"]
