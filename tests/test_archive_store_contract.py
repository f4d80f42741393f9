"""One contract, every store: the local directory and S3 (a real SeaweedFS) behave alike."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from archive.capture.exchange import Exchange
from archive.capture.recorder import CaptureRecorder
from archive.config import Config
from archive.http_response import ResponseParser
from archive.session import Session, open_session
from archive.store import Store, StoreError
from archive.store.loader import load_record
from archive.store.s3.store import S3Store
from archive.warc.file import WarcWriter
from tests.conftest_s3 import S3Server

BODY = b"<html><body>" + random.Random(5).randbytes(6000) + b"</body></html>"  # incompressible


def _exchange(n: int) -> Exchange:
    wire = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(BODY)
    parser = ResponseParser()
    parser.feed(wire + BODY)
    exchange = Exchange(f"http://contract.test/{n}", "GET", datetime.now(UTC))
    exchange.request_bytes = f"GET /{n} HTTP/1.1\r\nHost: contract.test\r\n\r\n".encode()
    exchange.parser = parser
    exchange.peer_ip = "127.0.0.1"
    return exchange


@dataclass
class Case:
    session: Session
    rows: list[dict[str, Any]]
    files: dict[str, bytes]  # name -> the bytes written

    @property
    def store(self) -> Store:
        return self.session.store


def _write(session: Session, count: int) -> dict[str, bytes]:
    writer = WarcWriter(session.warc_dir, max_file_size=15_000)
    recorder = CaptureRecorder(
        writer,
        session.index,
        uri_for=session.uri_for,
        crawl_id="contract",
        on_file_closed=session.uploader.submit if session.uploader else None,
    ).start()
    for n in range(count):
        recorder.record(_exchange(n))
    recorder.close()
    return {p.name: p.read_bytes() for p in session.warc_dir.glob("*.warc.gz")}


@pytest.fixture(params=["local", "s3"])
def case(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Case]:
    env = {"PROV_HOME": str(tmp_path / "home")}
    if request.param == "s3":
        server: S3Server = request.getfixturevalue("s3_server")
        bucket: str = request.getfixturevalue("s3_bucket")
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        env["PROV_STORE"] = f"s3://{bucket}/contract-{uuid.uuid4().hex[:8]}"
    session = open_session(Config.from_env(env))
    files = _write(session, 6)
    if session.uploader is not None:
        assert session.uploader.drain(30), session.uploader.last_error
    rows = [c.to_json() for c in session.index.all_captures()]
    yield Case(session, rows, files)
    if session.uploader is not None:
        session.uploader.stop()


def test_files_are_listed_with_their_size(case: Case) -> None:
    listed = {f.name: f for f in case.store.list_files()}
    assert set(listed) == set(case.files) and len(listed) >= 2
    for name, data in case.files.items():
        assert listed[name].size == len(data)
        assert listed[name].uri == case.store.uri_for(name)


def test_index_rows_hold_the_final_uri_and_read_back_by_range(case: Case) -> None:
    assert len(case.rows) == 6
    for row in case.rows:
        name = row["warc"].rsplit("/", 1)[-1]
        assert row["warc"] == case.store.uri_for(name)
        member = case.store.read_range(row["warc"], row["offset"], row["length"])
        assert member == case.files[name][row["offset"] : row["offset"] + row["length"]]
        record = load_record(case.store, row["warc"], row["offset"], row["length"])
        assert record.header("WARC-Record-ID") == row["record_id"]
        assert record.http_response().payload == BODY


def test_whole_files_stream_back_byte_for_byte(case: Case) -> None:
    for name, data in case.files.items():
        with case.store.open_file(case.store.uri_for(name)) as stream:
            assert stream.read() == data


def test_missing_objects_and_ranges_raise_store_error(case: Case) -> None:
    uri = case.store.uri_for("prov-nothing-here.warc.gz")
    with pytest.raises(StoreError):
        case.store.read_range(uri, 0, 10)
    with pytest.raises(StoreError):
        case.store.open_file(uri)
    name, data = next(iter(case.files.items()))
    with pytest.raises(StoreError):
        case.store.read_range(case.store.uri_for(name), len(data) - 5, 10)


@pytest.mark.parametrize("case", ["s3"], indirect=True)
def test_s3_reads_one_record_with_one_ranged_get(case: Case) -> None:
    store = case.store
    assert isinstance(store, S3Store)
    assert not store.spool_files(), "verified uploads leave the spool"
    calls: list[dict[str, Any]] = []
    store.client.meta.events.register(
        "provide-client-params.s3.GetObject", lambda params, **_: calls.append(dict(params))
    )
    row = case.rows[3]
    store.read_range(row["warc"], row["offset"], row["length"])
    assert len(calls) == 1
    end = row["offset"] + row["length"] - 1
    assert calls[0]["Range"] == f"bytes={row['offset']}-{end}"


def test_a_file_being_closed_stays_readable_through_its_rename(case: Case) -> None:
    """A reader racing the writer's rename of NAME.open to NAME (the text stage reads records
    of a file the crawl is still writing) always finds one of the two."""
    data = random.Random(7).randbytes(300)
    names = [f"prov-closing-{n:04d}.warc.gz" for n in range(1500)]
    for name in names:
        (case.session.warc_dir / f"{name}.open").write_bytes(data)
    closing = [0]
    reading = threading.Event()  # the reader has taken the file about to be closed

    def close_each() -> None:
        for n, name in enumerate(names):
            reading.clear()
            closing[0] = n
            reading.wait(5)
            final = case.session.warc_dir / name
            final.with_name(f"{name}.open").rename(final)

    closer = threading.Thread(target=close_each)
    closer.start()
    reads, errors = 0, []
    while closer.is_alive():
        uri = case.store.uri_for(names[closing[0]])
        reading.set()
        try:
            assert case.store.read_range(uri, 100, 50) == data[100:150]
        except StoreError as exc:
            errors.append(str(exc))
        reads += 1
    closer.join()
    assert not errors, f"{len(errors)} of {reads} reads failed: {errors[0]}"


def test_a_backlog_is_committed_every_sync_interval_not_only_when_it_drains(
    tmp_path: Path,
) -> None:
    """Group commit bounds how long a written capture waits for its row: a queue that never
    runs empty (a fast crawl, a slow disk) must not hold every row back until the crawl ends,
    or a disk that fills meanwhile leaves a whole crawl written and none of it indexed."""
    session = open_session(Config.from_env({"PROV_HOME": str(tmp_path / "home")}))
    groups: list[int] = []
    recorder = CaptureRecorder(
        WarcWriter(session.warc_dir),
        session.index,
        uri_for=session.uri_for,
        crawl_id="backlog",
        sync_interval=0.02,
        max_pending=100_000,
        on_indexed=lambda captures: groups.append(len(captures)),
    )
    count = 1500
    for n in range(count):  # queued before the thread starts: the queue is never empty
        recorder.record(_exchange(n))
    recorder.start().close()
    assert sum(groups) == count == len(list(session.index.all_captures())), recorder.write_errors
    assert len(groups) >= 2 and max(groups) < count, groups
