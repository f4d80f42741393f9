"""https capture with TLS metadata, and fetches through an HTTP proxy (--proxy and http_proxy)."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.conftest import prov_env, run_prov, warc_files
from tests.conftest_servers import NEWS_HOST
from tests.servers import ForwardProxy, RawHTTPServer, TLSFiles
from tests.wire_check import read_records


def _fields(block: bytes) -> list[tuple[str, str]]:
    pairs = []
    for line in block.decode().splitlines():
        name, _, value = line.partition(": ")
        pairs.append((name, value))
    return pairs


def test_https_capture_records_tls_version_and_certificate(
    tls_server: RawHTTPServer, tls_files: TLSFiles, prov_home: Path
) -> None:
    url = tls_server.url("/gzip")
    result = run_prov("archive", "--json", url, home=prov_home)
    assert result.returncode == 0, result.stderr
    records = read_records(warc_files(prov_home))
    response = next(r for r in records if r.warc_type == "response" and r.url == url)
    assert response.block == tls_server.sent_for("/gzip")[-1]
    metadata = next(
        r
        for r in records
        if r.warc_type == "metadata"
        and r.headers.get("WARC-Concurrent-To") == response.headers["WARC-Record-ID"]
    )
    fields = _fields(metadata.block)
    assert ("tls-version", "TLSv1.3") in fields or ("tls-version", "TLSv1.2") in fields
    served = x509.load_pem_x509_certificate(tls_files.certfile.read_bytes())
    chain = [base64.b64decode(value) for name, value in fields if name == "tls-certificate"]
    assert chain and chain[0] == served.public_bytes(Encoding.DER)


def test_proxy_option_maps_real_host_names(
    forward_proxy: ForwardProxy, raw_server: RawHTTPServer, prov_home: Path
) -> None:
    http_url = f"http://{NEWS_HOST}/plain"
    https_url = f"https://{NEWS_HOST}/dup-headers"
    result = run_prov(
        "archive", "--json", "--proxy", forward_proxy.url, http_url, https_url, home=prov_home
    )
    assert result.returncode == 0, result.stderr
    statuses = {c["url"]: c["status"] for c in result.json()}
    assert statuses[http_url] == 200 and statuses[https_url] == 200
    assert f"{NEWS_HOST}:443" in forward_proxy.requests
    records = read_records(warc_files(prov_home))
    request = next(r for r in records if r.warc_type == "request" and r.url == http_url)
    assert request.block.startswith(b"GET /plain HTTP/1.1\r\n")  # what reached the origin
    tunneled = next(r for r in records if r.warc_type == "request" and r.url == https_url)
    assert tunneled.block.startswith(b"GET /dup-headers HTTP/1.1\r\n")
    assert b"Proxy-Authorization" not in tunneled.block


def test_standard_http_proxy_variable_is_honoured(
    forward_proxy: ForwardProxy, prov_home: Path
) -> None:
    url = f"http://{NEWS_HOST}/brotli"
    env = prov_env(prov_home, http_proxy=forward_proxy.url, https_proxy=forward_proxy.url)
    result = run_prov("archive", "--json", url, home=prov_home, env=env)
    assert result.returncode == 0, result.stderr
    assert any(c["url"] == url and c["status"] == 200 for c in result.json())
    assert f"http://{NEWS_HOST}/robots.txt" in forward_proxy.requests
