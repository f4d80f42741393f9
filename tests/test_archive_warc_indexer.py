"""The index rebuilt from the WARC files alone keeps what each capture's metadata record
says: its crawl, seed, hop path, the page it came from, and why a fetch failed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_prov
from tests.servers import RawHTTPServer

KEPT = ("url", "crawl_id", "seed", "hop_path", "via", "error", "status", "record_id")


def test_reindex_keeps_the_crawl_context_of_every_capture(
    raw_server: RawHTTPServer, tmp_path: Path
) -> None:
    home = tmp_path / "prov-data"
    redirect, refused = raw_server.url("/redirect2"), "http://127.0.0.1:1/gone"
    archived = run_prov("archive", "--json", "--no-text", redirect, refused, home=home)
    assert archived.returncode == 1, archived.stderr  # the refused connection
    before = {c["record_id"]: {k: c[k] for k in KEPT} for c in archived.json()}
    assert any(c["hop_path"] == "R" for c in before.values())  # a redirect hop was followed
    assert any(c["error"] and c["status"] is None for c in before.values())
    rebuilt = run_prov("reindex", home=home)
    assert rebuilt.returncode == 0, rebuilt.stderr
    after = {}
    for url in {c["url"] for c in before.values()}:
        for capture in run_prov("lookup", "--json", url, home=home).json():
            after[capture["record_id"]] = {k: capture[k] for k in KEPT}
    assert after == before
