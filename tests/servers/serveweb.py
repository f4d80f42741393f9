"""A small web for the ``prov serve`` tests, on 127.0.0.2 (the one range the test server's
operator setting allows), and a listener on 127.0.0.1 that no capture may ever reach.

* ``/story.html``: a page edited between two captures (one sentence changes);
* ``/article.html``: an article quoting a council update it links to (``/update.html``),
  whose passage the citation view highlights;
* ``/gzipped.html``: a page sent with ``Content-Encoding: gzip``;
* ``/job.html``: a page only the archive jobs of the tests capture;
* ``/moved``: a redirect from this allowed host to the forbidden listener.
"""

from __future__ import annotations

import gzip

from tests.servers.rawhttp import RawHTTPServer
from tests.servers.routes import build_response

__all__ = [
    "ALLOWED_HOST",
    "EDITED_SENTENCE",
    "GZIPPED_PAGE",
    "ORIGINAL_SENTENCE",
    "QUOTED_PASSAGE",
    "install_serve_routes",
    "story",
]

ALLOWED_HOST = "127.0.0.2"
HTML = [("Content-Type", "text/html; charset=utf-8")]
ORIGINAL_SENTENCE = "The council expects the bridge to reopen in March after the repairs."
EDITED_SENTENCE = "The council now expects the bridge to reopen in June after the repairs."
QUOTED_PASSAGE = "The bridge will reopen to traffic in the spring once the new deck is tested"
_LEAD = (
    "The Mill Street bridge has been closed since a lorry struck its western railing in the "
    "autumn storm, and the council published its plan for the repairs this week."
)
_TAIL = (
    "Engineers from the county office inspected the supports twice and found no damage below "
    "the waterline. Residents of the east bank have been taking a detour through the ring road "
    "for four months. The repair contract was awarded to a local firm after a public tender."
)


GZIPPED_PAGE = (
    b"<!DOCTYPE html><html><head><title>Compressed</title></head><body><p>Sent gzipped, "
    b"stored gzipped, served decoded.</p></body></html>"
)


def _page(title: str, paragraphs: list[str], published: str = "2026-11-20T09:00:00Z") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{published}"></head><body><main>'
        f"<article><h1>{title}</h1>{body}</article></main></body></html>"
    ).encode()


def story(edited: bool) -> bytes:
    """The story page, before or after the edit of one sentence."""
    middle = EDITED_SENTENCE if edited else ORIGINAL_SENTENCE
    return build_response(200, HTML, _page("Mill Street bridge repairs", [_LEAD, middle, _TAIL]))


def install_serve_routes(server: RawHTTPServer, forbidden_url: str) -> None:
    """The routes above on SERVER; ``/moved`` redirects to FORBIDDEN_URL."""
    base = server.base_url
    server.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
    server.route("/story.html", story(edited=False))
    update = _page("Council update on the Mill Street bridge", [
        f"{QUOTED_PASSAGE}, the council said in its update on Monday.",
        "The council thanked residents for their patience during the months of closure and "
        "said that the footpath on the northern side would open first.",
        _TAIL,
    ])
    server.route("/update.html", build_response(200, HTML, update))
    article = _page("Bridge to reopen in spring, council says", [
        _LEAD,
        f'"{QUOTED_PASSAGE}," the council said in <a href="{base}/update.html">an update '
        "published on Monday</a>.",
        "Shop owners on Mill Street told the Riverton Gazette that trade had fallen by a third "
        "since the closure, and that they hoped the date would hold this time.",
        _TAIL,
    ])
    server.route("/article.html", build_response(200, HTML, article))
    server.route("/job.html", build_response(200, HTML, _page("A page to capture", [_TAIL])))
    server.route("/gzipped.html", build_response(
        200, [*HTML, ("Content-Encoding", "gzip")], gzip.compress(GZIPPED_PAGE, mtime=0)
    ))
    moved = [("Location", forbidden_url), ("Content-Length", "0")]
    server.route("/moved", build_response(302, moved, b"", content_length=False))
