"""The JSON API under ``/api``: archive jobs, and the lookups of the command line (the same
library functions, the same JSON objects as ``prov ... --json``).

Handlers answer with a ``JSONResponse`` of plain JSON values: FastAPI's generic encoder would
walk every value again (1.8 ms for a list of 20 captures, more than the query)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from archive.citations.lookup import citation_graph
from archive.index.changes import ChangeIndex, change_json
from archive.index.jobs import JobIndex
from archive.index.texts import SearchQueryError, TextIndex
from archive.serve.access import read_access, write_access
from archive.serve.errors import ApiError
from archive.serve.jobs import progress_of
from archive.serve.state import (
    checked_stamp,
    checked_target,
    state_of,
    wanted_url,
    within_seconds,
)
from archive.text.history import NoEarlierText, diff_json, diff_pair, nearest, text_json
from archive.timestamps import parse_timestamp, warc_date

__all__ = [
    "ArchiveRequest",
    "archive",
    "captures",
    "changes",
    "diff",
    "job",
    "router",
    "search",
    "sources",
    "text",
]

router = APIRouter(prefix="/api", tags=["api"])
Reader = Annotated[str | None, Depends(read_access)]
Writer = Annotated[str, Depends(write_access)]
_JOB_ID = re.compile(r"[0-9a-f]{32}")
KINDS = ("first", "unchanged", "changed", "gone", "back", "error", "claim_lost", "claim_back")


class ArchiveRequest(BaseModel):
    """``POST /api/archive``: what to capture."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2048, description="http(s) URL to capture")
    mode: Literal["page", "cited"] = Field(
        "page", description="page: the URL alone; cited: the article and the sources it cites"
    )
    if_not_archived_within: int | str | None = Field(
        None, description="seconds (or 30m, 6h, 7d): answer with a capture this recent instead"
    )


@router.post("/archive", status_code=202, summary="Capture a URL (a job)")
def archive(body: ArchiveRequest, request: Request, token: Writer) -> Any:
    """Queue a capture of ``url``; ``202`` with the job, or ``200`` with a job already done
    when a capture within ``if_not_archived_within`` exists (nothing is fetched)."""
    state = state_of(request)
    url = wanted_url(body.url)
    within = within_seconds(body.if_not_archived_within)
    checked_target(state, url)
    job = state.runner.submit(url, body.mode, token, within)
    location = {"Location": f"/api/jobs/{job.id}"}
    if job.reused:
        return JSONResponse(job.to_json(), status_code=200, headers=location)
    return JSONResponse(job.to_json(), status_code=202, headers=location)


@router.get("/jobs/{job_id}", summary="An archive job's state")
def job(job_id: str, request: Request, _reader: Reader) -> Any:
    """``status`` is ``pending``, ``running``, ``done`` or ``error``, with the job's captures
    (capture objects, as ``prov archive --json``); while it runs, ``progress`` counts the
    captures indexed so far and names the latest."""
    index = state_of(request).session.index
    found = JobIndex(index.engine).get(job_id) if _JOB_ID.fullmatch(job_id) else None
    if found is None:
        raise ApiError(404, f"no job {job_id[:64]!r}")
    return JSONResponse({**found.to_json(), "progress": progress_of(index, found)})


@router.get("/captures", summary="Every capture of a URL (prov lookup --json)")
def captures(request: Request, _reader: Reader, url: str | None = None) -> Any:
    wanted = wanted_url(url)
    return JSONResponse(state_of(request).session.index.lookup_json(wanted))


def _texts(request: Request, url: str) -> list[Any]:
    rows = TextIndex(state_of(request).session.index.engine).texts_of(url)
    if not rows:
        raise ApiError(404, f"no extracted text for {url}")
    return rows


@router.get("/text", summary="Extracted text of the capture nearest a time (prov text --json)")
def text(request: Request, _reader: Reader, url: str | None = None, at: str | None = None) -> Any:
    wanted, stamp = wanted_url(url), checked_stamp(at, "at")
    return JSONResponse(text_json(nearest(_texts(request, wanted), stamp)))


@router.get("/diff", summary="Sentence diff of two captures (prov diff --json)")
def diff(
    request: Request,
    _reader: Reader,
    url: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
) -> Any:
    wanted = wanted_url(url)
    old_stamp, new_stamp = checked_stamp(from_, "from"), checked_stamp(to, "to")
    try:
        old, new = diff_pair(_texts(request, wanted), old_stamp, new_stamp)
    except NoEarlierText as exc:
        raise ApiError(404, f"no capture of {wanted} {exc}") from None
    return JSONResponse(diff_json(wanted, old, new))


@router.get("/search", summary="Full-text search (prov search --json)")
def search(
    request: Request,
    _reader: Reader,
    q: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> Any:
    if q is None or not q.strip():
        raise ApiError(400, "give ?q=words or a \"quoted phrase\"")
    try:
        hits = TextIndex(state_of(request).session.index.engine).search(q, limit)
    except SearchQueryError as exc:
        raise ApiError(400, str(exc)) from None
    return JSONResponse(
        [{**text_json(h.row), "snippet": h.snippet, "score": h.score} for h in hits]
    )


@router.get("/sources", summary="Citation graph of an article (prov sources --json)")
def sources(request: Request, _reader: Reader, article: str | None = None) -> Any:
    wanted = wanted_url(article, "article")
    graph = citation_graph(state_of(request).session.index, wanted)
    if graph["crawl_id"] is None:
        raise ApiError(404, f"no citation crawl of {wanted} (POST /api/archive mode=cited)")
    return JSONResponse(graph)


@router.get("/changes", summary="Checks of watched sources (prov changes --json)")
def changes(
    request: Request,
    _reader: Reader,
    since: str | None = None,
    watch: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[list[str] | None, Query()] = None,
) -> Any:
    bound = None
    if since:
        try:
            bound = warc_date(parse_timestamp(since))
        except ValueError as exc:
            raise ApiError(400, f"since: {exc}") from None
    unknown = [k for k in kind or [] if k not in KINDS]
    if unknown:
        raise ApiError(400, f"kind {unknown[0][:32]!r}: use {', '.join(KINDS)}")
    engine = state_of(request).session.index.engine
    rows = ChangeIndex(engine).listing(since=bound, watch=watch, kinds=kind or ())
    return JSONResponse([change_json(row) for row in rows])
