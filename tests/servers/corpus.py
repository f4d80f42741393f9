"""Serve the shared corpus of real publisher pages with realistic, deterministic headers.

Page NNN is sent as `/corpus/NNN.html`; its transfer is chosen by `corpus_transfer(NNN)`:
plain with Content-Length, gzip, brotli, chunked identity, or gzip sent chunked.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import NamedTuple

import brotli

from tests.servers.rawhttp import CorpusPage, RawHTTPServer
from tests.servers.routes import HTML, build_response, chunk, html_page, pieces_route, split
from tests.servers.wire import Header

CORPUS_PREFIX = "/corpus/"
_DATE = datetime(2025, 3, 3, 9, 0, 0, tzinfo=UTC)
_LAST_MODIFIED = datetime(2024, 11, 1, 6, 30, 0, tzinfo=UTC)
_SERVERS = ["nginx", "Apache/2.4.58 (Ubuntu)", "cloudflare", "ECS (dcb/7F84)"]
_CACHE = ["max-age=300", "no-cache", "public, max-age=60, s-maxage=600"]


class CorpusTransfer(NamedTuple):
    content_encoding: str | None  # "gzip", "br" or None
    chunked: bool


_TRANSFERS = [
    CorpusTransfer(None, False),
    CorpusTransfer("gzip", False),
    CorpusTransfer("br", False),
    CorpusTransfer(None, True),
    CorpusTransfer("gzip", True),
]


def default_corpus_dir() -> Path:
    """$PROV_CORPUS_DIR, else `<repo>/../shared/corpus`."""
    configured = os.environ.get("PROV_CORPUS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def corpus_transfer(number: int) -> CorpusTransfer:
    """How page `number` is sent (deterministic by page number)."""
    return _TRANSFERS[number % len(_TRANSFERS)]


def encode(body: bytes, content_encoding: str | None) -> bytes:
    if content_encoding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    if content_encoding == "br":
        compressed: bytes = brotli.compress(body, quality=5)
        return compressed
    return body


def corpus_headers(number: int, body: bytes) -> list[Header]:
    """Realistic response headers for page `number` (Content-Length / framing not included)."""
    transfer = corpus_transfer(number)
    digest = hashlib.sha256(body).hexdigest()[:20]
    headers: list[Header] = [
        ("Date", format_datetime(_DATE + timedelta(minutes=number), usegmt=True)),
        ("Server", _SERVERS[number % len(_SERVERS)]),
        ("Content-Type", "text/html"),
        ("Last-Modified", format_datetime(_LAST_MODIFIED + timedelta(days=number), usegmt=True)),
        ("ETag", f'W/"{digest}"' if number % 2 else f'"{digest}"'),
        ("Cache-Control", _CACHE[number % len(_CACHE)]),
        ("Vary", "Accept-Encoding, Cookie" if number % 4 == 0 else "Accept-Encoding"),
    ]
    if number % 3 == 0:
        cookie = f"visitor=v{number:03d}; Path=/; Max-Age=86400; SameSite=Lax"
        headers.append(("Set-Cookie", cookie))
    if number % 6 == 0:
        headers.append(("Set-Cookie", "consent=0; Path=/corpus/; Secure; HttpOnly"))
    if transfer.content_encoding:
        headers.append(("Content-Encoding", transfer.content_encoding))
    return headers


def _page_pieces(number: int, body: bytes) -> list[bytes]:
    transfer = corpus_transfer(number)
    wire = encode(body, transfer.content_encoding)
    headers = corpus_headers(number, body)
    if not transfer.chunked:
        return [build_response(200, headers, wire, common=False)]
    head = build_response(
        200, [*headers, ("Transfer-Encoding", "chunked")], common=False, content_length=False
    )
    size = 4096 + number * 997 % 8192
    return [
        head,
        *(chunk(part) for part in split(wire, [size] * (len(wire) // size))),
        b"0\r\n\r\n",
    ]


def _original_urls(corpus_dir: Path) -> dict[str, str | None]:
    manifest = corpus_dir / "manifest.json"
    if not manifest.is_file():
        return {}
    pages = json.loads(manifest.read_text(encoding="utf-8")).get("pages", [])
    return {page["file"]: page.get("original_url") for page in pages}


def install_corpus_routes(
    server: RawHTTPServer, corpus_dir: str | Path | None = None
) -> list[CorpusPage]:
    """Serve every NNN.html of the corpus at /corpus/NNN.html, and an index at /corpus/."""
    directory = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()
    files = sorted(p for p in directory.glob("*.html") if p.stem.isdigit())
    if not files:
        raise FileNotFoundError(f"no NNN.html pages in {directory}; set PROV_CORPUS_DIR")
    urls = _original_urls(directory)
    pages: list[CorpusPage] = []
    for file in files:
        body = file.read_bytes()
        path = CORPUS_PREFIX + file.name
        server.route(path, pieces_route(_page_pieces(int(file.stem), body)))
        pages.append(CorpusPage(path, urls.get(file.name), body))
    index = html_page(
        "Corpus",
        [f"{len(pages)} saved publisher pages."],
        [page.path.removeprefix(CORPUS_PREFIX) for page in pages],
    )
    server.route(CORPUS_PREFIX, build_response(200, [("Content-Type", HTML)], index))
    server.corpus = pages
    return pages
