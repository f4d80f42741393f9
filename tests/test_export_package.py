"""``prov export --wacz`` and ``prov verify --wacz`` end to end, with a real TSA (OpenSSL) and
py-wacz: captures of a URL (a response and a revisit of it) exported, validated by py-wacz,
verified offline; then one flipped byte in the WARC, the index, the page list, the signature
or a token, a re-hashed tampering, and a token from another TSA each break verification at
the link named; bad input is exit 2 with nothing written."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ProvResult, prov_env, run_prov
from tests.pywb_replay import validator_tool
from tests.servers import RawHTTPServer
from tests.servers.tsa import TimestampAuthority


@pytest.fixture(scope="module")
def exported(
    raw_server: RawHTTPServer, tsa: TimestampAuthority, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """/plain captured twice (a response, then a revisit), /gzip once, stamped at crawl end;
    the captures of /plain exported."""
    root = tmp_path_factory.mktemp("export")
    home = root / "prov-data"
    env = prov_env(home, PROV_TSA_URLS=tsa.url, PROV_TSA_CERTS=str(tsa.ca_pem))
    url = raw_server.url("/plain")
    for urls in ([url, raw_server.url("/gzip")], [url]):
        archived = run_prov("archive", "--json", *urls, home=home, env=env)
        assert archived.returncode == 0, archived.stderr
    key = run_prov("key", "create", "--json", home=home, env=env)
    assert key.returncode == 0, key.stderr
    out = root / "plain.wacz"
    result = run_prov("export", "--wacz", str(out), url, "--json", home=home, env=env)
    assert result.returncode == 0, result.stderr
    return {"home": home, "env": env, "out": out, "result": result.json(), "url": url,
            "key": key.json(), "root": root}


def _verify(path: Path, tsa: TimestampAuthority, home: Path, *extra: str) -> ProvResult:
    return run_prov("verify", "--wacz", str(path), "--tsa-cert", str(tsa.ca_pem), "--json",
                    *extra, home=home, env=prov_env(home))


def _rewrite(source: Path, target: Path, name: str, change: Any) -> None:
    """A copy of the WACZ SOURCE at TARGET with member NAME's bytes passed through CHANGE."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, change(data) if info.filename == name else data)


def _flip(data: bytes, position: int | None = None) -> bytes:
    damaged = bytearray(data)
    damaged[len(data) // 2 if position is None else position] ^= 0x01
    return bytes(damaged)


def test_the_export_holds_the_revisit_its_original_and_trusted_time(
    exported: dict[str, Any],
) -> None:
    result = exported["result"]
    assert result["captures"] >= 2 and result["pages"] >= 1
    assert [t["error"] for t in result["timestamps"]] == [None]
    with zipfile.ZipFile(exported["out"]) as package:
        names = set(package.namelist())
        cdxj = package.read("indexes/index.cdx").decode()
        digest = json.loads(package.read("datapackage-digest.json"))
        proofs = json.loads(package.read("evidence/capture-timestamps.json"))
    assert {"datapackage.json", "archive/data.warc.gz", "pages/pages.jsonl"} <= names
    assert "warc/revisit" in cdxj and '"status": "200"' in cdxj  # revisit and its original
    assert digest["signedData"]["publicKey"] == exported["key"]["public_key"]
    assert len(digest["timestamps"]) == 1 and proofs["batches"] and proofs["records"]


def test_py_wacz_validates_the_package(exported: dict[str, Any]) -> None:
    done = subprocess.run([validator_tool("wacz"), "validate", "-f", str(exported["out"])],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded" in done.stdout


def test_verify_passes_offline_with_the_tsa_certificate_and_the_key(
    exported: dict[str, Any], tsa: TimestampAuthority
) -> None:
    fingerprint = "sha256:" + exported["key"]["fingerprint"]
    verified = _verify(exported["out"], tsa, exported["home"], "--key", fingerprint)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    report = verified.json()
    assert report["result"] == "ok" and report["broken"] is None
    steps = {c["step"] for c in report["checks"]}
    assert {"files", "signature", "timestamps", "records", "capture timestamps"} <= steps
    assert report["timestamps"][0]["imprint"] == exported["result"]["datapackage_hash"][7:]


@pytest.mark.parametrize(
    ("member", "step", "named"),
    [
        ("archive/data.warc.gz", "files", "archive/data.warc.gz"),
        ("indexes/index.cdx", "files", "indexes/index.cdx"),
        ("pages/pages.jsonl", "files", "pages/pages.jsonl"),
    ],
)
def test_a_flipped_byte_in_a_file_is_named(
    exported: dict[str, Any], tsa: TimestampAuthority, member: str, step: str, named: str
) -> None:
    damaged = exported["root"] / f"flipped-{member.replace('/', '-')}.wacz"
    _rewrite(exported["out"], damaged, member, _flip)
    verified = _verify(damaged, tsa, exported["home"])
    assert verified.returncode == 1
    assert verified.json()["broken"]["step"] == step
    assert named in verified.json()["broken"]["detail"]
    assert f"prov: failed: {damaged.name}: {step}: {named}" in verified.stderr


def _edit_digest(source: Path, target: Path, edit: Any) -> None:
    def change(data: bytes) -> bytes:
        document = json.loads(data)
        edit(document)
        return json.dumps(document).encode()

    _rewrite(source, target, "datapackage-digest.json", change)


def _flip_b64(value: str) -> str:
    return base64.b64encode(_flip(base64.b64decode(value))).decode()


def test_a_flipped_byte_in_the_signature_or_a_token_is_named(
    exported: dict[str, Any], tsa: TimestampAuthority
) -> None:
    signature = exported["root"] / "bad-signature.wacz"
    _edit_digest(exported["out"], signature, lambda d: d["signedData"].update(
        signature=_flip_b64(d["signedData"]["signature"])))
    token = exported["root"] / "bad-token.wacz"
    _edit_digest(exported["out"], token, lambda d: d["timestamps"][0].update(
        token=_flip_b64(d["timestamps"][0]["token"])))
    for path, step in ((signature, "signature"), (token, "timestamps")):
        verified = _verify(path, tsa, exported["home"])
        assert verified.returncode == 1, path
        assert verified.json()["broken"]["step"] == step, verified.json()["broken"]


def test_a_rehashed_tampering_breaks_the_signature(
    exported: dict[str, Any], tsa: TimestampAuthority
) -> None:
    """An attacker who changes a page and fixes every hash still cannot sign or stamp."""
    with zipfile.ZipFile(exported["out"]) as package:
        forged_page = b'{"url": "http://forged.example/", "ts": "2020-01-01T00:00:00Z"}\n'
        pages = package.read("pages/pages.jsonl") + forged_page
        manifest = json.loads(package.read("datapackage.json"))

    for resource in manifest["resources"]:
        if resource["path"] == "pages/pages.jsonl":
            resource["hash"] = "sha256:" + hashlib.sha256(pages).hexdigest()
            resource["bytes"] = len(pages)
    raw = json.dumps(manifest, indent=2).encode() + b"\n"
    forged = exported["root"] / "forged.wacz"
    _rewrite(exported["out"], forged, "pages/pages.jsonl", lambda _: pages)
    again = exported["root"] / "forged2.wacz"
    _rewrite(forged, again, "datapackage.json", lambda _: raw)
    final = exported["root"] / "forged3.wacz"
    _edit_digest(again, final, lambda d: d.update(hash="sha256:" + hashlib.sha256(raw).hexdigest()))
    verified = _verify(final, tsa, exported["home"])
    assert verified.returncode == 1
    assert verified.json()["broken"]["step"] == "signature"


def test_a_token_from_another_tsa_key_fails(
    exported: dict[str, Any], tsa: TimestampAuthority, other_tsa: TimestampAuthority
) -> None:
    from archive.export.tsa import ask_tsa

    digest = bytes.fromhex(exported["result"]["datapackage_hash"][7:])
    foreign = base64.b64encode(ask_tsa(other_tsa.url, digest).der).decode()
    swapped = exported["root"] / "foreign-token.wacz"
    _edit_digest(exported["out"], swapped, lambda d: d["timestamps"][0].update(token=foreign))
    verified = _verify(swapped, tsa, exported["home"])
    assert verified.returncode == 1
    broken = verified.json()["broken"]
    assert broken["step"] == "timestamps" and "not trusted" in broken["detail"]


def test_another_signing_key_fails_when_the_key_is_given(
    exported: dict[str, Any], tsa: TimestampAuthority
) -> None:
    verified = _verify(exported["out"], tsa, exported["home"], "--key", "sha256:" + "0" * 64)
    assert verified.returncode == 1
    assert verified.json()["broken"]["step"] == "signature"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "name what to export"),
        (["--crawl", "x", "--since", "2020"], "name what to export"),
        (["--since", "20x"], "--since"),
        (["--crawl", "no-such-crawl"], "no capture in crawl no-such-crawl"),
        (["ftp://example.org/"], "ftp"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    exported: dict[str, Any], args: list[str], message: str
) -> None:
    out = exported["root"] / "never.wacz"
    result = run_prov("export", "--wacz", str(out), *args, home=exported["home"],
                      env=exported["env"])
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("prov: error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
    assert not list(exported["root"].glob(".prov-export-*"))


def test_an_existing_package_or_a_missing_key_is_exit_2(
    exported: dict[str, Any], tmp_path: Path
) -> None:
    result = run_prov("export", "--wacz", str(exported["out"]), exported["url"],
                      home=exported["home"], env=exported["env"])
    assert result.returncode == 2 and "exists" in result.stderr
    home = tmp_path / "prov-data"
    out = tmp_path / "x.wacz"
    result = run_prov("export", "--wacz", str(out), exported["url"], home=home)
    assert result.returncode == 2 and "prov key create" in result.stderr
    assert not out.exists()


def test_key_show_prints_the_key_the_package_is_signed_with(exported: dict[str, Any]) -> None:
    shown = run_prov("key", "show", "--json", home=exported["home"], env=exported["env"])
    assert shown.returncode == 0, shown.stderr
    assert shown.json() == exported["key"]
    assert exported["result"]["public_key"] == exported["key"]["public_key"]


def test_a_tsa_down_at_crawl_end_fails_the_run_and_is_recorded(
    raw_server: RawHTTPServer, other_tsa: TimestampAuthority, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    env = prov_env(home, PROV_TSA_URLS=other_tsa.url)
    other_tsa.down = True
    try:
        result = run_prov("archive", raw_server.url("/plain"), home=home, env=env)
    finally:
        other_tsa.down = False
    assert result.returncode == 1
    assert "prov: failed: trusted time for crawl" in result.stderr and "503" in result.stderr
    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute("SELECT kind, tsa, token, error FROM timestamp_tokens").fetchall()
        proofs = db.execute("SELECT count(*) FROM record_proofs").fetchone()[0]
    assert rows == [("batch", other_tsa.url, None, "HTTP 503 time-stamping out of service")]
    assert proofs >= 3  # response, request, metadata: kept for a later stamp


def _exported_urls(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        lines = package.read("indexes/index.cdx").decode().splitlines()
    urls = {json.loads(line.split(" ", 2)[2])["url"] for line in lines if line.strip()}
    return sorted(url for url in urls if not url.endswith("/robots.txt"))  # fetched each crawl


def test_a_crawl_or_a_time_selects_its_captures(
    exported: dict[str, Any], tsa: TimestampAuthority
) -> None:
    home, env, root, url = exported["home"], exported["env"], exported["root"], exported["url"]
    rows = run_prov("lookup", "--json", url, home=home, env=env).json()
    second = rows[-1]["crawl_id"]  # the run that captured /plain alone (a revisit)
    gzip_url = url.replace("/plain", "/gzip")
    crawl_out = root / "crawl.wacz"
    crawl = run_prov("export", "--wacz", str(crawl_out), "--crawl", second, "--json",
                     home=home, env=env)
    assert crawl.returncode == 0, crawl.stderr
    assert _exported_urls(crawl_out) == [url]  # the revisit and its original, no /gzip
    assert _verify(crawl_out, tsa, home).returncode == 0
    since_out = root / "since.wacz"
    since = run_prov("export", "--wacz", str(since_out), "--since", rows[0]["timestamp"],
                     "--json", home=home, env=env)
    assert since.returncode == 0, since.stderr
    assert _exported_urls(since_out) == sorted([gzip_url, url])
    assert _verify(since_out, tsa, home).returncode == 0
    later = run_prov("export", "--wacz", str(root / "later.wacz"), "--since", "29991231",
                     home=home, env=env)
    assert later.returncode == 2 and not (root / "later.wacz").exists()
    assert later.stderr.count("\n") == 1 and "no capture since" in later.stderr
