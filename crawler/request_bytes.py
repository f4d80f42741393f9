"""The exact bytes of an HTTP/1.1 request, built from a Scrapy request."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SKIP = {b"proxy-authorization", b"host", b"content-length", b"transfer-encoding"}


def host_header(scheme: str, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if _DEFAULT_PORTS.get(scheme) == port else f"{shown}:{port}"


def build_request_bytes(request: Request, *, absolute_form: bool, proxy_auth: bool) -> bytes:
    """Request line, headers in Scrapy's order, and body.

    ``absolute_form`` is for plain-http requests sent to a forward proxy, which also get the
    ``Proxy-Authorization`` header; CONNECT tunnels send that header to the proxy only.
    """
    parts = urlsplit(request.url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or _DEFAULT_PORTS[scheme]
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if absolute_form:
        target = f"{scheme}://{host_header(scheme, host.encode('idna').decode(), port)}{target}"
    given_host = request.headers.get(b"Host")
    host_value = given_host or host_header(scheme, host.encode("idna").decode(), port).encode()
    lines = [
        f"{request.method} {target} HTTP/1.1".encode("ascii"),
        b"Host: " + host_value,
    ]
    for name, values in request.headers.items():
        lowered = name.lower()
        if lowered in _SKIP and not (proxy_auth and lowered == b"proxy-authorization"):
            continue
        lines.extend(name + b": " + value for value in values)
    body = request.body or b""
    if body or request.method in ("POST", "PUT", "PATCH"):
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
