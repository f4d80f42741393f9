"""``prov verify``: a fixity audit of every stored WARC against the index, recorded in it.

Every file the store lists, the ``warc_files`` table names or an index row points at is
read once, streaming (:mod:`archive.warc.fixity`). Then each index row (``captures`` and
``texts``) must point at a record that starts at its offset, has its length, its record id
and (for captures) its payload digest, and is itself intact. Missing files, damaged files
and wrong rows are reported; the audit's time, scope, result and counts go into ``audits``.
Faithful records of malformed responses (broken chunking as the server sent it) are listed
as ``notes``, not problems.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import Engine, String, literal_column, null, select, union_all

from archive.index.audits import record_audit
from archive.index.captures import CaptureIndex
from archive.index.files import file_rows
from archive.index.schema import captures, texts
from archive.store.base import Store, StoreError
from archive.timestamps import utcnow, warc_date
from archive.warc.fixity import FileCheck, check_stream

MAX_DETAILS = 1000


@dataclass(frozen=True)
class Problem:
    kind: str  # missing | corrupt | size | row
    warc: str
    detail: str
    offset: int | None = None
    record_id: str | None = None
    url: str | None = None


@dataclass
class AuditReport:
    started: str
    scope: str
    finished: str | None = None
    files: int = 0
    records: int = 0
    rows: int = 0
    bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # kind malformed-response: no problem
    missing: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # missing, but the store holds that name
    corrupt: list[str] = field(default_factory=list)
    error: str | None = None
    audit_id: int | None = None

    @property
    def result(self) -> str:
        if self.error:
            return "error"
        return "problems" if self.problems else "ok"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["result"] = self.result
        return data


@dataclass
class Target:
    uri: str
    name: str
    size: int | None  # as listed by the store (None: not listed)
    indexed_size: int | None  # as the warc_files table recorded it


Progress = Callable[[int], None]


def _rows_by_warc(engine: Engine, uris: set[str] | None) -> Iterator[tuple[str, list[Any]]]:
    """Index rows pointing into WARC files, grouped by file (one streamed query)."""
    capture_rows = select(
        captures.c.warc,
        captures.c.offset,
        captures.c.length,
        captures.c.record_id,
        captures.c.payload_digest,
        captures.c.url,
        literal_column("'captures'").label("source"),
    ).where(captures.c.warc.is_not(None))
    text_rows = select(
        texts.c.warc,
        texts.c.offset,
        texts.c.length,
        texts.c.conversion_record_id,
        null().cast(String).label("payload_digest"),
        texts.c.url,
        literal_column("'texts'").label("source"),
    ).where(texts.c.warc.is_not(None))
    if uris is not None:
        capture_rows = capture_rows.where(captures.c.warc.in_(uris))
        text_rows = text_rows.where(texts.c.warc.in_(uris))
    both = union_all(capture_rows, text_rows)
    query = both.order_by(both.selected_columns.warc, both.selected_columns.offset)
    with engine.connect().execution_options(stream_results=True, yield_per=2000) as conn:
        for uri, rows in groupby(conn.execute(query), key=lambda row: row[0]):
            yield uri, list(rows)


def _targets(store: Store, index: CaptureIndex, names: set[str] | None) -> dict[str, Target]:
    targets: dict[str, Target] = {}
    for stored in store.list_files():
        if names is None or stored.name in names:
            targets[stored.uri] = Target(stored.uri, stored.name, stored.size, None)
    for row in file_rows(index.engine):
        if names is not None and row["name"] not in names:
            continue
        target = targets.setdefault(row["uri"], Target(row["uri"], row["name"], None, None))
        target.indexed_size = row["size"]
    return targets


def run_audit(
    store: Store,
    index: CaptureIndex,
    names: list[str] | None = None,
    *,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
) -> AuditReport:
    """Audit the WARC files NAMES (all when None); record and return the report."""
    wanted = set(names) if names else None
    report = AuditReport(warc_date(utcnow()), "all" if wanted is None else " ".join(sorted(wanted)))
    try:
        targets = _targets(store, index, wanted)
        if on_start is not None:
            on_start(sum(t.size or t.indexed_size or 0 for t in targets.values()))
        uris = None if wanted is None else set(targets)
        listed = {t.name: t.uri for t in targets.values() if t.size is not None}
        for uri, rows in _rows_by_warc(index.engine, uris):
            target = targets.pop(uri, None) or Target(uri, uri.rsplit("/", 1)[-1], None, None)
            _audit_target(store, target, rows, report, progress, listed)
        for target in sorted(targets.values(), key=lambda t: t.uri):
            _audit_target(store, target, [], report, progress, listed)
    except (StoreError, OSError) as exc:
        report.error = str(exc)
    report.finished = warc_date(utcnow())
    report.audit_id = _record(index, report)
    return report


def _audit_target(
    store: Store,
    target: Target,
    rows: list[Any],
    report: AuditReport,
    progress: Progress | None,
    listed: dict[str, str],
) -> None:
    try:
        with store.open_file(target.uri) as stream:
            check = check_stream(stream, progress, live=target.size is None)
    except (StoreError, OSError) as exc:
        report.missing.append(target.uri)
        detail = str(exc)
        elsewhere = listed.get(target.name)
        if elsewhere is not None and elsewhere != target.uri:  # PROV_HOME or the store moved
            report.moved.append(target.uri)
            if "prov reindex" not in detail:
                detail += f" (the store holds {target.name} at {elsewhere}: run prov reindex)"
        report.problems.append(Problem("missing", target.uri, detail))
        for row in rows:
            report.rows += 1
            report.problems.append(
                Problem("row", target.uri, "points into a missing file", row[1], row[3], row[5])
            )
        return
    report.files += 1
    report.bytes += check.size
    report.records += len(check.records)
    found: list[Problem] = []
    if target.size is not None and target.size != check.size:
        detail = f"listed as {target.size} bytes, read {check.size}"
        found.append(Problem("size", target.uri, detail))
    elif target.size is not None and target.indexed_size not in (None, check.size):
        detail = f"the index recorded {target.indexed_size} bytes, the store has {check.size}"
        found.append(Problem("size", target.uri, detail))
    for offset, what in check.problems:
        found.append(Problem("corrupt", target.uri, what, offset))
    for record in check.records.values():
        if record.note:
            note = Problem(
                "malformed-response", target.uri, record.note, record.offset, record.record_id
            )
            report.notes.append(note)
        if record.problem:
            found.append(
                Problem("corrupt", target.uri, record.problem, record.offset, record.record_id)
            )
    found += _check_rows(target.uri, rows, check)
    report.rows += len(rows)
    if any(p.kind in ("corrupt", "size") for p in found):
        report.corrupt.append(target.uri)
    report.problems += found


def _row_problem(row: Any, check: FileCheck, damaged: set[int]) -> str | None:
    _warc, offset, length, record_id, digest, _url, _source = row
    record = check.records.get(offset)
    if record is None:
        return "points at a damaged record" if offset in damaged else "no record starts there"
    if record.length != length:
        return f"length {length} in the index, the record is {record.length} bytes"
    if record.record_id != record_id:
        return f"the record there is {record.record_id}"
    if digest and record.payload_digest != digest:
        return f"payload digest {digest} in the index, {record.payload_digest} in the WARC"
    if record.problem:
        return f"points at a damaged record ({record.problem})"
    return None


def _check_rows(uri: str, rows: list[Any], check: FileCheck) -> list[Problem]:
    damaged = {offset for offset, _ in check.problems}
    found = []
    for row in rows:
        detail = _row_problem(row, check, damaged)
        if detail is not None:
            found.append(Problem("row", uri, detail, row[1], row[3], row[5]))
    return found


def _record(index: CaptureIndex, report: AuditReport) -> int:
    details = [asdict(p) for p in report.problems[:MAX_DETAILS]]
    if report.error:
        details.insert(0, {"kind": "error", "detail": report.error})
    return record_audit(
        index.engine,
        {
            "started": report.started,
            "finished": report.finished,
            "scope": report.scope,
            "result": report.result,
            "files": report.files,
            "records": report.records,
            "rows": report.rows,
            "bytes": report.bytes,
            "missing": len(report.missing),
            "corrupt": len(report.corrupt),
            "problems": len(report.problems),
            "details": json.dumps(details),
        },
    )


__all__ = ["AuditReport", "Problem", "Target", "run_audit"]
