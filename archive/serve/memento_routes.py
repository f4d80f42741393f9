"""Memento routes: TimeMaps, the TimeGate, and mementos under ``/web/{14 digits}/{URL}``.

``/web/TS/URL`` is the capture page (the page replayed by pywb in a frame from its own origin,
its text, metadata, citation snippet), with ``Memento-Datetime`` and ``Link``; a TS that is
not a capture's redirects to the nearest one. ``/web/TSid_/URL`` is the archived payload as
stored (content-coding removed, nothing rewritten), served sandboxed (``Content-Security-Policy:
sandbox``) so that archived HTML runs no script on the app's origin.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from archive.index.rows import Capture
from archive.index.texts import TextIndex
from archive.serve.access import read_access
from archive.serve.errors import ApiError
from archive.serve.memento import (
    LINK_FORMAT,
    accept_datetime,
    http_date,
    memento_link_header,
    mementos,
    nearest_memento,
    original_url,
    timemap_json,
    timemap_link,
)
from archive.serve.page_render import render
from archive.serve.payload import archived_payload
from archive.serve.state import state_of, wanted_url
from archive.serve.views import timeline
from archive.text.history import text_json
from archive.timestamps import parse_timestamp

__all__ = ["memento", "router", "timegate", "timemap_json_format", "timemap_link_format"]

router = APIRouter(dependencies=[Depends(read_access)], tags=["memento"])
_STAMP = re.compile(r"(\d{4,14})(id_|mp_)?")


def _found(request: Request, path_url: str) -> tuple[str, list[Capture], list[Capture]]:
    url = wanted_url(original_url(path_url, request.url.query))
    every = state_of(request).session.index.lookup(url)
    return url, every, mementos(every)


def _base(request: Request) -> str:
    return str(request.base_url)


@router.get("/timemap/link/{url:path}", summary="TimeMap (link format)")
def timemap_link_format(url: str, request: Request) -> Response:
    wanted, _every, found = _found(request, url)
    if not found:
        raise ApiError(404, f"no memento of {wanted}")
    return Response(timemap_link(wanted, found, _base(request)), media_type=LINK_FORMAT)


@router.get("/timemap/json/{url:path}", summary="TimeMap (JSON)")
def timemap_json_format(url: str, request: Request) -> Any:
    wanted, _every, found = _found(request, url)
    if not found:
        raise ApiError(404, f"no memento of {wanted}")
    return JSONResponse(timemap_json(wanted, found, _base(request)))


@router.get("/timegate/{url:path}", summary="TimeGate: 302 to the memento nearest Accept-Datetime")
def timegate(url: str, request: Request) -> Response:
    moment = accept_datetime(request.headers.get("accept-datetime"))
    wanted, _every, found = _found(request, url)
    if not found:
        raise ApiError(404, f"no memento of {wanted}", {"Vary": "accept-datetime"})
    chosen = nearest_memento(found, moment)
    base = _base(request)
    headers = {
        "Vary": "accept-datetime",
        "Link": f'<{wanted}>; rel="original", <{base}timemap/link/{wanted}>; rel="timemap"; '
        f'type="{LINK_FORMAT}"',
    }
    return RedirectResponse(f"{base}web/{chosen.timestamp}/{wanted}", 302, headers=headers)


@router.get("/web/{stamp}/{url:path}", summary="A memento (capture page), or its payload (id_)")
def memento(stamp: str, url: str, request: Request) -> Response:
    match = _STAMP.fullmatch(stamp)
    if not match:
        raise ApiError(400, "use /web/YYYYMMDDhhmmss/URL (4 to 14 digits) or /web/TSid_/URL")
    digits, flag = match.group(1), match.group(2) or ""
    try:
        moment = parse_timestamp(digits)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    wanted, every, found = _found(request, url)
    if not found:
        raise ApiError(404, f"no memento of {wanted}")
    chosen = nearest_memento(found, moment)
    base = _base(request)
    if chosen.timestamp != digits:
        return RedirectResponse(f"{base}web/{chosen.timestamp}{flag}/{wanted}", 302)
    headers = {
        "Memento-Datetime": http_date(chosen.timestamp),
        "Link": memento_link_header(wanted, found, chosen, base),
    }
    if flag:
        return _payload(request, chosen, every, headers)
    return _capture_page(request, wanted, chosen, every, headers)


def _payload(
    request: Request, chosen: Capture, every: list[Capture], headers: dict[str, str]
) -> Response:
    payload = archived_payload(state_of(request).session.store, chosen, every)
    headers.update({
        "Content-Security-Policy": "sandbox",
        "X-Content-Type-Options": "nosniff",
        "X-Archived-Status": str(payload.status),
    })
    status = payload.status or 200
    if 300 <= status < 400 or status < 200:
        if chosen.location:
            headers["X-Archived-Location"] = chosen.location
        status = 200  # an archived redirect must not send the browser to the live web
    return Response(payload.body, status_code=status, headers=headers,
                    media_type=payload.content_type or "application/octet-stream")


def _capture_page(
    request: Request, url: str, chosen: Capture, every: list[Capture], headers: dict[str, str]
) -> Response:
    state = state_of(request)
    texts = TextIndex(state.session.index.engine).texts_of(url)
    content_id = chosen.refers_to if chosen.record_type == "revisit" else chosen.record_id
    own = [t for t in texts if t["capture_record_id"] == content_id]
    text = text_json(own[-1]) if own else None
    earlier = [t for t in texts if t["timestamp"] < chosen.timestamp]
    events = {e.capture.record_id: e for e in timeline(every)}
    base = _base(request)
    replay = f"{state.replay_base}{chosen.timestamp}mp_/{url}" if state.replay_base else None
    framed = f"{state.replay_base}{chosen.timestamp}/{url}" if state.replay_base else None
    context = {
        "url": url,
        "capture": chosen,
        "event": events.get(chosen.record_id),
        "text": text,
        "previous": earlier[-1]["timestamp"] if earlier and text else None,
        "memento_url": f"{base}web/{chosen.timestamp}/{url}",
        "payload_url": f"{base}web/{chosen.timestamp}id_/{url}",
        "replay_url": replay,
        "replay_page": framed,
        "datetime_iso": parse_timestamp(chosen.timestamp).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return render(request, "capture.html", context, headers=headers)

