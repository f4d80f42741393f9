"""A full disk is reported honestly: one line per URL that was not archived, a summary that
counts only what is durable (fsynced and indexed), no traceback, no empty or header-only WARC,
and the next start indexes what reached the disk. ``prov verify`` fails on a file that is not
a valid WARC."""

from __future__ import annotations

import gzip
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.conftest import REPO, prov_env, register_home, run_prov, warc_files
from tests.index_check import check_row_points_at_its_record
from tests.servers import RawHTTPServer

SMALL = "5m"
SUMMARY = re.compile(
    r"archived (\d+) of (\d+) URLs? \((\d+) captures? written and indexed, crawl (\w+)\)"
    r"(?:; (\d+) more captures? (?:are|is) on disk)?"
)


@contextmanager
def _small_disk(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], None] | None]]:
    """A PROV_HOME on a real 5 MB tmpfs (as root), else one whose files the kernel refuses
    to grow past 1.5 MB (RLIMIT_FSIZE: EFBIG, as a full disk gives ENOSPC)."""
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SMALL}", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    ).returncode == 0
    try:
        yield mount / "prov-data", None if mounted else _limit_file_size
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))


def _grow(home: Path) -> None:
    """Free space: the tmpfs grows (with RLIMIT_FSIZE, later runs have no limit anyway)."""
    if os.path.ismount(home.parent):
        subprocess.run(["mount", "-o", "remount,size=64m", str(home.parent)], check=True)


def _records(path: Path) -> list[str]:
    """WARC-Type of each record, read by warcio (not by prov)."""
    with path.open("rb") as stream:
        return [record.rec_type for record in ArchiveIterator(stream)]


def _members(path: Path) -> int:
    """Complete gzip members at the start of PATH (a .open file may end in a partial one)."""
    data, count = path.read_bytes(), 0
    while data:
        decomp = zlib.decompressobj(31)
        try:
            decomp.decompress(data)
        except zlib.error:
            break
        if not decomp.eof:
            break
        count += 1
        data = decomp.unused_data
    return count


def _member_end(data: bytes) -> int:
    decomp = zlib.decompressobj(31)
    decomp.decompress(data)
    assert decomp.eof
    return len(data) - len(decomp.unused_data)


def _rows(home: Path) -> list[dict[str, object]]:
    with sqlite3.connect(f"file:{home / 'index.sqlite'}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM captures")]


def _no_empty_files(home: Path) -> None:
    for path in sorted((home / "warcs").iterdir()):
        if path.name.endswith((".warc.gz", ".warc.gz.open")):
            assert _members(path) >= 2, f"{path.name}: empty or only a warcinfo record"


# "write error": a failure no URL stands for (the crawl's own row, written at its end)
EXPLAINED = ("prov: not archived: ", "prov: failed: ", "prov: text stage", "prov: write error: ")


def test_full_disk_reports_each_url_and_counts_what_is_durable(
    corpus_server: RawHTTPServer, tmp_path: Path
) -> None:
    pages = corpus_server.corpus_pages()
    urls = [corpus_server.url(f"{p.path}?copy={n}") for n in range(4) for p in pages][:200]
    with _small_disk(tmp_path) as (home, preexec):
        home.mkdir(parents=True)
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "archive", *urls],
            env=prov_env(home),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=preexec,
            check=False,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 1, output[-3000:]
        assert "Traceback" not in output and "Error caught on signal" not in output, output[-4000:]
        summary = SUMMARY.search(done.stdout)
        assert summary, done.stdout[-2000:]
        archived, given, durable = (int(summary.group(n)) for n in (1, 2, 3))
        crawl_id, on_disk = summary.group(4), int(summary.group(5) or 0)
        assert given == len(urls) and 0 < archived < len(urls), summary.group(0)

        failed_lines = [line for line in done.stderr.splitlines() if line.startswith("prov: ")]
        unexplained = [
            line
            for line in failed_lines
            if not line.startswith(EXPLAINED)
        ]
        assert not unexplained, unexplained[:5]
        reported = {}
        for url in urls:
            lines = [line for line in failed_lines if f" {url}: " in line]
            assert len(lines) <= 1, lines
            if lines:
                reported[url] = lines[0]
        assert archived + len(reported) == len(urls), (archived, len(reported))
        reason = "No space left on device" if preexec is None else "File too large"
        assert any(reason in line for line in reported.values()), reason
        assert all(line.startswith("prov: not archived: ") for line in reported.values())

        # the summary counts exactly the rows in the index: fsynced, then indexed
        rows = _rows(home)
        assert durable == len([r for r in rows if r["crawl_id"] == crawl_id]) > 0
        _no_empty_files(home)
        for path in warc_files(home):  # every file left under its final name is whole gzip
            assert subprocess.run(["gzip", "-t", str(path)], check=False).returncode == 0

        _grow(home)
        again = run_prov("lookup", urls[0], home=home)
        assert again.returncode == 0, again.stderr
        assert "Traceback" not in again.stdout + again.stderr
        assert not list((home / "warcs").glob("*.open")), "recovery leaves no .open file"
        _no_empty_files(home)
        files = warc_files(home)
        assert files
        for path in files:
            assert subprocess.run(["gzip", "-t", str(path)], check=False).returncode == 0
            types = _records(path)
            assert types[0] == "warcinfo" and len(types) >= 2, (path.name, types)

        rows = _rows(home)
        assert len([r for r in rows if r["crawl_id"] == crawl_id]) == durable + on_disk
        indexed_urls = {r["url"] for r in rows if r["status"] is not None}
        for url, line in reported.items():  # each line tells what happened to the URL
            assert (url in indexed_urls) == ("on disk" in line), line
        for row in rows:
            if row["warc"] is not None:
                check_row_points_at_its_record(row)
        verified = run_prov("verify", home=home)
        assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr

        if on_disk:  # recovered captures get their text when asked (or by the next run)
            url = next(u for u, line in reported.items() if "on disk" in line)
            shown = run_prov("text", url, home=home)
            assert shown.returncode == 1 and f"prov reextract {url}" in shown.stderr
            assert run_prov("reextract", url, home=home).returncode == 0
            assert run_prov("text", url, home=home).returncode == 0

        judged = tmp_path / "judged" / "prov-data"  # the tmpfs goes away with this test
        shutil.copytree(home, judged)
    register_home(judged)


def test_recovery_removes_empty_and_header_only_files(
    raw_server: RawHTTPServer, prov_home: Path
) -> None:
    """What a write that failed on a full disk can leave: 0 bytes, or the warcinfo record
    and part of the next one. Recovery deletes them instead of renaming them into place."""
    result = run_prov("archive", raw_server.url("/plain"), home=prov_home)
    assert result.returncode == 0, result.stderr
    (good,) = [p for p in warc_files(prov_home) if "-text-" not in p.name]
    data = good.read_bytes()
    warcinfo_end = _member_end(data)
    record_end = warcinfo_end + _member_end(data[warcinfo_end:])
    warcs = prov_home / "warcs"
    (warcs / "prov-20250101000000-00001-host-1.warc.gz.open").write_bytes(b"")
    (warcs / "prov-20250101000000-00002-host-1.warc.gz.open").write_bytes(
        data[: (warcinfo_end + record_end) // 2]  # the warcinfo and part of the next record
    )
    again = run_prov("lookup", raw_server.url("/plain"), home=prov_home)
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("it held no record") == 2, again.stderr
    assert not list(warcs.glob("prov-2025*")), "an empty or header-only file was kept"


def test_verify_fails_on_files_that_are_not_warcs(
    raw_server: RawHTTPServer, prov_home: Path
) -> None:
    register_home(prov_home, "unjudgeable")  # holds broken files on purpose
    result = run_prov("archive", raw_server.url("/plain"), home=prov_home)
    assert result.returncode == 0, result.stderr
    (good,) = [p for p in warc_files(prov_home) if "-text-" not in p.name]
    data = good.read_bytes()
    warcs = prov_home / "warcs"
    bad = {
        "prov-bad-empty.warc.gz": b"",
        "prov-bad-cut.warc.gz": data[: len(data) // 2],
        "prov-bad-plain.warc.gz": gzip.decompress(data),
        "prov-bad-text.warc.gz": b"hello, not a WARC\n",
    }
    for name, content in bad.items():
        (warcs / name).write_bytes(content)
        gzip_t = subprocess.run(["gzip", "-t", str(warcs / name)], capture_output=True)
        assert gzip_t.returncode != 0, name  # the third-party tool rejects each of them
    everything = run_prov("verify", home=prov_home)
    assert everything.returncode == 1
    for name in bad:
        assert re.search(rf"prov: corrupt: \S*{re.escape(name)}\n", everything.stderr), name
        alone = run_prov("verify", name, home=prov_home)
        assert alone.returncode == 1 and name in alone.stderr, (name, alone.stdout)
    assert good.name not in everything.stderr
    assert run_prov("verify", good.name, home=prov_home).returncode == 0
