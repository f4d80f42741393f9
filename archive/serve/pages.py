"""The researchers' pages: search, a URL's history, diffs, citation views, watches, the capture
form and the login form (server-rendered; a little script for the form and the copy buttons)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from archive.citations.lookup import citation_graph
from archive.index.changes import ChangeIndex, change_json
from archive.index.texts import MARK_END, MARK_START, SearchQueryError, TextIndex
from archive.index.watches import WatchIndex
from archive.serve.access import COOKIE, read_access
from archive.serve.errors import ApiError
from archive.serve.graph_svg import graph_svg
from archive.serve.page_render import render
from archive.serve.state import checked_stamp, state_of, wanted_url
from archive.serve.views import claim_views, side_by_side, timeline
from archive.text.history import NoEarlierText, diff_pair
from archive.urls import BadURL, check_url
from archive.watch.claims import claim_key

__all__ = [
    "capture_form",
    "citations",
    "diff",
    "history",
    "home",
    "login",
    "login_form",
    "router",
    "search",
    "watches",
]

router = APIRouter(include_in_schema=False)
Reader = Annotated[str | None, Depends(read_access)]


def _snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, marked) pieces, so the template escapes the text."""
    parts: list[tuple[str, bool]] = []
    rest = snippet
    while MARK_START in rest:
        before, _, tail = rest.partition(MARK_START)
        marked, _, rest = tail.partition(MARK_END)
        parts += [(before, False), (marked, True)]
    parts.append((rest, False))
    return [p for p in parts if p[0]]


@router.get("/")
def home(request: Request, _reader: Reader) -> Response:
    return render(request, "home.html", {"query": ""})


@router.get("/search")
def search(request: Request, _reader: Reader, q: str = "") -> Response:
    """A URL goes to its history; anything else is a full-text search."""
    query = q.strip()[:500]
    if not query:
        return RedirectResponse("/", 303)
    if query.startswith(("http://", "https://")):
        try:
            url = check_url(query)
        except BadURL:
            url = None
        if url is not None:
            return RedirectResponse(f"/history?url={_quoted(url)}", 303)
    try:
        hits = TextIndex(state_of(request).session.index.engine).search(query, 50)
    except SearchQueryError as exc:
        return render(request, "home.html", {"query": query, "error": str(exc)}, status=400)
    results = [
        {"row": h.row, "parts": _snippet_parts(h.snippet)} for h in hits
    ]
    return render(request, "search.html", {"query": query, "results": results})


def _quoted(url: str) -> str:
    return quote(url, safe="")


@router.get("/history")
def history(request: Request, _reader: Reader, url: str | None = None) -> Response:
    wanted = wanted_url(url)
    captures = state_of(request).session.index.lookup(wanted)
    texts = TextIndex(state_of(request).session.index.engine).texts_of(wanted)
    with_text = {t["capture_record_id"] for t in texts}
    events = timeline(captures)
    return render(request, "history.html", {
        "url": wanted, "events": events, "with_text": with_text,
    })


@router.get("/diff")
def diff(
    request: Request,
    _reader: Reader,
    url: str | None = None,
    to: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
) -> Response:
    wanted = wanted_url(url)
    rows = TextIndex(state_of(request).session.index.engine).texts_of(wanted)
    if not rows:
        raise ApiError(404, f"no extracted text for {wanted}")
    try:
        old, new = diff_pair(rows, checked_stamp(from_, "from"), checked_stamp(to, "to"))
    except NoEarlierText as exc:
        raise ApiError(404, f"no capture of {wanted} {exc}") from None
    diff_rows = side_by_side(old["text"], new["text"])
    return render(request, "diff.html", {
        "url": wanted, "old": old, "new": new, "rows": diff_rows,
        "changed": sum(1 for r in diff_rows if r.op != "equal"),
    })


@router.get("/citations")
def citations(request: Request, _reader: Reader, article: str | None = None) -> Response:
    wanted = wanted_url(article, "article")
    state = state_of(request)
    graph = citation_graph(state.session.index, wanted)
    if graph["crawl_id"] is None:
        raise ApiError(404, f"no citation crawl of {wanted}")
    engine = state.session.index.engine
    texts = TextIndex(engine)
    by_capture: dict[str, Any] = {}
    for url in {c.get("matched_url") for c in graph["claims"] if c.get("matched_url")}:
        for row in texts.texts_of(url):
            by_capture[row["capture_record_id"]] = row
    checks = ChangeIndex(engine).listing(kinds=("claim_lost", "claim_back"))
    newest: dict[str, str] = {}
    for check in checks:
        newest[check["url"]] = check["kind"]
    lost = {url for url, kind in newest.items() if kind == "claim_lost"}
    claims = claim_views(graph["claims"], by_capture, lost, lambda s: claim_key(wanted, s))
    article_text = texts.texts_of(wanted)
    return render(request, "citations.html", {
        "graph": graph, "claims": claims, "svg": graph_svg(graph),
        "article_text": article_text[-1] if article_text else None,
    })


@router.get("/watches")
def watches(request: Request, _reader: Reader) -> Response:
    engine = state_of(request).session.index.engine
    items = [change_json(row) for row in ChangeIndex(engine).listing()]
    return render(request, "watches.html", {
        "watches": WatchIndex(engine).all(),
        "changes": list(reversed(items))[:200],
    })


@router.get("/capture")
def capture_form(request: Request, _reader: Reader, url: str = "") -> Response:
    return render(request, "archive_form.html", {"url": url[:2048]})


@router.get("/login")
def login_form(request: Request) -> Response:
    return render(request, "login.html", {})


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=200)]) -> Response:
    """Keep a valid token in an HttpOnly, SameSite=Strict cookie for reading the pages."""
    access = state_of(request).access
    if access.token_name(token) is None:
        return render(request, "login.html", {"error": "unknown or revoked token"}, status=401)
    response = RedirectResponse("/", 303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response
