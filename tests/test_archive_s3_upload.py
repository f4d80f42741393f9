"""Verified uploads to a real S3 server: checksums, multipart, no overwrite, Object Lock."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.config import Config, ConfigError
from archive.index.files import file_states
from archive.session import Session, open_session
from archive.store.s3.client import describe, make_client
from archive.store.s3.put import VerifiedPut, digest_file
from archive.store.s3.store import S3Store
from archive.store.s3.uploader import Uploader, pending_files
from tests.conftest_s3 import S3Server
from tests.test_archive_store_contract import _write


@pytest.fixture
def s3_env(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    return s3_server


def _archive(tmp_path: Path, bucket: str, **env: str) -> Session:
    store = f"s3://{bucket}/up-{uuid.uuid4().hex[:8]}"
    config = Config.from_env({"PROV_HOME": str(tmp_path / "home"), "PROV_STORE": store, **env})
    return open_session(config, upload=False)  # the tests drive the uploader themselves


@pytest.fixture
def written(tmp_path: Path, s3_env: S3Server, s3_bucket: str) -> Iterator[Session]:
    session = _archive(tmp_path, s3_bucket)
    _write(session, 3)
    yield session


def _store(session: Session) -> S3Store:
    assert isinstance(session.store, S3Store)
    return session.store


def test_multipart_upload_is_checked_by_its_composite_sha256(
    tmp_path: Path, s3_env: S3Server, s3_bucket: str
) -> None:
    path = tmp_path / "big.warc.gz"
    path.write_bytes(random.Random(7).randbytes(12 * 1024 * 1024 + 123))
    client = make_client()
    put = VerifiedPut(client, s3_bucket, part_size=5 * 1024 * 1024)
    result = put.put_file(path, "multipart/big.warc.gz")
    assert result.checksum.endswith("-3") and not result.already_there
    head = client.head_object(Bucket=s3_bucket, Key="multipart/big.warc.gz", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == result.checksum
    assert head["ContentLength"] == path.stat().st_size
    assert put.reread_sha256("multipart/big.warc.gz") == digest_file(path, 5 << 20).sha256
    again = put.put_file(path, "multipart/big.warc.gz")  # a second run finds it there
    assert again.already_there


def test_upload_verifies_then_empties_the_spool(written: Session) -> None:
    store = _store(written)
    names = [p.name for p in store.spool_files()]
    uploader = Uploader(store, written.index)
    for name in names:
        uploader.upload_one(name)
    assert not store.spool_files() and not list(store.spool.glob("*.cdxj"))
    states = file_states(written.index.engine)
    assert all(states[name] == "uploaded" for name in names)
    remote = {f.name for f in store.remote_files()}
    assert remote == set(names)
    keys = store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.key_for(""))
    assert {k["Key"].rsplit("/", 1)[-1] for k in keys["Contents"]} == {
        *names,
        *(n + ".cdxj" for n in names),
    }


def test_an_existing_key_is_never_overwritten(written: Session) -> None:
    store = _store(written)
    name = store.spool_files()[0].name
    store.client.put_object(Bucket=store.bucket, Key=store.key_for(name), Body=b"other bytes")
    uploader = Uploader(store, written.index)
    assert uploader._attempt(name)  # done with: a conflict is not retried
    assert "already exists with other content" in uploader.stats.conflicts[name]
    body = store.client.get_object(Bucket=store.bucket, Key=store.key_for(name))["Body"].read()
    assert body == b"other bytes"
    assert (store.spool / name).exists(), "the local copy stays"
    assert file_states(written.index.engine)[name] == "conflict"
    assert name in {p.name for p in pending_files(store, written.index)}


def test_the_same_bytes_already_there_count_as_uploaded(written: Session) -> None:
    store = _store(written)
    path = store.spool_files()[0]
    key = store.key_for(path.name)
    store.client.put_object(Bucket=store.bucket, Key=key, Body=path.read_bytes())
    uploader = Uploader(store, written.index)
    uploader.upload_one(path.name)
    assert uploader.stats.already_there == 1
    assert not path.exists()


def test_keep_spool_keeps_the_local_copy(tmp_path: Path, s3_env: S3Server, s3_bucket: str) -> None:
    session = _archive(tmp_path, s3_bucket, PROV_KEEP_SPOOL="1")
    _write(session, 2)
    store = _store(session)
    uploader = Uploader(store, session.index)
    for path in store.spool_files():
        uploader.upload_one(path.name)
    assert store.spool_files()
    assert not pending_files(store, session.index)
    assert {f.name for f in store.remote_files()} == {p.name for p in store.spool_files()}


def test_files_wait_in_the_spool_and_read_from_it_while_s3_is_down(
    tmp_path: Path, s3_env: S3Server, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    session = _archive(tmp_path, s3_bucket, PROV_S3_RETRY_MAX_DELAY="0.2")
    _write(session, 2)
    store = _store(session)
    uploader = Uploader(store, session.index).start()
    uploader.submit_pending()
    assert not uploader.drain(1.5)
    assert uploader.last_error and "cannot reach http://127.0.0.1:9" in uploader.last_error
    uploader.stop()
    waiting = pending_files(store, session.index, uploader)
    assert {w.name for w in waiting} == {p.name for p in store.spool_files()}
    row = next(iter(session.index.all_captures()))
    assert row.warc is not None and row.warc.startswith("s3://")
    assert row.offset is not None and row.length
    assert store.read_range(row.warc, row.offset, row.length)[:2] == b"\x1f\x8b"
    # the endpoint is back: a new process (here: a new uploader) sends what waited
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_env.endpoint)
    later = Uploader(S3Store(store.options, store.spool), session.index).start()
    assert later.submit_pending() == len(waiting)
    assert later.drain(30), later.last_error
    later.stop()
    assert not pending_files(store, session.index)


def test_object_lock_retention_is_set_on_each_object(
    tmp_path: Path, s3_env: S3Server
) -> None:
    bucket = s3_env.create_bucket(f"prov-lock-{uuid.uuid4().hex[:8]}", object_lock=True)
    session = _archive(
        tmp_path, bucket, PROV_S3_OBJECT_LOCK_MODE="governance", PROV_S3_OBJECT_LOCK_DAYS="2"
    )
    store = _store(session)
    assert store.preflight() is None
    _write(session, 1)
    name = store.spool_files()[0].name
    Uploader(store, session.index).upload_one(name)
    retention = store.client.get_object_retention(Bucket=bucket, Key=store.key_for(name))
    assert retention["Retention"]["Mode"] == "GOVERNANCE"


def test_object_lock_on_a_plain_bucket_is_one_clear_error(
    tmp_path: Path, s3_env: S3Server, s3_bucket: str
) -> None:
    session = _archive(tmp_path, s3_bucket, PROV_S3_OBJECT_LOCK_MODE="COMPLIANCE")
    with pytest.raises(ConfigError) as caught:
        _store(session).preflight()
    message = str(caught.value)
    assert "does not support Object Lock" in message and "\n" not in message


def test_errors_never_show_credentials(
    tmp_path: Path, s3_env: S3Server, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "wrong-secret-Hq2Zr8sLm5"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", wrong)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_env.endpoint.replace("//", f"//user:{wrong}@"))
    client = make_client()
    try:
        client.head_bucket(Bucket=s3_bucket)
    except Exception as exc:
        message = describe(exc, s3_bucket)
    else:
        pytest.fail("a wrong secret key was accepted")
    assert wrong not in message and s3_env.secret_key not in message
    with pytest.raises(ConfigError) as caught:
        Config.from_env({"PROV_STORE": f"s3://KEY:{wrong}@{s3_bucket}/x"})
    assert wrong not in str(caught.value)


def test_a_crashed_writers_file_is_repaired_then_uploaded(
    tmp_path: Path, s3_env: S3Server, s3_bucket: str
) -> None:
    from archive.capture.records import build_capture
    from archive.warc.file import WarcWriter
    from archive.warc.record import new_record_id
    from tests.test_archive_store_contract import _exchange

    first = _archive(tmp_path, s3_bucket)
    writer = WarcWriter(first.warc_dir)
    for n in range(3):
        writer.ensure_file()
        writer.write_capture(build_capture(_exchange(n), writer.warcinfo_id, new_record_id).records)
    assert writer.current is not None
    writer.sync()
    writer.current.abandon()  # the process died: NAME.open, nothing indexed
    again = open_session(first.config, upload=False)  # the next start repairs it
    assert len(again.repaired) == 1 and again.repaired[0].new_rows == 3
    store = _store(again)
    uploader = Uploader(store, again.index).start()
    assert uploader.submit_pending() == 1
    assert uploader.drain(30), uploader.last_error
    uploader.stop()
    rows = list(again.index.all_captures())
    assert len(rows) == 3
    for row in rows:
        assert row.warc is not None and row.offset is not None and row.length is not None
        assert row.warc.startswith("s3://") and not store.spool_files()
        assert store.read_range(row.warc, row.offset, row.length)[:2] == b"\x1f\x8b"
