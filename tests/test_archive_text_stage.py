"""Text from the archive: extraction stage, search, diff, PDFs, charsets, re-extraction."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from archive.index.rows import Capture
from archive.text.payloads import wants_text
from tests.conftest import register_home, run_prov, warc_files
from tests.servers import RawHTTPServer, Request, ResponseWriter, build_response
from tests.test_archive_extraction import make_pdf

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

EDITED_BEFORE = (
    "<html><head><title>Ministry statement</title></head><body><article>"
    "<h1>Ministry statement</h1>"
    "<p>The ministry said on Monday that the bridge would reopen in March. Officials declined "
    "to give a cost estimate for the repairs. Traffic will be diverted until then.</p>"
    "<p>Local residents have complained about the closure for months, according to the "
    "council. The council plans a public meeting next week to discuss the timetable.</p>"
    "</article></body></html>"
)
EDITED_AFTER = EDITED_BEFORE.replace(
    "the bridge would reopen in March.", "the bridge would reopen in June."
).replace("<p>Local residents", "<p>\n   Local   residents")  # and a whitespace-only change
RUSSIAN = (
    "<html><head><title>Новости дня</title></head><body><article><h1>Новости дня</h1>"
    "<p>Агентство РИА Новости сообщило, что переговоры продолжатся в понедельник в Москве. "
    "Представитель министерства подтвердил эту информацию журналистам.</p>"
    "<p>По его словам, стороны обсудят вопросы торговли и транспорта в течение двух дней.</p>"
    "</article></body></html>"
)


def _html(body: str | bytes) -> bytes:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return build_response(200, [("Content-Type", "text/html")], data)


@pytest.fixture(scope="module")
def text_server() -> Iterator[RawHTTPServer]:
    versions = iter([EDITED_BEFORE, EDITED_AFTER])

    def edited(_request: Request, writer: ResponseWriter) -> None:
        writer.send(_html(next(versions, EDITED_AFTER)))

    with RawHTTPServer() as server:
        server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        server.route("/edited", edited)
        server.route("/russian", _html(RUSSIAN.encode("windows-1251")))
        pdf = make_pdf(["Think tank report on grain exports.", "Second page."], title="Report")
        server.route("/report.pdf", build_response(200, [("Content-Type", "application/pdf")], pdf))
        server.route("/empty", _html(b""))
        server.route("/broken", _html(b"<html><body><p>Unclosed <b>tags <div><p>text only"))
        server.route("/big", _html(b"<html><body>" + b"<p>word </p>" * 1_000_000 + b"</body>"))
        server.route("/image", build_response(200, [("Content-Type", "image/png")], b"\x89PNG"))
        yield server


def test_search_finds_a_corpus_phrase_and_ranks_its_page_first(
    archived_corpus: tuple[Path, list[dict[str, Any]]], corpus_server: RawHTTPServer
) -> None:
    home, _ = archived_corpus
    truth = (CORPUS / "011.truth.txt").read_text(encoding="utf-8")
    sentence = next(line for line in truth.splitlines() if len(line.split()) > 12)
    phrase = " ".join(sentence.split()[2:9]).strip(",.;:")
    result = run_prov("search", f'"{phrase}"', "--json", home=home)
    assert result.returncode == 0, result.stderr
    hits = result.json()
    assert hits, phrase
    assert hits[0]["url"] == corpus_server.url("/corpus/011.html")
    assert "<mark>" in hits[0]["snippet"]
    human = run_prov("search", phrase, home=home)
    assert "/corpus/011.html" in human.stdout


def test_text_of_a_capture_has_metadata_and_provenance(
    archived_corpus: tuple[Path, list[dict[str, Any]]], corpus_server: RawHTTPServer
) -> None:
    home, _ = archived_corpus
    result = run_prov("text", corpus_server.url("/corpus/050.html"), "--json", home=home)
    assert result.returncode == 0, result.stderr
    data = result.json()
    meta = json.loads((CORPUS / "050.meta.json").read_text())
    assert data["title"] and meta["title"].split()[0] in data["title"]
    assert len(data["text"]) > 1000
    assert data["extractor"] == "trafilatura" and data["extractor_version"]
    assert data["options"]
    assert data["text_digest"].startswith("sha1:")


def test_index_rebuilt_from_warcs_alone_gives_the_same_texts(
    archived_corpus: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    home, _ = archived_corpus
    fresh = tmp_path / "prov-data"
    register_home(fresh, "copy")
    (fresh / "warcs").mkdir(parents=True)
    for warc in warc_files(home):
        shutil.copy2(warc, fresh / "warcs" / warc.name)
    result = run_prov("reindex", "--json", home=fresh)
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert summary["errors"] == [] and summary["texts"] >= 63

    def texts(at: Path) -> dict[str, tuple[str, str, str]]:
        with sqlite3.connect(at / "index.sqlite") as db:
            rows = db.execute("SELECT url, text_digest, capture_record_id, title FROM texts")
            return {url: (digest, capture, title) for url, digest, capture, title in rows}

    def captures(at: Path, url: str) -> list[tuple[str, str]]:
        rows = run_prov("lookup", url, "--json", home=at).json()
        return [(r["record_id"], r["payload_digest"]) for r in rows]

    original = texts(home)
    assert len(original) == 63
    assert texts(fresh) == original
    for url in list(original)[:5]:
        assert captures(fresh, url) == captures(home, url)
    for warc in warc_files(fresh):
        assert warc.with_name(warc.name + ".cdxj").exists()


def test_diff_shows_exactly_the_edited_sentence(
    text_server: RawHTTPServer, prov_home: Path
) -> None:
    url = text_server.url("/edited")
    register_home(prov_home, "no-replay")  # two captures of one URL within one second
    for _ in range(2):
        assert run_prov("archive", url, home=prov_home).returncode == 0
    result = run_prov("diff", url, "--json", home=prov_home)
    assert result.returncode == 0, result.stderr
    changes = result.json()["changes"]
    assert changes == [
        {
            "op": "replace",
            "old": ["The ministry said on Monday that the bridge would reopen in March."],
            "new": ["The ministry said on Monday that the bridge would reopen in June."],
            "old_index": changes[0]["old_index"],
            "new_index": changes[0]["new_index"],
        }
    ]
    human = run_prov("diff", url, home=prov_home).stdout
    assert "- The ministry said on Monday that the bridge would reopen in March." in human
    assert "+ The ministry said on Monday that the bridge would reopen in June." in human


def test_windows_1251_page_without_charset_reads_as_cyrillic(
    text_server: RawHTTPServer, prov_home: Path
) -> None:
    url = text_server.url("/russian")
    assert run_prov("archive", url, home=prov_home).returncode == 0
    data = run_prov("text", url, "--json", home=prov_home).json()
    assert data["title"] == "Новости дня"
    assert "РИА Новости сообщило" in data["text"]
    assert data["encoding"] == "windows-1251"


def test_pdf_text_is_extracted(text_server: RawHTTPServer, prov_home: Path) -> None:
    url = text_server.url("/report.pdf")
    assert run_prov("archive", url, home=prov_home).returncode == 0
    data = run_prov("text", url, "--json", home=prov_home).json()
    assert "grain exports" in data["text"] and data["title"] == "Report"


def test_bad_pages_record_the_failure_and_keep_the_capture(
    text_server: RawHTTPServer, prov_home: Path
) -> None:
    paths = ["/empty", "/broken", "/big", "/image"]
    result = run_prov("archive", "--json", *map(text_server.url, paths), home=prov_home)
    assert result.returncode == 0, result.stderr
    statuses = {c["url"]: c["status"] for c in result.json()}
    assert all(statuses[text_server.url(p)] == 200 for p in paths)
    empty = run_prov("text", text_server.url("/empty"), "--json", home=prov_home)
    assert empty.returncode == 1 and empty.json()["error"]
    big = run_prov("text", text_server.url("/big"), "--json", home=prov_home)
    assert big.returncode == 1 and "extraction limit" in big.json()["error"]
    broken = run_prov("text", text_server.url("/broken"), "--json", home=prov_home).json()
    assert "text only" in broken["text"] or broken["error"]
    image = run_prov("text", text_server.url("/image"), home=prov_home)
    assert image.returncode == 1 and "no extracted text" in image.stderr
    assert "prov: no text:" in result.stderr


def test_text_lookups_reject_bad_input(prov_home: Path) -> None:
    assert run_prov("text", "ftp://x/", home=prov_home).returncode == 2
    assert run_prov("text", "http://x.test/", "--at", "2024-01", home=prov_home).returncode == 2
    assert run_prov("search", "   ", home=prov_home).returncode == 2
    assert run_prov("reextract", home=prov_home).returncode == 2


FLIP_A = EDITED_BEFORE
FLIP_B = EDITED_AFTER


def _texts(home: Path, url: str) -> list[dict[str, Any]]:
    with sqlite3.connect(home / "index.sqlite") as db:
        db.row_factory = sqlite3.Row
        query = "SELECT * FROM texts WHERE url = ? ORDER BY id"
        return [dict(row) for row in db.execute(query, (url,))]


def test_revisits_are_not_extracted_and_a_payload_seen_before_reuses_its_text(
    prov_home: Path,
) -> None:
    """A, A, B, A: the repeat is a revisit (no text of its own); when A comes back after B its
    capture is a response again, and its text is the first one's, copied and recorded as such
    (no extraction). prov reextract extracts again all the same."""
    versions = iter([FLIP_A, FLIP_A, FLIP_B, FLIP_A])
    register_home(prov_home, "no-replay")  # captures of one URL within one second
    with RawHTTPServer() as server:
        server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        server.route("/flip", lambda _r, writer: writer.send(_html(next(versions, FLIP_A))))
        url = server.url("/flip")
        kinds = []
        for _ in range(4):
            result = run_prov("archive", url, "--json", home=prov_home)
            assert result.returncode == 0, result.stderr
            kinds += [c["record_type"] for c in result.json() if c["url"] == url]
            kinds.append(len(_texts(prov_home, url)))
        assert kinds == ["response", 1, "revisit", 1, "response", 2, "response", 3]
        first, changed, back = _texts(prov_home, url)
        assert (first["reused_from"], changed["reused_from"]) == (None, None)
        shown = [
            {k: row[k] for k in ("extraction_key", "error", "reused_from", "conversion_record_id")}
            for row in (first, changed, back)
        ]
        assert back["reused_from"] == first["conversion_record_id"], (shown, result.stderr)
        assert back["extraction_key"] == first["extraction_key"] != changed["extraction_key"]
        assert (back["text"], back["links"]) == (first["text"], first["links"])
        assert back["capture_record_id"] != first["capture_record_id"]
        record = _conversion_record(prov_home, back["conversion_record_id"])
        assert record["reused_from"] == first["conversion_record_id"]
        assert record["extraction"]["text"] == first["text"]

        again = run_prov("reextract", url, "--json", home=prov_home)
        assert again.returncode == 0, again.stderr
        redone = again.json()
        assert len(redone) == 3 and all(row["reused_from"] is None for row in redone)
        assert [row["text"] for row in redone] == [first["text"], changed["text"], first["text"]]


def _conversion_record(home: Path, record_id: str) -> dict[str, Any]:
    """The JSON a conversion record of HOME's text WARCs holds."""
    from warcio.archiveiterator import ArchiveIterator

    for path in warc_files(home):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_headers.get_header("WARC-Record-ID") == record_id:
                    block = record.content_stream().read().decode("utf-8")
                    value: dict[str, Any] = json.loads(block.partition(":")[2])
                    return value
    raise AssertionError(f"no record {record_id}")


def test_texts_are_indexed_while_the_crawl_still_runs(prov_home: Path) -> None:
    """The slow page answers only once the fast page's text is in the index (or after 60 s):
    the text stage works beside the crawl, not after it."""
    seen: list[bool] = []

    def slow(_request: Request, writer: ResponseWriter) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not seen:
            try:
                with sqlite3.connect(prov_home / "index.sqlite", timeout=5) as db:
                    query = "SELECT count(*) FROM texts WHERE url LIKE '%/fast'"
                    if db.execute(query).fetchone()[0]:
                        seen.append(True)
            except sqlite3.OperationalError:  # no index (or no texts table) yet
                pass
            time.sleep(0.1)
        writer.send(_html(EDITED_AFTER.replace("Ministry", "Slow ministry")))

    with RawHTTPServer() as server:
        server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        server.route("/fast", _html(RUSSIAN.encode("utf-8")))
        server.route("/slow", slow)
        result = run_prov("archive", server.url("/fast"), server.url("/slow"), home=prov_home)
    assert result.returncode == 0, result.stderr
    assert seen == [True]
    [row] = _texts(prov_home, server.url("/slow"))
    shown = {k: row[k] for k in ("title", "error", "extractor", "options", "reused_from", "text")}
    assert row["title"] == "Slow ministry statement", shown


@pytest.mark.parametrize(
    ("changes", "wanted"),
    [
        ({}, True),
        ({"mime": None}, True),  # sniffed
        ({"mime": None, "hop_path": "E"}, False),  # a requisite that declares no type
        ({"hop_path": "E"}, True),  # an embedded frame
        ({"mime": "image/png"}, False),
        ({"record_type": "revisit"}, False),
        ({"status": 404}, False),
        ({"warc": None}, False),
    ],
)
def test_which_captures_want_text(changes: dict[str, Any], wanted: bool) -> None:
    page = Capture(
        "https://example.org/a", "20240101000000", 200, "text/html", "sha1:X", "file:///w",
        0, 10, "<urn:uuid:1>", None, record_type="response",
    )
    assert wants_text(replace(page, **changes)) is wanted


def test_a_page_the_crawl_had_extracted_is_not_extracted_again(prov_home: Path) -> None:
    """The citations spider has each page extracted in the text stage's pool as it arrives, to
    choose its links: the stage takes that result for the page's capture (same URL, decoded
    payload and Content-Type), and extracts the others itself."""
    from archive.config import Config
    from archive.session import open_session
    from archive.text.extraction import Extraction
    from archive.text.stage import TextStage

    body = EDITED_BEFORE.encode("utf-8")
    with RawHTTPServer() as server:
        server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        server.route("/page", _html(body))
        server.route("/other", _html(body))
        urls = [server.url("/page"), server.url("/other")]
        result = run_prov("archive", "--no-text", *urls, home=prov_home)
    assert result.returncode == 0, result.stderr
    session = open_session(Config.from_env({"PROV_HOME": str(prov_home)}))
    captures = [c for url in urls for c in session.index.lookup(url)]
    stage = TextStage(session.store, session.index, session.warc_dir, workers=1).start()
    crawled = Extraction.from_dict(stage.extract_page(urls[0], body, "text/html").result())
    stage.extract_page(urls[1], body + b" ", "text/html")  # not this capture's payload
    stage.submit(captures)
    summary = stage.close()
    assert (summary.extracted, summary.taken, summary.reused) == (2, 1, 0)
    page, other = (_texts(prov_home, url)[0] for url in urls)
    assert crawled.title == page["title"] == other["title"] == "Ministry statement"
    assert crawled.text == page["text"] == other["text"] and "reopen in March" in page["text"]
    assert json.loads(page["links"]) == [list(link) for link in crawled.links]
