"""The test servers do what they claim: exact byte logs, keep-alive, proxying, TLS, the corpus."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import re
import socket
import ssl
import time

import brotli
import pytest

import tests.servers as servers
from tests.servers import (
    HUGE_SIZE,
    NEWS_HOST,
    ROBOTS_TXT,
    STANDARD_BODIES,
    TRUNCATED_LENGTH,
    TRUNCATED_SENT,
    ForwardProxy,
    RawHTTPServer,
    TLSFiles,
    client_context,
    corpus_transfer,
    dechunk,
    huge_sha256,
    install_standard_routes,
    read_response,
    recv_all,
)


def connect(server: RawHTTPServer, context: ssl.SSLContext | None = None) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=10)
    if context is not None:
        return context.wrap_socket(sock, server_hostname="localhost")
    return sock


def request_bytes(path: str, method: str = "GET", *, close: bool = True, host: str = "x") -> bytes:
    extra = "Connection: close\r\n" if close else ""
    return f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: raw\r\n{extra}\r\n".encode()


def fetch_raw(
    server: RawHTTPServer, path: str, method: str = "GET", context: ssl.SSLContext | None = None
) -> bytes:
    """Every byte the server sends for one request on a fresh connection."""
    with connect(server, context) as sock:
        sock.sendall(request_bytes(path, method))
        return recv_all(sock)


def decode(body: bytes, encoding: str | None) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        return brotli.decompress(body)
    return body


ROUTES_WITH_FIXED_BYTES = [
    "/plain",
    "/gzip",
    "/brotli",
    "/chunked",
    "/gzip-chunked",
    "/dup-headers",
    "/notfound",
    "/error",
    "/binary",
    "/wrong-charset",
    "/no-length-close",
    "/http10",
    "/robots.txt",
    "/truncated",
    "/redirect",
]


@pytest.mark.parametrize("path", ROUTES_WITH_FIXED_BYTES)
def test_logged_bytes_equal_bytes_on_the_wire(raw_server: RawHTTPServer, path: str) -> None:
    received = fetch_raw(raw_server, path)
    assert received == raw_server.sent_for(path)[-1]
    assert raw_server.received_for(path)[-1] == request_bytes(path)
    assert received == fetch_raw(raw_server, path), "scripted bytes are deterministic"


def test_chunked_ext_has_extensions_and_trailer(raw_server: RawHTTPServer) -> None:
    with connect(raw_server) as sock:
        sock.sendall(request_bytes("/chunked-ext", close=False))
        message = read_response(sock)
    assert message.raw == raw_server.sent_for("/chunked-ext")[-1]
    assert message.chunked and message.header("Content-Length") is None
    assert b"\r\n5;ext=1\r\n" in message.body
    assert re.search(rb"\r\n0\r\nX-Checksum: [0-9a-f]{40}\r\n\r\n$", message.body)
    sizes = re.findall(rb"(?:^|\r\n)([0-9a-fA-F]+)(?:;[^\r]*)?\r\n", message.body)
    assert len(sizes) >= 5
    assert message.payload() == STANDARD_BODIES["/chunked"]


def test_dup_headers_are_sent_verbatim(raw_server: RawHTTPServer) -> None:
    head = fetch_raw(raw_server, "/dup-headers").split(b"\r\n\r\n", 1)[0] + b"\r\n"
    assert head.count(b"\r\nSet-Cookie: ") == 2
    assert b"\r\nX-Custom-HEADER: MixedCase\r\n" in head
    assert b"\r\nX-Spaces:   value  \r\n" in head
    assert b"\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n" in head


@pytest.mark.parametrize(
    ("path", "encoding"), [("/gzip", "gzip"), ("/brotli", "br"), ("/gzip-chunked", "gzip")]
)
def test_content_encodings_decode(raw_server: RawHTTPServer, path: str, encoding: str) -> None:
    with connect(raw_server) as sock:
        sock.sendall(request_bytes(path))
        message = read_response(sock)
    assert message.header("Content-Encoding") == encoding
    assert decode(message.payload(), encoding) == STANDARD_BODIES[path]
    assert message.chunked == (path == "/gzip-chunked")


def test_keep_alive_serves_two_requests_on_one_socket(raw_server: RawHTTPServer) -> None:
    with connect(raw_server) as sock:
        sock.sendall(request_bytes("/plain", close=False))
        first = read_response(sock)
        sock.sendall(request_bytes("/chunked", close=False))
        second = read_response(sock)
        sock.sendall(request_bytes("/gzip", "HEAD", close=False))
        third = read_response(sock, "HEAD")
    assert first.raw == raw_server.sent_for("/plain")[-1]
    assert second.raw == raw_server.sent_for("/chunked")[-1]
    assert third.body == b"" and third.header("Content-Length") is not None
    ids = {
        e.connection_id
        for p in ("/plain", "/chunked", "/gzip")
        for e in raw_server.exchanges_for(p)[-1:]
    }
    assert len(ids) == 1


def test_http_client_reuses_the_connection(raw_server: RawHTTPServer) -> None:
    before = raw_server.connection_count
    conn = http.client.HTTPConnection(raw_server.host, raw_server.port, timeout=10)
    for path in ("/plain", "/chunked", "/dup-headers", "/head-check"):
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.read() == STANDARD_BODIES[path]
    conn.request("HEAD", "/head-check")
    response = conn.getresponse()
    assert response.read() == b""
    assert response.getheader("Content-Length") == str(len(STANDARD_BODIES["/head-check"]))
    conn.close()
    assert raw_server.connection_count == before + 1


def test_redirect_chain(raw_server: RawHTTPServer) -> None:
    conn = http.client.HTTPConnection(raw_server.host, raw_server.port, timeout=10)
    conn.request("GET", "/redirect")
    first = conn.getresponse()
    first.read()
    conn.request("GET", "/redirect2", headers={"Host": NEWS_HOST})
    second = conn.getresponse()
    second.read()
    conn.close()
    assert (first.status, first.getheader("Location")) == (301, "/redirect2")
    assert (second.status, second.getheader("Location")) == (302, f"http://{NEWS_HOST}/plain")


def test_error_statuses(raw_server: RawHTTPServer) -> None:
    assert fetch_raw(raw_server, "/notfound").startswith(b"HTTP/1.1 404 Not Found\r\n")
    assert fetch_raw(raw_server, "/error").startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert fetch_raw(raw_server, "/no-such-route").startswith(b"HTTP/1.1 404 ")


def test_truncated_body_then_close(raw_server: RawHTTPServer) -> None:
    head, body = fetch_raw(raw_server, "/truncated").split(b"\r\n\r\n", 1)
    assert f"Content-Length: {TRUNCATED_LENGTH}".encode() in head
    assert len(body) == TRUNCATED_SENT


@pytest.mark.parametrize("path", ["/no-length-close", "/http10"])
def test_close_delimited_bodies(raw_server: RawHTTPServer, path: str) -> None:
    head, body = fetch_raw(raw_server, path).split(b"\r\n\r\n", 1)
    assert b"Content-Length" not in head and b"chunked" not in head
    assert body == STANDARD_BODIES[path]


def test_small_routes(raw_server: RawHTTPServer) -> None:
    conn = http.client.HTTPConnection(raw_server.host, raw_server.port, timeout=10)
    conn.request("GET", "/robots.txt")
    assert conn.getresponse().read() == ROBOTS_TXT
    conn.request("GET", "/echo-query?q=a%20b&x=1")
    assert conn.getresponse().read() == b"q=a%20b&x=1"
    conn.request("GET", "/binary")
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "image/png"
    assert response.read().startswith(b"\x89PNG\r\n\x1a\n")
    conn.request("GET", "/wrong-charset")
    response = conn.getresponse()
    assert "charset=utf-8" in response.getheader("Content-Type", "")
    body = response.read()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "\u041f\u0440\u0438\u0432\u0435\u0442" in body.decode("cp1251")
    conn.request("GET", "/private")
    assert conn.getresponse().status == 200
    conn.close()
    assert raw_server.sent_for("/echo-query?q=a%20b&x=1")
    assert raw_server.errors == []


def test_huge_is_streamed_whole() -> None:
    with RawHTTPServer() as server:  # a private server: the 20 MB log entry dies with it
        install_standard_routes(server)
        conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
        conn.request("GET", "/huge")
        response = conn.getresponse()
        digest, size = hashlib.sha256(), 0
        while piece := response.read(1 << 20):
            digest.update(piece)
            size += len(piece)
        conn.close()
        assert len(server.sent_for("/huge")[0]) > HUGE_SIZE
    assert (size, digest.hexdigest()) == (HUGE_SIZE, huge_sha256())


def test_reset_and_empty_reply(raw_server: RawHTTPServer) -> None:
    assert fetch_raw(raw_server, "/empty-reply") == b""
    with connect(raw_server) as sock:
        sock.sendall(request_bytes("/reset"))
        received = recv_all(sock)
    assert raw_server.sent_for("/reset")[-1] == received
    assert received.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\n\r\n" not in received


def test_stalled_handlers_stop_quickly() -> None:
    with RawHTTPServer() as server:
        install_standard_routes(server)
        trickle = connect(server)
        trickle.sendall(request_bytes("/never-ends"))
        trickle.settimeout(5)
        first = trickle.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK\r\n")
        stalled = connect(server)
        stalled.sendall(request_bytes("/slow-headers"))
        time.sleep(0.5)
        started = time.monotonic()
        server.stop()
        elapsed = time.monotonic() - started
        sent = server.sent_for("/never-ends")[0]
    trickle.close()
    stalled.close()
    assert elapsed < 1.5
    assert server.alive_threads == []
    assert b"<p>tick 1</p>" in sent and server.sent_for("/slow-headers") == [b""]


def test_stalled_handlers_notice_the_client_leaving() -> None:
    with RawHTTPServer() as server:
        install_standard_routes(server)
        for path in ("/never-ends", "/slow-headers"):
            sock = connect(server)
            sock.sendall(request_bytes(path))
            time.sleep(0.3)
            sock.close()
            assert server.exchanges_for(path)[0].done.wait(3), path


def test_tls_serves_the_same_routes(tls_server: RawHTTPServer, tls_files: TLSFiles) -> None:
    context = client_context(tls_files.certfile)
    assert tls_server.base_url.startswith("https://")
    for path in ("/chunked", "/gzip", "/truncated"):
        received = fetch_raw(tls_server, path, context=context)
        assert received == tls_server.sent_for(path)[-1]
    with connect(tls_server, context) as sock:
        sock.sendall(request_bytes("/plain", close=False))
        assert read_response(sock).payload() == STANDARD_BODIES["/plain"]
        sock.sendall(request_bytes("/plain", close=False))
        assert read_response(sock).raw == tls_server.sent_for("/plain")[-1]


def test_proxy_forwards_absolute_form(
    forward_proxy: ForwardProxy, raw_server: RawHTTPServer
) -> None:
    proxy_sock = socket.create_connection((forward_proxy.host, forward_proxy.port), timeout=10)
    with proxy_sock:
        for path in ("/dup-headers", "/chunked"):
            proxy_sock.sendall(
                f"GET http://{NEWS_HOST}{path} HTTP/1.1\r\nHost: {NEWS_HOST}\r\n"
                "Proxy-Connection: keep-alive\r\n\r\n".encode()
            )
            response = read_response(proxy_sock)
            assert response.raw == raw_server.sent_for(path)[-1]
            assert raw_server.received_for(path)[-1] == (
                f"GET {path} HTTP/1.1\r\nHost: {NEWS_HOST}\r\n\r\n".encode()
            )
            assert forward_proxy.requests[-1] == f"http://{NEWS_HOST}{path}"


def test_proxy_tunnels_connect_to_tls(
    forward_proxy: ForwardProxy, tls_server: RawHTTPServer, tls_files: TLSFiles
) -> None:
    context = client_context(tls_files.certfile)
    conn = http.client.HTTPSConnection(
        forward_proxy.host, forward_proxy.port, context=context, timeout=10
    )
    conn.set_tunnel(NEWS_HOST, 443)
    conn.request("GET", "/gzip")
    response = conn.getresponse()
    assert decode(response.read(), "gzip") == STANDARD_BODIES["/gzip"]
    conn.close()
    assert forward_proxy.requests[-1] == f"{NEWS_HOST}:443"
    with socket.create_connection((forward_proxy.host, forward_proxy.port), timeout=10) as sock:
        sock.sendall(f"CONNECT {NEWS_HOST}:443 HTTP/1.1\r\nHost: {NEWS_HOST}:443\r\n\r\n".encode())
        assert read_response(sock, "CONNECT").status == 200
        with context.wrap_socket(sock, server_hostname=NEWS_HOST) as tls:
            tls.sendall(request_bytes("/chunked", host=NEWS_HOST))
            assert recv_all(tls) == tls_server.sent_for("/chunked")[-1]


def test_proxy_refuses_unmapped_hosts(forward_proxy: ForwardProxy) -> None:
    conn = http.client.HTTPConnection(forward_proxy.host, forward_proxy.port, timeout=10)
    conn.request("GET", "http://unmapped.invalid/x")
    assert conn.getresponse().status == 502
    conn.close()


def test_proxy_stops_while_relaying(raw_server: RawHTTPServer) -> None:
    with ForwardProxy({NEWS_HOST: (raw_server.host, raw_server.port)}) as proxy:
        sock = socket.create_connection((proxy.host, proxy.port), timeout=10)
        sock.sendall(f"GET http://{NEWS_HOST}/never-ends HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
        started = time.monotonic()
    assert time.monotonic() - started < 1.5
    assert proxy.alive_threads == []
    sock.close()


def test_corpus_serves_every_page(corpus_server: RawHTTPServer) -> None:
    pages = corpus_server.corpus_pages()
    assert len(pages) == 63
    assert pages[0].original_url is not None
    assert pages[0].original_url.startswith("https://www.nytimes.com/")
    conn = http.client.HTTPConnection(corpus_server.host, corpus_server.port, timeout=10)
    conn.request("GET", "/corpus/")
    index = conn.getresponse().read().decode()
    seen = set()
    for path, _url, body in pages:
        assert f'href="{path.removeprefix("/corpus/")}"' in index
        conn.request("GET", path)
        response = conn.getresponse()
        encoding = response.getheader("Content-Encoding")
        chunked = response.getheader("Transfer-Encoding") == "chunked"
        assert response.getheader("Content-Type") == "text/html"
        assert response.getheader("ETag") and response.getheader("Last-Modified")
        assert (encoding, chunked) == corpus_transfer(int(path[-8:-5]))
        assert decode(response.read(), encoding) == body, path
        seen.add((encoding, chunked))
    conn.close()
    assert seen == {(None, False), ("gzip", False), ("br", False), (None, True), ("gzip", True)}
    chunked_page = next(p.path for p in pages if corpus_transfer(int(p.path[-8:-5])).chunked)
    assert fetch_raw(corpus_server, chunked_page) == corpus_server.sent_for(chunked_page)[-1]


def test_public_names_exist() -> None:
    assert all(hasattr(servers, name) for name in servers.__all__)
    assert dechunk(b"3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n") == b"abc"
