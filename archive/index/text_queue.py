"""The ``text_queue`` table: captures whose text is still to be extracted.

Recovery queues the captures of every file it repairs (the text stage of the run that wrote
them never ran), and the text stage queues what it is about to extract and takes it off once
the texts are indexed, so a run killed or stopped by a full disk in between leaves its
captures queued. The next text stage takes what is queued and has no text yet.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, delete, insert, select

from archive.index.rows import Capture
from archive.index.schema import captures, text_queue, texts

__all__ = ["TextQueue"]

_BATCH = 500


def _batches(ids: Iterable[str]) -> Iterable[list[str]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), _BATCH):
        yield unique[start : start + _BATCH]


class TextQueue:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, record_ids: Iterable[str], queued: str) -> int:
        """Queue the captures RECORD_IDS (those queued already stay as they are)."""
        added = 0
        with self.engine.begin() as conn:
            for batch in _batches(record_ids):
                known = set(
                    conn.scalars(
                        select(text_queue.c.capture_record_id).where(
                            text_queue.c.capture_record_id.in_(batch)
                        )
                    )
                )
                fresh = [
                    {"capture_record_id": i, "queued": queued} for i in batch if i not in known
                ]
                if fresh:
                    conn.execute(insert(text_queue), fresh)
                    added += len(fresh)
        return added

    def pending(self) -> list[Capture]:
        """The queued captures that have no text yet, oldest first."""
        has_text = select(texts.c.id).where(texts.c.capture_record_id == captures.c.record_id)
        query = (
            select(captures)
            .join(text_queue, text_queue.c.capture_record_id == captures.c.record_id)
            .where(~has_text.exists())
            .order_by(captures.c.warc_date, captures.c.id)
        )
        with self.engine.connect() as conn:
            return [Capture.from_row(row) for row in conn.execute(query)]

    def remove(self, record_ids: Iterable[str]) -> None:
        with self.engine.begin() as conn:
            for batch in _batches(record_ids):
                conn.execute(
                    delete(text_queue).where(text_queue.c.capture_record_id.in_(batch))
                )
