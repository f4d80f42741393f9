"""The one error type of the HTTP service, and how every failure becomes a JSON ``4xx``.

Handlers raise :class:`ApiError`; validation errors of FastAPI, unknown routes, oversize bodies
and prov's own errors are turned into the same shape, ``{"error": {"status", "message"}}``.
Nothing else is let through: an unexpected exception is logged (type and one line, never the
request's headers) and answered ``500`` without details.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from archive.errors import ProvError, error_line

__all__ = ["ApiError", "error_response", "install_error_handlers"]

logger = logging.getLogger("prov.serve")


class ApiError(ProvError):
    """An answer other than success: STATUS and a one-line message saying what to do."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"status": status, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query"))
        parts.append(f"{where or 'request'}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.headers)

    async def validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(422, _validation_message(exc))

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        message = str(exc.detail) if exc.detail else "error"
        headers: dict[str, Any] | None = getattr(exc, "headers", None)
        return error_response(exc.status_code, message, headers)

    async def prov_error(_request: Request, exc: Exception) -> JSONResponse:
        return error_response(400, str(exc).splitlines()[0] if str(exc) else "bad request")

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.error("prov: serve: %s %s failed: %s", request.method, request.url.path,
                     error_line(exc))
        return error_response(500, "internal error (logged on the server)")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(ProvError, prov_error)
    app.add_exception_handler(Exception, unexpected)
