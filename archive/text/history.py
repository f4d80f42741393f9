"""A URL's extracted texts over time, as the CLI and the HTTP API show them: one capture's text
nearest a time, and the sentence diff between two captures."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import RowMapping

from archive.errors import ProvError
from archive.text.diff import diff_texts

__all__ = ["NoEarlierText", "diff_json", "diff_pair", "nearest", "text_json"]

Row = RowMapping | Mapping[str, Any]


class NoEarlierText(ProvError, LookupError):
    """A diff was asked of a capture that has no earlier text to compare with."""


def text_json(row: Row) -> dict[str, Any]:
    data = dict(row)
    data["links"] = json.loads(data.get("links") or "[]")
    data["options"] = json.loads(data.get("options") or "{}")
    return data


def nearest(rows: Sequence[Row], stamp: str | None) -> Row:
    """The row whose capture time is nearest STAMP (the newest when STAMP is None)."""
    if stamp is None:
        return rows[-1]
    return min(rows, key=lambda row: (abs(int(row["timestamp"]) - int(stamp)), row["id"]))


def diff_pair(rows: Sequence[Row], from_stamp: str | None, to_stamp: str | None) -> tuple[Row, Row]:
    """(older, newer) text rows: nearest TO_STAMP (default newest), and nearest FROM_STAMP
    (default the one before it); :class:`NoEarlierText` when there is none before."""
    new = nearest(rows, to_stamp)
    if from_stamp is not None:
        return nearest(rows, from_stamp), new
    position = list(rows).index(new)
    if position == 0:
        raise NoEarlierText(f"with text before {new['timestamp']}; a diff needs two")
    return rows[position - 1], new


def diff_json(url: str, old: Row, new: Row) -> dict[str, Any]:
    """The ``prov diff --json`` object of two text rows."""
    changes = diff_texts(old["text"], new["text"])
    keys = ("timestamp", "capture_record_id", "text_digest")
    return {
        "url": url,
        "from": {k: old[k] for k in keys},
        "to": {k: new[k] for k in keys},
        "identical": not changes,
        "changes": [change.to_json() for change in changes],
    }
