"""Watches over the API: list them (read), add and remove them (write, a token).

An interval (``every`` seconds) is the schedule the API takes; cron expressions are added with
``prov schedule add --cron`` (the crontab reading lives with the scheduler).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from archive.index.watches import WatchError, WatchIndex
from archive.serve.access import read_access, write_access
from archive.serve.errors import ApiError
from archive.serve.state import checked_target, state_of, wanted_url

__all__ = ["WatchRequest", "add_watch", "list_watches", "remove_watch", "router"]

router = APIRouter(prefix="/api", tags=["watches"])
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class WatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2048)
    kind: Literal["url", "article"] = "url"
    every: int = Field(ge=60, le=366 * 86400, description="seconds between checks")
    name: str | None = Field(None, max_length=64)


@router.get("/watches", summary="Watched sources (prov schedule list --json)")
def list_watches(request: Request, _reader: Annotated[str | None, Depends(read_access)]) -> Any:
    return [w.to_json() for w in WatchIndex(state_of(request).session.index.engine).all()]


@router.post("/watches", status_code=201, summary="Watch a source")
def add_watch(
    body: WatchRequest, request: Request, _writer: Annotated[str, Depends(write_access)]
) -> Any:
    state = state_of(request)
    url = wanted_url(body.url)
    checked_target(state, url)
    name = body.name or re.sub(r"[^A-Za-z0-9_.-]+", "-", url.split("://", 1)[-1])[:64].strip("-.")
    if not _NAME.fullmatch(name):
        raise ApiError(422, "name: use letters, digits, '.', '_' or '-'")
    try:
        watch = WatchIndex(state.session.index.engine).add(
            name, body.kind, url, cron=None, every=body.every
        )
    except WatchError as exc:
        raise ApiError(409, str(exc)) from None
    return JSONResponse(watch.to_json(), status_code=201)


@router.delete("/watches/{name}", summary="Stop watching a source")
def remove_watch(
    name: str, request: Request, _writer: Annotated[str, Depends(write_access)]
) -> Any:
    try:
        watch = WatchIndex(state_of(request).session.index.engine).remove(name[:64])
    except WatchError as exc:
        raise ApiError(404, str(exc)) from None
    return watch.to_json()
