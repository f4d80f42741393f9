"""``prov archive`` into S3, read back, ``prov verify`` and ``prov upload``, from the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import prov_env, register_home, run_prov
from tests.conftest_s3 import S3Server
from tests.s3_check import (
    download_warcs,
    flip_byte,
    keys,
    local_bytes,
    object_bytes,
    s3_home_env,
    split,
)
from tests.servers import RawHTTPServer

ROUTES = ("/plain", "/chunked", "/gzip-chunked", "/binary", "/redirect2", "/notfound")


def _urls(raw_server: RawHTTPServer, corpus_server: RawHTTPServer, pages: int) -> list[str]:
    corpus = [corpus_server.url(p.path) for p in corpus_server.corpus_pages()[:pages]]
    return [raw_server.url(route) for route in ROUTES] + corpus


class S3Run:
    def __init__(self, home: Path, env: dict[str, str], outputs: list[str]) -> None:
        self.home, self.env, self.outputs = home, env, outputs
        self.store = env["PROV_STORE"]

    def prov(self, *args: str, **extra: str) -> Any:
        result = run_prov(*args, home=self.home, env={**self.env, **extra})
        self.outputs += [result.stdout, result.stderr]
        return result


@pytest.fixture(scope="module")
def s3_run(
    s3_server: S3Server,
    s3_bucket: str,
    raw_server: RawHTTPServer,
    corpus_server: RawHTTPServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> S3Run:
    home = tmp_path_factory.mktemp("s3run") / "prov-data"
    run = S3Run(home, s3_home_env(home, s3_server, s3_bucket), [])
    result = run.prov("archive", "--json", *_urls(raw_server, corpus_server, 8))
    assert result.returncode == 1, result.stderr  # /notfound is a 404: archived, and a failure
    run.outputs.append(json.dumps(result.json()))
    # the session-end validator judges what was stored in the bucket
    assert download_warcs(s3_server, run.store, home / "warcs")
    return run


def test_archive_indexes_final_s3_uris_and_empties_the_spool(
    s3_run: S3Run, s3_server: S3Server
) -> None:
    captures = json.loads(s3_run.outputs[-1])
    stored = [c for c in captures if c["warc"]]
    assert len(stored) >= 14
    assert all(c["warc"].startswith(s3_run.store + "/") for c in stored)
    assert not list((s3_run.home / "spool").glob("*.warc.gz")), "verified uploads leave the spool"
    bucket, prefix = split(s3_run.store + "/")
    objects = keys(s3_server, bucket, prefix)
    for capture in stored:
        assert split(capture["warc"])[1] in objects
        assert split(capture["warc"])[1] + ".cdxj" in objects
    assert "pending" not in s3_run.outputs[1]


def test_lookup_and_text_read_records_back_from_s3(
    s3_run: S3Run, corpus_server: RawHTTPServer
) -> None:
    url = corpus_server.url(corpus_server.corpus_pages()[0].path)
    lookup = s3_run.prov("lookup", url, "--json")
    assert lookup.returncode == 0 and lookup.json()[0]["warc"].startswith("s3://")
    text = s3_run.prov("text", url, "--json")
    assert text.returncode == 0, text.stderr
    assert len(text.json()["text"]) > 200


def test_verify_audits_the_bucket_and_records_the_audit(s3_run: S3Run) -> None:
    result = s3_run.prov("verify", "--json")
    assert result.returncode == 0, result.stdout[-3000:]
    report = result.json()
    assert report["result"] == "ok" and report["files"] >= 2
    with sqlite3.connect(s3_run.home / "index.sqlite") as db:
        indexed = db.execute("SELECT count(*) FROM captures WHERE warc IS NOT NULL").fetchone()[0]
        texts = db.execute("SELECT count(*) FROM texts WHERE warc IS NOT NULL").fetchone()[0]
        audit = db.execute("SELECT scope, result, files, rows FROM audits").fetchall()[-1]
    assert report["rows"] == indexed + texts
    assert audit == ("all", "ok", report["files"], report["rows"])


def test_credentials_appear_nowhere(s3_run: S3Run, s3_server: S3Server, s3_bucket: str) -> None:
    wrong = s3_run.prov("upload", "--json", AWS_SECRET_ACCESS_KEY="Wrong-Secret-Kx7Pq2")
    assert wrong.returncode == 2 and "refused access" in wrong.stderr
    assert "Wrong-Secret-Kx7Pq2" not in wrong.stderr + wrong.stdout
    secret = s3_server.secret_key.encode()
    for text in s3_run.outputs:
        assert s3_server.secret_key not in text
        assert s3_server.access_key not in text
    for where, data in local_bytes(s3_run.home) + object_bytes(
        s3_server, s3_bucket, split(s3_run.store + "/")[1]
    ):
        assert secret not in data, where
        assert s3_server.access_key.encode() not in data, where


def _first_response(captures: list[dict[str, Any]]) -> dict[str, Any]:
    return next(c for c in captures if c["status"] == 200 and "/corpus/" in c["url"])


def test_a_flipped_byte_and_a_lost_object_in_s3_are_found(
    s3_server: S3Server,
    s3_bucket: str,
    raw_server: RawHTTPServer,
    corpus_server: RawHTTPServer,
    tmp_path: Path,
) -> None:
    home = tmp_path / "prov-data"
    register_home(home, "unjudgeable")  # damaged on purpose
    env = s3_home_env(home, s3_server, s3_bucket)
    urls = _urls(raw_server, corpus_server, 3)
    archived = run_prov("archive", "--json", "--no-text", *urls, home=home, env=env)
    target = _first_response(archived.json())
    flip_byte(s3_server, target["warc"], target["offset"] + target["length"] // 2)
    result = run_prov("verify", "--json", home=home, env=env)
    assert result.returncode == 1
    report = result.json()
    assert report["result"] == "problems" and report["corrupt"] == [target["warc"]]
    rows = [p for p in report["problems"] if p["kind"] == "row"]
    assert [(p["url"], p["detail"]) for p in rows] == [
        (target["url"], "points at a damaged record")
    ]
    assert f"prov: corrupt: {target['warc']}" in result.stderr
    bucket, key = split(target["warc"])
    s3_server.client().delete_object(Bucket=bucket, Key=key)
    lost = run_prov("verify", "--json", home=home, env=env)
    assert lost.returncode == 1 and lost.json()["missing"] == [target["warc"]]


def test_a_flipped_byte_in_a_local_warc_is_found(
    raw_server: RawHTTPServer, corpus_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    register_home(home, "unjudgeable")
    urls = _urls(raw_server, corpus_server, 3)
    archived = run_prov("archive", "--json", "--no-text", *urls, home=home)
    clean = run_prov("verify", "--json", home=home)
    assert clean.returncode == 0 and clean.json()["result"] == "ok", clean.stdout[-2000:]
    target = _first_response(archived.json())
    path = Path(target["warc"][len("file://") :])
    data = bytearray(path.read_bytes())
    data[target["offset"] + target["length"] // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = run_prov("verify", "--json", home=home)
    assert result.returncode == 1
    assert result.json()["corrupt"] == [target["warc"]]
    human = run_prov("verify", home=home)
    assert human.returncode == 1 and "problems" in human.stdout


def test_a_missing_bucket_is_exit_2_and_nothing_is_written(
    s3_server: S3Server, raw_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    env = prov_env(home, PROV_STORE="s3://prov-no-such-bucket/x", **s3_server.env())
    result = run_prov("archive", raw_server.url("/plain"), home=home, env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "prov: error: S3 bucket 'prov-no-such-bucket' does not exist; create it or fix PROV_STORE"
    )
    assert not home.exists()


def test_files_wait_while_s3_is_unreachable_and_prov_upload_sends_them(
    s3_server: S3Server, s3_bucket: str, raw_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    env = s3_home_env(home, s3_server, s3_bucket, PROV_S3_DRAIN_TIMEOUT="1")
    down = {**env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}
    archived = run_prov("archive", "--json", raw_server.url("/plain"), home=home, env=down)
    assert archived.returncode == 0, archived.stderr
    assert "prov: warning: cannot reach http://127.0.0.1:9" in archived.stderr
    assert "prov: pending: 2 WARC files" in archived.stderr  # the crawl's and the text stage's
    listed = run_prov("upload", "--pending", "--json", home=home, env=down)
    assert listed.returncode == 0
    pending = listed.json()["pending"]
    assert len(pending) == 2 and {p["state"] for p in pending} == {"closed"}
    sent = run_prov("upload", "--json", home=home, env=env)
    assert sent.returncode == 0, sent.stderr
    assert len(sent.json()["uploaded"]) == 2 and sent.json()["pending"] == []
    register_home(home)
    assert download_warcs(s3_server, env["PROV_STORE"], home / "warcs")
    verified = run_prov("verify", "--json", home=home, env=env)
    assert verified.returncode == 0, verified.stdout[-2000:]
