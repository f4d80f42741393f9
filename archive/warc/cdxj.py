"""CDXJ lines in the standard ``surt timestamp {json}`` form that pywb and cdxj-indexer use."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from archive.surts import surt_of

__all__ = ["INDEXED_TYPES", "capture_cdxj", "cdxj_line", "cdxj_path_for", "write_cdxj"]

INDEXED_TYPES = frozenset({"response", "revisit", "resource"})


def cdxj_line(
    url: str,
    timestamp: str,
    *,
    mime: str | None,
    status: int | None,
    digest: str | None,
    length: int,
    offset: int,
    filename: str,
) -> str:
    fields: dict[str, str] = {"url": url}
    if mime:
        fields["mime"] = mime
    if status is not None:
        fields["status"] = str(status)
    if digest:
        fields["digest"] = digest
    fields.update(length=str(length), offset=str(offset), filename=filename)
    return f"{surt_of(url)} {timestamp} {json.dumps(fields)}"


def capture_cdxj(row: Mapping[Any, Any], *, filename: str, offset: int, length: int) -> str:
    """The CDXJ line of the capture index ROW whose record is at OFFSET, LENGTH of FILENAME
    (a revisit has pywb's type ``warc/revisit``)."""
    return cdxj_line(
        row["url"],
        row["timestamp"],
        mime="warc/revisit" if row["record_type"] == "revisit" else row["mime"],
        status=row["status"],
        digest=row["payload_digest"],
        length=length,
        offset=offset,
        filename=filename,
    )


def write_cdxj(path: Path, lines: Iterable[str]) -> Path:
    """Write sorted lines (pywb needs them sorted) to PATH atomically."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in sorted(lines)), encoding="utf-8")
    tmp.replace(path)
    return path


def cdxj_path_for(warc_path: Path) -> Path:
    return warc_path.with_name(warc_path.name + ".cdxj")
