"""WARC files: records (``record``), conversion records of extracted text (``conversion``),
the ``.open`` file writer (``file``), CDXJ lines (``cdxj``), reading records back into index rows
(``indexer``), streaming fixity checks (``fixity``) and repair of files left open (``recovery``).

May import the glossary leaves and ``archive.index`` (rows and tables); never ``store``,
``capture`` or any later stage.
"""

from __future__ import annotations

__all__: list[str] = []
