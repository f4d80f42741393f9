"""Captures recovered after a crash get their text, and ``prov text`` names the command that
helps when a capture has none."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.conftest import run_prov, warc_files
from tests.servers import RawHTTPServer


def _crash_before_the_text_stage(home: Path, unindexed_url: str) -> None:
    """The state kill -9 leaves between a group commit and the end of the crawl: the capture
    WARC still ``.open``, most of its rows indexed (UNINDEXED_URL's not yet), no text."""
    (capture_file,) = [p for p in warc_files(home) if "-text-" not in p.name]
    capture_file.rename(capture_file.with_name(capture_file.name + ".open"))
    capture_file.with_name(capture_file.name + ".cdxj").unlink()
    with sqlite3.connect(home / "index.sqlite") as db:
        db.execute("DELETE FROM captures WHERE url = ?", (unindexed_url,))


def test_recovered_captures_are_queued_for_the_text_stage(
    corpus_server: RawHTTPServer, prov_home: Path
) -> None:
    pages = corpus_server.corpus_pages()
    crashed = [corpus_server.url(p.path) for p in pages[:3]]
    result = run_prov("archive", "--no-text", *crashed, home=prov_home)
    assert result.returncode == 0, result.stderr
    _crash_before_the_text_stage(prov_home, crashed[2])

    first = run_prov("text", crashed[0], home=prov_home)  # the first start repairs the file
    assert "repaired" in first.stderr and "1 capture indexed" in first.stderr, first.stderr
    assert first.returncode == 1
    assert f"prov reextract {crashed[0]}" in first.stderr
    assert "prov archive it" not in first.stderr

    later = run_prov("archive", corpus_server.url(pages[3].path), home=prov_home)
    assert later.returncode == 0, later.stderr
    assert "extracting the text of 3 earlier captures" in later.stderr, later.stderr
    for url in crashed:
        shown = run_prov("text", url, "--json", home=prov_home)
        assert shown.returncode == 0, shown.stderr
        assert shown.json()["url"] == url and len(shown.json()["text"]) > 200

    again = run_prov("archive", corpus_server.url(pages[4].path), home=prov_home)
    assert again.returncode == 0 and "earlier captures" not in again.stderr, again.stderr
    with sqlite3.connect(prov_home / "index.sqlite") as db:
        assert db.execute("SELECT count(*) FROM text_queue").fetchone() == (0,)
        texts = db.execute("SELECT url, count(*) FROM texts GROUP BY url").fetchall()
    assert {url: n for url, n in texts if url in crashed} == dict.fromkeys(crashed, 1)


def test_text_advice_names_the_command_that_helps(
    corpus_server: RawHTTPServer, prov_home: Path
) -> None:
    page = corpus_server.url(corpus_server.corpus_pages()[5].path)
    missing = run_prov("text", corpus_server.url("/never-archived"), home=prov_home)
    assert missing.returncode == 1
    assert "is not archived (prov archive " in missing.stderr, missing.stderr

    assert run_prov("archive", "--no-text", page, home=prov_home).returncode == 0
    advice = run_prov("text", page, home=prov_home)
    assert advice.returncode == 1
    command = re.search(r"\((prov reextract \S+) extracts it\)", advice.stderr)
    assert command, advice.stderr
    helped = run_prov(*command.group(1).split()[1:], home=prov_home)
    assert helped.returncode == 0, helped.stderr
    assert run_prov("text", page, home=prov_home).returncode == 0

    image = corpus_server.url("/binary")
    assert run_prov("archive", image, home=prov_home).returncode == 0
    nothing = run_prov("text", image, home=prov_home)
    assert nothing.returncode == 1, nothing.stderr
    assert "none of its captures is a 2xx HTML or PDF" in nothing.stderr, nothing.stderr
