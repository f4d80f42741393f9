"""The evidence package of a citation crawl (``prov export --article``): its claims carry
their passages, captures, offsets and digests, and ``prov verify --wacz`` finds every passage
at its offsets in the cited record's text; a claim moved off its passage (even re-signed by
the operator) is named; the package's WARC passes the shared validator (with py-wacz), and
pywb replays the WACZ through the package's own CDXJ index."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.export.signing import load_key, sign_hash
from tests.conftest import prov_env, run_prov
from tests.pywb_replay import replay, wayback
from tests.servers import TLSFiles
from tests.servers.claimsweb import ARTICLE_URL, INTERVIEW_URL, ClaimsWeb, claims_web
from tests.servers.tsa import TimestampAuthority
from tests.validator import validate


@pytest.fixture(scope="module")
def web(tls_files: TLSFiles, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClaimsWeb]:
    with claims_web(tls_files, tmp_path_factory.mktemp("claimsweb")) as fixture:
        yield fixture


@pytest.fixture(scope="module")
def package(
    web: ClaimsWeb, tsa: TimestampAuthority, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("article-export")
    home = root / "prov-data"
    env = prov_env(home, PROV_SOURCES=str(web.registry_file), PROV_TSA_URLS=tsa.url,
                   PROV_TSA_CERTS=str(tsa.ca_pem))
    crawled = run_prov("crawl", "--json", "--proxy", web.proxy.url, ARTICLE_URL, home=home,
                       env=env)
    assert crawled.returncode in (0, 1), crawled.stderr
    assert "trusted time" not in crawled.stderr
    assert run_prov("key", "create", home=home, env=env).returncode == 0
    out = root / "article.wacz"
    result = run_prov("export", "--wacz", str(out), "--article", ARTICLE_URL, "--json",
                      home=home, env=env)
    assert result.returncode == 0, result.stderr
    return {"home": home, "env": env, "out": out, "root": root, "result": result.json()}


def _claims(out: Path) -> dict[str, Any]:
    with zipfile.ZipFile(out) as wacz:
        claims: dict[str, Any] = json.loads(wacz.read("evidence/claims.json"))
        return claims


def test_claims_carry_passage_capture_offsets_and_digests(package: dict[str, Any]) -> None:
    claims = _claims(package["out"])
    matched = [c for c in claims["claims"] if c["source"]]
    assert len(matched) >= 6
    interview = [c for c in matched if c["source"]["url"] == INTERVIEW_URL]
    assert interview
    for claim in matched:
        source = claim["source"]
        assert source["capture"].startswith("<urn:uuid:") and source["text_record"]
        assert source["passage_end"] > source["passage_start"]
        assert source["passage_sha256"] == "sha256:" + hashlib.sha256(
            source["passage"].encode()).hexdigest()
    with zipfile.ZipFile(package["out"]) as wacz:
        names = set(wacz.namelist())
    assert {"evidence/citations.json", "evidence/provenance.jsonld"} <= names


def test_verify_finds_every_passage_at_its_offsets(
    package: dict[str, Any], tsa: TimestampAuthority
) -> None:
    verified = run_prov("verify", "--wacz", str(package["out"]), "--tsa-cert", str(tsa.ca_pem),
                        "--json", home=package["home"], env=prov_env(package["home"]))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    steps = {c["step"]: c for c in verified.json()["checks"]}
    assert steps["claims"]["ok"] and steps["capture timestamps"]["ok"]


def test_a_claim_moved_off_its_passage_is_named_even_re_signed(
    package: dict[str, Any], tsa: TimestampAuthority
) -> None:
    claims = _claims(package["out"])
    moved = next(c for c in claims["claims"] if c["source"])
    moved["source"]["passage_start"] += 1
    moved["source"]["passage_end"] += 1
    data = json.dumps(claims).encode()
    with zipfile.ZipFile(package["out"]) as old:
        manifest = json.loads(old.read("datapackage.json"))
        members = {i.filename: old.read(i) for i in old.infolist()}
    for resource in manifest["resources"]:
        if resource["path"] == "evidence/claims.json":
            resource.update(hash="sha256:" + hashlib.sha256(data).hexdigest(), bytes=len(data))
    raw = json.dumps(manifest).encode()
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    key = load_key(package["home"] / "keys/signing-key.pem")
    signed = sign_hash(key, digest, manifest["created"], "prov 0.1.0")
    members.update({
        "evidence/claims.json": data,
        "datapackage.json": raw,
        "datapackage-digest.json": json.dumps(
            {"path": "datapackage.json", "hash": digest, "signedData": signed, "timestamps": []}
        ).encode(),
    })
    forged = package["root"] / "moved-claim.wacz"
    with zipfile.ZipFile(forged, "w") as new:
        for name, content in members.items():
            new.writestr(name, content)
    verified = run_prov("verify", "--wacz", str(forged), "--tsa-cert", str(tsa.ca_pem), "--json",
                        home=package["home"], env=prov_env(package["home"]))
    assert verified.returncode == 1
    failed = [c for c in verified.json()["checks"] if not c["ok"]]
    assert any(c["step"] == "signature" for c in failed) is False
    claim_failures = [c for c in failed if c["step"] == "claims"]
    assert claim_failures and f"claim {moved['id']}" in claim_failures[0]["detail"]
    assert "not at" in claim_failures[0]["detail"]


def test_the_shared_validator_and_pywb_accept_the_package(
    package: dict[str, Any], tmp_path: Path
) -> None:
    with zipfile.ZipFile(package["out"]) as wacz:
        wacz.extract("archive/data.warc.gz", tmp_path)
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()[1:]]
    verdict = validate([tmp_path / "archive/data.warc.gz"], "--wacz")
    assert verdict.passed, verdict.output[-3000:]
    assert verdict.field("replay_fail") == 0 and verdict.field("replay_ok") >= 3
    assert "wacz=ok" in verdict.summary
    workdir = tmp_path / "pywb"
    workdir.mkdir()
    with wayback([package["out"]], workdir) as base:
        for page in pages:
            stamp = "".join(ch for ch in page["ts"] if ch.isdigit())[:14]
            status, body = replay(base, stamp, page["url"])
            assert status == 200, (page["url"], status)
            assert body.strip(), page["url"]
