"""Where WARC files live, behind one small protocol chosen by URI scheme (pywb's layered lookup:
index row -> (file, offset, length) -> one ranged read of one record).

``base`` holds the :class:`Store` protocol and its errors; ``file://`` is
:class:`~archive.store.local.LocalStore`, ``s3://`` is :class:`~archive.store.s3.store.S3Store`
(``s3/``); ``loader`` reads one record back by offset and length; ``audit`` re-reads every file
against the index (``prov verify``) and ``reindex`` rebuilds the index from the files alone.

May import the glossary leaves, ``archive.warc`` and ``archive.index``; never ``capture`` or a
later stage.
"""

from __future__ import annotations

from archive.config import Config
from archive.store.base import Store, StoredFile, StoreError
from archive.store.local import LocalStore

__all__ = ["LocalStore", "Store", "StoreError", "StoredFile", "open_store"]


def open_store(config: Config) -> Store:
    """The store PROV_STORE names, chosen by URI scheme (``file://`` or ``s3://``)."""
    if config.s3 is not None:
        from archive.store.s3.store import S3Store  # boto3 loads only for S3 stores

        return S3Store(config.s3, config.warc_dir)
    return LocalStore(config.warc_dir)

