"""The standard library of scripted routes: every body and header byte is deterministic."""

from __future__ import annotations

import gzip
import hashlib
import struct
import zlib
from collections.abc import Sequence
from http import HTTPStatus

import brotli

from tests.servers.rawhttp import Handler, RawHTTPServer, Request, ResponseWriter
from tests.servers.wire import Header

DATE = "Mon, 06 Jan 2025 12:00:00 GMT"
SERVER = "prov-test/1.0"
HTML = "text/html; charset=utf-8"
ROBOTS_TXT = b"User-agent: *\nDisallow: /private\n"
HUGE_SIZE = 20 * 1024 * 1024
HUGE_BLOCK = bytes(range(256)) * 256  # 64 KiB; /huge repeats it HUGE_SIZE // len times
TRUNCATED_LENGTH = 10000
TRUNCATED_SENT = 3000
NEVER_ENDS_SECONDS = 60.0
NEVER_ENDS_INTERVAL = 0.2


def build_response(
    status: int,
    headers: list[Header],
    body: bytes = b"",
    *,
    reason: str | None = None,
    version: str = "HTTP/1.1",
    content_length: bool = True,
    common: bool = True,
) -> bytes:
    """Response bytes; headers are written `Name: value` exactly as given, in order.

    `common` prepends Date and Server; `content_length` appends Content-Length for `body`.
    """
    lines = [f"{version} {status} {reason or HTTPStatus(status).phrase}"]
    if common:
        lines += [f"Date: {DATE}", f"Server: {SERVER}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if content_length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def html_page(title: str, paragraphs: Sequence[str], links: Sequence[str] = ()) -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>\n' for href in links)
    body = "".join(f"<p>{text}</p>\n" for text in paragraphs)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<article>\n<h1>{title}</h1>\n{body}"
        f"</article>\n{'<ul>' + chr(10) + items + '</ul>' + chr(10) if items else ''}"
        "</body>\n</html>\n"
    ).encode()


def _article(topic: str, count: int) -> list[str]:
    return [
        f"Paragraph {i} of the {topic} report. The committee reviewed {i * 7} documents and "
        f"published its findings on page {i * 3 + 1}, noting a change of {i * 1.5:.1f} percent "
        "compared with the previous year. Café owners and résumé writers were consulted."
        for i in range(1, count + 1)
    ]


def chunk(data: bytes, extension: str = "", upper: bool = False) -> bytes:
    size = f"{len(data):X}" if upper else f"{len(data):x}"
    return f"{size}{extension}\r\n".encode() + data + b"\r\n"


def split(data: bytes, sizes: list[int]) -> list[bytes]:
    """Cut `data` into pieces of the given sizes, the remainder as a last piece."""
    pieces, pos = [], 0
    for size in sizes:
        pieces.append(data[pos : pos + size])
        pos += size
    return [*pieces, data[pos:]] if pos < len(data) else pieces


def png_image(width: int = 16, height: int = 16) -> bytes:
    """A small, valid RGB PNG (a colour gradient)."""

    def png_chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x * 16 % 256, y * 16 % 256, 128))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows, 9))
        + png_chunk(b"IEND", b"")
    )


def pieces_route(pieces: list[bytes], *, close_after: bool = False) -> Handler:
    """Send each piece with its own send() (pieces[0] is the head, all that HEAD gets)."""

    def handler(request: Request, writer: ResponseWriter) -> None:
        for piece in pieces[:1] if request.method == "HEAD" else pieces:
            writer.send(piece)
        if close_after:
            writer.close()

    return handler


# -- bodies (content-decoded entity bodies, see STANDARD_BODIES) --------------------------------
PLAIN_HTML = html_page("Plain page", _article("plain", 3))
GZIP_HTML = html_page("Gzip page", _article("gzip", 6))
BROTLI_HTML = html_page("Brotli page", _article("brotli", 6))
CHUNKED_HTML = html_page("Chunked page", _article("chunked", 4))
GZIP_CHUNKED_HTML = html_page("Gzip chunked page", _article("gzip-chunked", 40))
DUP_HEADERS_HTML = html_page("Duplicate headers", ["Two cookies and odd header spacing."])
PRIVATE_HTML = html_page("Private page", ["Robots.txt disallows this page."])
NOT_FOUND_HTML = html_page("Not found", ["There is no such page here."])
ERROR_HTML = html_page("Server error", ["Something broke on the server."])
HEAD_CHECK_HTML = html_page("Head check", ["A HEAD request gets only the headers."])
BAD_CHUNK_HTML = html_page("Bad chunk size", ["The server breaks its chunked framing here."])
NO_LENGTH_HTML = html_page("No length", ["This body ends when the server closes."])
HTTP10_HTML = html_page("HTTP/1.0", ["An HTTP/1.0 response without a length."])
WRONG_CHARSET_HTML = (
    "<html><head><title>\u041d\u043e\u0432\u043e\u0441\u0442\u0438</title></head><body>"
    "<p>\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u042d\u0442\u043e "
    "\u0442\u0435\u043a\u0441\u0442 \u0432 \u043a\u043e\u0434\u0438\u0440\u043e\u0432\u043a\u0435 "
    "windows-1251.</p></body></html>\n"
).encode("cp1251")
TRUNCATED_BODY = b"".join(
    f"line {i:05d} of a body that is cut short\n".encode() for i in range(400)
)[:TRUNCATED_LENGTH]
PNG = png_image()
GZIP_WIRE = gzip.compress(GZIP_HTML, mtime=0)
BROTLI_WIRE = brotli.compress(BROTLI_HTML)
GZIP_CHUNKED_WIRE = gzip.compress(GZIP_CHUNKED_HTML, mtime=0)

STANDARD_BODIES: dict[str, bytes] = {
    "/plain": PLAIN_HTML,
    "/gzip": GZIP_HTML,
    "/brotli": BROTLI_HTML,
    "/chunked": CHUNKED_HTML,
    "/chunked-ext": CHUNKED_HTML,
    "/gzip-chunked": GZIP_CHUNKED_HTML,
    "/dup-headers": DUP_HEADERS_HTML,
    "/notfound": NOT_FOUND_HTML,
    "/error": ERROR_HTML,
    "/binary": PNG,
    "/wrong-charset": WRONG_CHARSET_HTML,
    "/no-length-close": NO_LENGTH_HTML,
    "/http10": HTTP10_HTML,
    "/head-check": HEAD_CHECK_HTML,
    "/robots.txt": ROBOTS_TXT,
    "/private": PRIVATE_HTML,
}
"""Entity bodies after transfer and content decoding, for routes whose body never varies."""


def huge_body() -> bytes:
    return HUGE_BLOCK * (HUGE_SIZE // len(HUGE_BLOCK))


def huge_sha256() -> str:
    digest = hashlib.sha256()
    for _ in range(HUGE_SIZE // len(HUGE_BLOCK)):
        digest.update(HUGE_BLOCK)
    return digest.hexdigest()


def _chunked_pieces(extensions: bool = False) -> list[bytes]:
    """Chunked HTML whose sizes mix upper and lower case. With EXTENSIONS it also carries chunk
    extensions and a trailer: legal HTTP (RFC 9112 7.1) that FastWARC, warcio and pywb cannot
    de-chunk, so it has a route of its own whose captures the external validator does not judge."""
    fields: list[tuple[str, str]] = [("Content-Type", HTML), ("Transfer-Encoding", "chunked")]
    if extensions:
        fields.append(("Trailer", "X-Checksum"))
    head = build_response(200, fields, content_length=False)
    parts = split(CHUNKED_HTML, [1, 5, 26, 300])
    checksum = hashlib.sha1(CHUNKED_HTML).hexdigest()
    last = f"0\r\nX-Checksum: {checksum}\r\n\r\n" if extensions else "0\r\n\r\n"
    return [
        head,
        chunk(parts[0]),
        chunk(parts[1], ";ext=1" if extensions else ""),
        chunk(parts[2]),
        chunk(parts[3], upper=True),
        chunk(parts[4], ';name="quoted value"' if extensions else ""),
        last.encode(),
    ]


def _gzip_chunked_pieces() -> list[bytes]:
    head = build_response(
        200,
        [
            ("Content-Type", HTML),
            ("Content-Encoding", "gzip"),
            ("Vary", "Accept-Encoding"),
            ("Transfer-Encoding", "chunked"),
        ],
        content_length=False,
    )
    size = len(GZIP_CHUNKED_WIRE)
    parts = split(GZIP_CHUNKED_WIRE, [10, size // 4, size // 3])
    return [head, *(chunk(part) for part in parts), b"0\r\n\r\n"]


def _bad_chunk_size_pieces() -> list[bytes]:
    """One good chunk, then a chunk size that is not hex (``ZZZZ``): framing no one can undo."""
    head = build_response(
        200, [("Content-Type", HTML), ("Transfer-Encoding", "chunked")], content_length=False
    )
    rest = b"ZZZZ\r\n" + BAD_CHUNK_HTML[64:] + b"\r\n0\r\n\r\n"
    return [head, chunk(BAD_CHUNK_HTML[:64]), rest]


def _redirect2(request: Request, writer: ResponseWriter) -> None:
    host = request.header("Host") or writer.server.authority
    body = html_page("Found", ["Moved to /plain."])
    location = f"{writer.server.scheme}://{host}/plain"
    response = build_response(302, [("Location", location), ("Content-Type", HTML)], body)
    head_end = response.index(b"\r\n\r\n") + 4
    writer.send(response[:head_end] if request.method == "HEAD" else response)


def _echo_query(request: Request, writer: ResponseWriter) -> None:
    body = request.query.encode("latin-1")
    writer.send(build_response(200, [("Content-Type", "text/plain; charset=utf-8")], body))


def _truncated(request: Request, writer: ResponseWriter) -> None:
    length = ("Content-Length", str(TRUNCATED_LENGTH))
    writer.send(build_response(200, [("Content-Type", HTML), length], content_length=False))
    if request.method != "HEAD":
        writer.send(TRUNCATED_BODY[:TRUNCATED_SENT])
        writer.close()


def _never_ends(request: Request, writer: ResponseWriter) -> None:
    writer.send(
        build_response(
            200, [("Content-Type", HTML), ("Transfer-Encoding", "chunked")], content_length=False
        )
    )
    writer.send(chunk(b"<html><body>\n<p>start</p>\n"))
    ticks = int(NEVER_ENDS_SECONDS / NEVER_ENDS_INTERVAL)
    for tick in range(1, ticks + 1):
        writer.sleep(NEVER_ENDS_INTERVAL)
        writer.send(chunk(f"<p>tick {tick}</p>\n".encode()))
    writer.close()


def _slow_headers(seconds: float) -> Handler:
    response = build_response(200, [("Content-Type", HTML)], html_page("Slow", ["Finally."]))

    def handler(request: Request, writer: ResponseWriter) -> None:
        writer.sleep(seconds)
        writer.send(response)

    return handler


def _huge(request: Request, writer: ResponseWriter) -> None:
    headers = [("Content-Type", "application/octet-stream"), ("Content-Length", str(HUGE_SIZE))]
    writer.send(build_response(200, headers, content_length=False))
    if request.method != "HEAD":
        for _ in range(HUGE_SIZE // len(HUGE_BLOCK)):
            writer.send(HUGE_BLOCK)


def _counter(request: Request, writer: ResponseWriter) -> None:
    visits = len(writer.server.exchanges_for("/counter"))
    body = html_page("Counter", [f"This page has been requested {visits} times."])
    writer.send(build_response(200, [("Content-Type", HTML), ("Cache-Control", "no-store")], body))


def _reset(request: Request, writer: ResponseWriter) -> None:
    writer.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
    writer.close(abort=True)


def _empty_reply(request: Request, writer: ResponseWriter) -> None:
    writer.close()


INDEX_LINKS = [
    "/plain",
    "/gzip",
    "/brotli",
    "/chunked",
    "/gzip-chunked",
    "/dup-headers",
    "/redirect",
    "/binary",
    "/wrong-charset",
    "/head-check",
    "/echo-query?a=1&b=two",
    "/notfound",
    "/private",
]


def install_standard_routes(
    server: RawHTTPServer,
    *,
    robots_txt: bytes = ROBOTS_TXT,
    slow_seconds: float = 30.0,
) -> RawHTTPServer:
    """Register the standard scripted routes (see the module docstring of tests.servers)."""
    html = [("Content-Type", HTML)]
    server.route("/", build_response(200, html, html_page("Index", ["Test routes."], INDEX_LINKS)))
    server.route("/plain", build_response(200, html, PLAIN_HTML))
    server.route(
        "/gzip",
        build_response(
            200, [*html, ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")], GZIP_WIRE
        ),
    )
    server.route(
        "/brotli",
        build_response(
            200, [*html, ("Content-Encoding", "br"), ("Vary", "Accept-Encoding")], BROTLI_WIRE
        ),
    )
    server.route("/chunked", pieces_route(_chunked_pieces()))
    server.route("/chunked-ext", pieces_route(_chunked_pieces(extensions=True)))
    server.route("/gzip-chunked", pieces_route(_gzip_chunked_pieces()))
    server.route("/bad-chunk-size", pieces_route(_bad_chunk_size_pieces(), close_after=True))
    server.route(
        "/dup-headers",
        build_response(
            200,
            [
                *html,
                ("Set-Cookie", "session=abc123; Path=/; HttpOnly"),
                ("Set-Cookie", "theme=dark; Path=/; Max-Age=3600"),
                ("X-Custom-HEADER", "MixedCase"),
                ("X-Spaces", "  value  "),
                ("Connection", "keep-alive"),
                ("Keep-Alive", "timeout=5"),
            ],
            DUP_HEADERS_HTML,
        ),
    )
    server.route(
        "/redirect",
        build_response(
            301, [("Location", "/redirect2"), *html], html_page("Moved", ["Moved to /redirect2."])
        ),
    )
    server.route("/redirect2", _redirect2)
    server.route("/notfound", build_response(404, html, NOT_FOUND_HTML))
    server.route("/error", build_response(500, html, ERROR_HTML))
    server.route("/truncated", _truncated)
    server.route("/never-ends", _never_ends)
    server.route("/slow-headers", _slow_headers(slow_seconds))
    server.route("/huge", _huge)
    server.route("/binary", build_response(200, [("Content-Type", "image/png")], PNG))
    server.route("/wrong-charset", build_response(200, html, WRONG_CHARSET_HTML))
    server.route(
        "/no-length-close",
        build_response(200, [*html, ("Connection", "close")], NO_LENGTH_HTML, content_length=False),
    )
    server.route(
        "/http10",
        build_response(
            200,
            [("Content-Type", "text/html")],
            HTTP10_HTML,
            version="HTTP/1.0",
            content_length=False,
        ),
    )
    server.route(
        "/head-check", build_response(200, [*html, ("X-Head-Check", "yes")], HEAD_CHECK_HTML)
    )
    server.route("/robots.txt", build_response(200, [("Content-Type", "text/plain")], robots_txt))
    server.route("/private", build_response(200, html, PRIVATE_HTML))
    server.route("/echo-query", _echo_query)
    server.route("/counter", _counter)
    server.route("/reset", _reset)
    server.route("/empty-reply", _empty_reply)
    return server
