"""The incremental response parser keeps the wire bytes and decodes the framing."""

from __future__ import annotations

import pytest

from archive.http_response import Framing, HTTPParseError, ResponseParser

CHUNKED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5;ext=1\r\nHello\r\n7\r\n, World\r\n0\r\nX-Trailer: yes\r\n\r\n"
)


def feed_in_pieces(data: bytes, size: int, method: str = "GET") -> ResponseParser:
    parser = ResponseParser(method)
    for start in range(0, len(data), size):
        parser.feed(data[start : start + size])
    return parser


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
def test_chunked_any_split(size: int) -> None:
    parser = feed_in_pieces(CHUNKED, size)
    assert parser.complete
    assert parser.framing is Framing.CHUNKED
    assert bytes(parser.wire) == CHUNKED
    assert parser.payload == b"Hello, World"


def test_content_length_and_leftover() -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA"
    parser = feed_in_pieces(data, 4)
    assert parser.complete and parser.payload == b"abc"
    assert bytes(parser.wire) == data[: -len(b"EXTRA")]
    assert parser.leftover == b"EXTRA"


def test_headers_keep_order_case_and_duplicates() -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Custom-HEADER: v\r\n"
        b"Set-Cookie: b=2\r\nContent-Length: 0\r\n\r\n"
    )
    parser = feed_in_pieces(data, 5)
    assert parser.headers[:3] == [
        (b"Set-Cookie", b"a=1"),
        (b"X-Custom-HEADER", b"v"),
        (b"Set-Cookie", b"b=2"),
    ]
    assert parser.complete and parser.payload == b""


def test_body_until_close() -> None:
    parser = feed_in_pieces(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nabc", 2)
    assert not parser.complete and parser.framing is Framing.CLOSE
    assert parser.connection_closed()
    assert parser.payload == b"abc"


def test_head_and_304_have_no_body() -> None:
    head = feed_in_pieces(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 3, "HEAD")
    assert head.complete and head.payload == b""
    not_modified = feed_in_pieces(b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", 3)
    assert not_modified.complete


def test_interim_responses_are_kept_apart() -> None:
    data = (
        b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    )
    parser = feed_in_pieces(data, 6)
    assert parser.status == 200 and parser.payload == b"ok"
    assert parser.interim == [b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"]


def test_truncated_length_body_payload_is_what_arrived() -> None:
    parser = feed_in_pieces(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 4)
    assert not parser.complete and not parser.connection_closed()
    assert parser.payload == b"abc" and parser.body_bytes_received == 3


@pytest.mark.parametrize(
    "data",
    [
        b"SSH-2.0-OpenSSH\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
    ],
)
def test_garbage_is_an_error(data: bytes) -> None:
    with pytest.raises(HTTPParseError):
        feed_in_pieces(data, 100)
