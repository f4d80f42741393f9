"""Running crawls on the shared frontier from the tests: a local site, real ``prov worker``
processes, and what their WARC files and the index hold."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import REPO, prov_env, register_home
from tests.servers import RawHTTPServer, Request, ResponseWriter, build_response, html_page

HTML = [("Content-Type", "text/html; charset=utf-8")]


@dataclass
class SiteLog:
    """When each page request started at the server, and how many ran at once."""

    pause: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    running: int = 0
    most: int = 0
    starts: list[float] = field(default_factory=list)

    def page(self, response: bytes) -> Any:
        def handler(request: Request, writer: ResponseWriter) -> None:
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
                self.starts.append(time.monotonic())
            try:
                if self.pause:
                    writer.sleep(self.pause)
            finally:
                with self.lock:  # before the bytes go: the client cannot start the next first
                    self.running -= 1
            writer.send(response)

        return handler


def serve_site(
    server: RawHTTPServer, pages: int, log: SiteLog, disallow: str = "/private"
) -> list[str]:
    """PAGES distinct pages at /site/N.html (and a robots.txt); returns their URLs."""
    robots = f"User-agent: *\nDisallow: {disallow}\n".encode()
    server.route("/robots.txt", build_response(200, [("Content-Type", "text/plain")], robots))
    urls = []
    for number in range(pages):
        body = html_page(
            f"Page {number}",
            [f"Page {number} of the frontier test site says {number * 7919} things."],
        )
        server.route(f"/site/{number}.html", log.page(build_response(200, HTML, body)))
        urls.append(server.url(f"/site/{number}.html"))
    return urls


def frontier_env(
    home: Path, database: str, redis_url: str, prefix: str, **extra: str
) -> dict[str, str]:
    register_home(home)
    return prov_env(
        home,
        PROV_DATABASE_URL=database,
        PROV_REDIS_URL=redis_url,
        PROV_REDIS_PREFIX=prefix,
        PROV_FRONTIER_LEASE_TIMEOUT="2",
        PROV_WORKER_LINGER="1",
        **extra,
    )


def start_prov(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", *args],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT if args[0] == "worker" else subprocess.PIPE,
        )


def stop_worker(proc: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    """SIGTERM, then the worker's ``stopped`` event (its summary)."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(60) == 0, log.read_text()
    return events(log)["stopped"][-1]


def events(log: Path) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            found.setdefault(event["event"], []).append(event)
    return found


def successes(database: str, crawl_id: str) -> list[dict[str, Any]]:
    """The crawl's capture rows with a response, duplicates included."""
    with psycopg.connect(database) as conn:
        cursor = conn.execute(
            'SELECT url, warc, "offset", length, record_id, payload_digest, record_type, '
            "request_id, duplicate_of, hop_path FROM captures WHERE crawl_id = %s "
            "AND status IS NOT NULL",
            (crawl_id,),
        )
        names = [c.name for c in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor]


def warc_responses(home: Path) -> Counter[str]:
    """How many response records each URL has, over every WARC file in HOME."""
    found: Counter[str] = Counter()
    for path in sorted((home / "warcs").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    found[record.rec_headers.get_header("WARC-Target-URI")] += 1
    return found


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
