"""Rendering the pages: Jinja2 templates shipped in the package (autoescaped), with the
security headers every page carries (scripts and styles from the app only, frames only from
the replay origin)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

__all__ = ["TEMPLATES", "page_headers", "render"]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.filters["q"] = lambda value: quote(str(value), safe="")


def _origin(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_headers(replay_base: str | None) -> dict[str, str]:
    frames = _origin(replay_base) or "'none'"
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"frame-src {frames}; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'self'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    replay_base = request.app.state.prov.replay_base
    merged = {**page_headers(replay_base), **(headers or {})}
    return TEMPLATES.TemplateResponse(
        request, template, {"replay_base": replay_base, **context}, status_code=status,
        headers=merged,
    )
