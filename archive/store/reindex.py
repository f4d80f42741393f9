"""Rebuild the whole index (captures, texts, CDXJ) from the WARC files alone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archive.index.captures import CaptureIndex
from archive.index.texts import TextIndex
from archive.store.base import Store, StoredFile, StoreError
from archive.timestamps import utcnow, warc_date
from archive.warc.cdxj import cdxj_path_for, write_cdxj
from archive.warc.indexer import index_warc

logger = logging.getLogger(__name__)


@dataclass
class ReindexResult:
    files: int = 0
    captures: int = 0
    texts: int = 0
    errors: list[str] = field(default_factory=list)


def reindex(
    store: Store,
    index: CaptureIndex,
    warc_dir: Path,
    progress: Callable[[StoredFile], None] | None = None,
) -> ReindexResult:
    result = ReindexResult()
    texts = TextIndex(index.engine)
    index.clear()
    texts.clear()
    for stored in store.list_files():
        try:
            with store.open_file(stored.uri) as stream:
                records = list(index_warc(stream, stored.name, stored.uri))
        except (StoreError, ValueError, OSError) as exc:
            result.errors.append(f"{stored.name}: {exc}")
            continue
        result.files += 1
        result.captures += index.add_captures(
            [r.row for r in records if r.table == "captures"]
        )
        result.texts += texts.add_texts([r.row for r in records if r.table == "texts"])
        local = warc_dir / stored.name
        if local.exists():
            write_cdxj(cdxj_path_for(local), [r.cdxj for r in records if r.cdxj])
        index.record_warc_file(
            stored.name, stored.uri, None, stored.size, warc_date(utcnow()), "reindexed"
        )
        if progress is not None:
            progress(stored)
    return result


__all__ = ["ReindexResult", "reindex"]
