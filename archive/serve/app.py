"""The ``prov serve`` application: FastAPI with the pages, the JSON API and Memento, started
with its services (the job workers, the replay index and pywb) and stopped with them.

Handlers that read the index or the store are plain functions, which Starlette runs in worker
threads: ``PROV_SERVE_THREADS`` of them per process (2), not anyio's default of 40. The work
is Python under one GIL, so more threads than that only hand the GIL around: with 40, 50
clients of the lookup benchmark got p99 178 ms at 713 requests/s on one process, with 2,
44 ms at 1,441 (``bench/serve_bench.py``). More cores are used with ``--processes``; a store
far away (S3 over a WAN) is the case for more threads."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from anyio.to_thread import current_default_thread_limiter
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from archive.index.jobs import JobIndex
from archive.index.tokens import TokenIndex
from archive.serve import api, memento_routes, pages, watch_api
from archive.serve.access import Access
from archive.serve.errors import install_error_handlers
from archive.serve.jobs import JobRunner
from archive.serve.limits import SizeLimits
from archive.serve.replay import PywbProcess, ReplayIndex
from archive.serve.settings import ServeSettings
from archive.serve.state import ServeState, load_resolver
from archive.session import Session

__all__ = ["ReplayPlan", "create_app"]

logger = logging.getLogger("prov.serve")
REFRESH_SECONDS = 2.0


class ReplayPlan:
    """Where pywb listens (bind) and how browsers reach it (public base of the collection)."""

    def __init__(self, process: PywbProcess, public_base: str) -> None:
        self.process = process
        self.public_base = public_base


def _refresher(state: ServeState, pywb: PywbProcess, stop: threading.Event) -> None:
    """Keep pywb running, and its index current with captures other prov processes add."""
    while not stop.wait(REFRESH_SECONDS):
        try:
            status = pywb.restart_if_gone()
        except OSError as exc:  # the next tick tries again
            logger.error("prov: serve: pywb is down and did not start again: %s", exc)
        else:
            if status is not None:
                logger.error(
                    "prov: serve: pywb exited with status %s; started again (restart %d, see %s)",
                    status, pywb.restarts, pywb.log_path,
                )
        try:
            state.refresh_replay()
        except Exception as exc:  # the index may be busy: the next tick tries again
            logger.warning("prov: serve: replay index not refreshed: %s", type(exc).__name__)


def _add_docs(app: FastAPI) -> None:
    """OpenAPI docs at ``/docs``: Swagger UI from the ``fastapi-offline`` wheel, no CDN."""
    assets = Path(fastapi_offline.__file__).with_name("static")
    app.mount("/docs-static", StaticFiles(directory=assets), "docs")

    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="prov API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )

    app.add_api_route("/docs", docs, include_in_schema=False)


def create_app(
    session: Session,
    settings: ServeSettings,
    replay: ReplayPlan | None = None,
    *,
    services: bool = True,
    replay_base: str | None = None,
) -> FastAPI:
    """The app over SESSION. With SERVICES (the main process) it starts the job workers, and
    pywb with its index when REPLAY is given; an extra server process (``--processes``) runs
    none of them and links to REPLAY_BASE."""
    engine = session.index.engine
    access = Access(settings, TokenIndex(engine))
    state = ServeState(
        session=session,
        settings=settings,
        access=access,
        runner=JobRunner(
            JobIndex(engine), session.index, workers=settings.workers, queue=settings.queue,
            timeout=settings.job_timeout,
        ),
        resolver=load_resolver(settings.resolver),
    )
    if replay is not None:
        state.replay_index = ReplayIndex(engine, replay.process.index_dir)
        state.replay_base = replay.public_base
        state.runner.on_finished = state.refresh_replay
    elif replay_base is not None:
        state.replay_base = replay_base

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        current_default_thread_limiter().total_tokens = settings.threads
        if not services:
            yield
            return
        stop = threading.Event()
        refresher = None
        if replay is not None:
            state.refresh_replay()
            replay.process.start()
            refresher = threading.Thread(
                target=_refresher, args=(state, replay.process, stop), daemon=True
            )
            refresher.start()
        state.runner.start()
        try:
            yield
        finally:
            stop.set()
            state.runner.stop()
            if replay is not None:
                replay.process.stop()
            if refresher is not None:
                refresher.join(5)

    app = FastAPI(
        title="prov",
        summary="Provenance lookups, on-demand archiving, Memento (RFC 7089) and replay",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.prov = state
    app.state.access = access
    install_error_handlers(app)
    app.add_middleware(SizeLimits, max_body=settings.max_body)
    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), "static")
    _add_docs(app)
    app.include_router(api.router)
    app.include_router(watch_api.router)
    app.include_router(memento_routes.router)
    app.include_router(pages.router)
    return app
