"""The exact bytes of an HTTP/1.1 request, built from a Scrapy request."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request

__all__ = ["build_request_bytes", "host_header"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PROXY_ONLY = {b"proxy-authorization", b"proxy-connection"}  # hop-by-hop, for the proxy alone
_SKIP = {b"host", b"content-length", b"transfer-encoding"}


def host_header(scheme: str, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if _DEFAULT_PORTS.get(scheme) == port else f"{shown}:{port}"


def build_request_bytes(request: Request, *, to_proxy: bool = False) -> bytes:
    """Request line, headers in Scrapy's order, and body.

    ``to_proxy`` is for plain-http requests sent to a forward proxy: absolute-form target and
    the proxy's own headers (``Proxy-Authorization``). Without it the bytes are what reaches the
    origin, which is what a request record holds: a proxy's credentials never enter a WARC.
    CONNECT tunnels send ``Proxy-Authorization`` to the proxy only, in the CONNECT request.
    """
    parts = urlsplit(request.url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or _DEFAULT_PORTS[scheme]
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if to_proxy:
        target = f"{scheme}://{host_header(scheme, host.encode('idna').decode(), port)}{target}"
    given_host = request.headers.get(b"Host")
    host_value = given_host or host_header(scheme, host.encode("idna").decode(), port).encode()
    lines = [
        f"{request.method} {target} HTTP/1.1".encode("ascii"),
        b"Host: " + host_value,
    ]
    for name, values in request.headers.items():
        lowered = name.lower()
        if lowered in _SKIP or (lowered in _PROXY_ONLY and not to_proxy):
            continue
        lines.extend(name + b": " + value for value in values)
    body = request.body or b""
    if body or request.method in ("POST", "PUT", "PATCH"):
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
