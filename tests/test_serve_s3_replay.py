"""Replay from an S3 store: pywb loads the records from the bucket (through boto3, with the
same AWS_* configuration as prov) once their spool copies are gone.

pywb needs boto3 for ``s3://`` paths (``scripts/prov serve`` installs both into
``.venv-pywb``). The validator's pywb used by the other tests has no boto3, so this test runs
that pywb with prov's own boto3, botocore, s3transfer and jmespath (pure Python, the same
interpreter version) on its path, through a small wrapper named by PROV_PYWB.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import httpx

from tests.conftest import run_prov
from tests.conftest_s3 import S3Server
from tests.pywb_replay import validator_tool
from tests.s3_check import s3_home_env
from tests.serve_harness import ServeProcess, guarded_env
from tests.servers import RawHTTPServer, build_response

BODY = b"<html><body><p>Read back from the bucket, not from the spool.</p></body></html>"


def _pywb_with_boto3(directory: Path) -> Path:
    """A ``wayback`` that runs the validator's pywb with prov's boto3 importable."""
    packages = directory / "packages"
    packages.mkdir(parents=True)
    for name in ("boto3", "botocore", "s3transfer", "jmespath"):
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations, name
        (packages / name).symlink_to(spec.submodule_search_locations[0])
    wrapper = directory / "wayback"
    wrapper.write_text(
        f'#!/bin/sh\nPYTHONPATH="{packages}" exec "{validator_tool("wayback")}" "$@"\n'
    )
    wrapper.chmod(0o755)
    return wrapper


def test_captures_in_an_s3_store_replay_from_the_bucket(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> None:
    home = tmp_path / "prov-data"
    env = s3_home_env(home, s3_server, s3_bucket)
    with RawHTTPServer() as server:
        server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        server.route("/page", build_response(200, [("Content-Type", "text/html")], BODY))
        url = server.url("/page")
        result = run_prov("archive", url, "--json", home=home, env=env)
    assert result.returncode == 0, result.stderr
    [capture] = [c for c in result.json() if c["url"] == url]
    assert capture["warc"].startswith(env["PROV_STORE"] + "/")
    assert not list((home / "spool").glob("*.warc.gz")), "uploaded files leave the spool"

    served_env = guarded_env(
        home, tmp_path / "connects.log", PROV_PYWB=str(_pywb_with_boto3(tmp_path / "pywb"))
    )
    served_env.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    served_env["PROV_STORE"] = env["PROV_STORE"]
    with ServeProcess(home, served_env, tmp_path / "serve.log") as served:
        raw = httpx.get(f"{served.replay}{capture['timestamp']}id_/{url}", timeout=30)
        page = httpx.get(f"{served.replay}{capture['timestamp']}mp_/{url}", timeout=30)
    pywb_log = (home / "serve" / "pywb" / "pywb.log").read_text()[-2000:]
    assert (raw.status_code, raw.content) == (200, BODY), pywb_log
    assert page.status_code == 200 and "Read back from the bucket" in page.text, pywb_log
