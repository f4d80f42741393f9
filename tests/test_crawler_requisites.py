"""``prov archive --requisites`` also captures what a page embeds (hop letter E)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_prov
from tests.servers import RawHTTPServer, build_response

PAGE = (
    b"<html><head><title>Embeds</title><link rel='stylesheet' href='/s.css'>"
    b"<script src='/j.js'></script></head><body><p>Hello.</p>"
    b"<img src='/a.png' srcset='/a.png 1x, /a2.png 2x'><a href='/not-embedded'>link</a>"
    b"</body></html>"
)


def test_requisites_are_captured_with_hop_e(prov_home: Path) -> None:
    with RawHTTPServer() as server:
        server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        server.route("/page", build_response(200, [("Content-Type", "text/html")], PAGE))
        for path, kind in (("/s.css", "text/css"), ("/j.js", "text/javascript")):
            server.route(path, build_response(200, [("Content-Type", kind)], b"/* x */"))
        for path in ("/a.png", "/a2.png"):
            server.route(path, build_response(200, [("Content-Type", "image/png")], b"\x89PNG"))
        page = server.url("/page")
        plain = run_prov("archive", "--json", page, home=prov_home)
        assert {c["url"] for c in plain.json()} == {page, server.url("/robots.txt")}
        result = run_prov("archive", "--json", "--requisites", page, home=prov_home)
        assert result.returncode == 0, result.stderr
        embedded = {c["url"]: c for c in result.json() if c["hop_path"] == "E"}
        assert set(embedded) == {server.url(p) for p in ("/s.css", "/j.js", "/a.png", "/a2.png")}
        assert all(c["via"] == page and c["seed"] == page for c in embedded.values())
        assert not server.sent_for("/not-embedded")
