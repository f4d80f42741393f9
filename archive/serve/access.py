"""Who may read and write: bearer tokens (stored hashed), the read policy, per-token rates.

Reading is open on a loopback address (``PROV_SERVE_OPEN_READ`` says otherwise elsewhere);
writing always needs ``Authorization: Bearer TOKEN``. Tokens come from ``prov token create``
(the index keeps their SHA-256) and ``PROV_API_TOKENS`` (hashed when the server starts). A
page reader may instead carry the token in the ``prov_token`` cookie set by ``/login``; the
cookie is never accepted for writes. Each token (or, for anonymous reads, each client address)
has a token bucket per minute for reads and one for writes: over it is ``429`` with
``Retry-After``.
"""

from __future__ import annotations

import hmac
import threading
import time

from fastapi import Request

from archive.index.tokens import TokenIndex, token_digest
from archive.serve.errors import ApiError
from archive.serve.settings import ServeSettings

__all__ = ["COOKIE", "Access", "RateLimiter", "read_access", "write_access"]

COOKIE = "prov_token"
_BEARER = "bearer "


class RateLimiter:
    """A token bucket per key: PER_MINUTE requests a minute, bursts up to the same number."""

    def __init__(self, per_minute: float) -> None:
        self.capacity = per_minute
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait_needed(self, key: str) -> float:
        """0 if KEY may go now (and counts it), else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            level, last = self._buckets.get(key, (self.capacity, now))
            level = min(self.capacity, level + (now - last) * self.rate)
            if level < 1:
                self._buckets[key] = (level, now)
                return (1 - level) / self.rate
            self._buckets[key] = (level - 1, now)
            if len(self._buckets) > 10000:  # forget idle keys rather than grow forever
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 120}
            return 0.0


class Access:
    def __init__(self, settings: ServeSettings, tokens: TokenIndex) -> None:
        self.settings = settings
        self.tokens = tokens
        self._env = {token_digest(t): f"env-{n}" for n, t in enumerate(settings.env_tokens, 1)}
        self.reads = RateLimiter(settings.read_rate)
        self.writes = RateLimiter(settings.write_rate)

    @property
    def reading_is_open(self) -> bool:
        return self.settings.reading_is_open

    def token_name(self, token: str) -> str | None:
        found = self._token(token)
        return None if found is None else found[0]

    def _token(self, token: str) -> tuple[str, str] | None:
        """Name and scope of an active token; PROV_API_TOKENS ones may write."""
        digest = token_digest(token)
        for known, name in self._env.items():
            if hmac.compare_digest(known, digest):
                return name, "write"
        return self.tokens.find(token)

    def bearer(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if not header:
            return None
        if not header.lower().startswith(_BEARER) or not header[len(_BEARER) :].strip():
            raise ApiError(401, "use Authorization: Bearer TOKEN", _challenge("invalid_request"))
        return header[len(_BEARER) :].strip()

    def _named(self, token: str, scope: str = "read") -> str:
        found = self._token(token)
        if found is None:
            raise ApiError(401, "unknown or revoked token", _challenge("invalid_token"))
        name, granted = found
        if scope == "write" and granted != "write":
            raise ApiError(403, f"token {name!r} may only read (prov token create NAME makes "
                           "one that may write)", _challenge("insufficient_scope"))
        return name

    def _limit(self, limiter: RateLimiter, key: str) -> None:
        wait = limiter.wait_needed(key)
        if wait:
            raise ApiError(
                429, f"too many requests: try again in {wait:.0f} s",
                {"Retry-After": str(max(1, round(wait)))},
            )

    def reader(self, request: Request) -> str | None:
        """The token name of a read (None: anonymous, when reading is open)."""
        token = self.bearer(request)
        cookie = request.cookies.get(COOKIE)
        if token is None and cookie and (self.token_name(cookie) or not self.reading_is_open):
            token = cookie  # a stale cookie on an open server reads as anonymous
        if token:
            name = self._named(token)
            self._limit(self.reads, f"token:{name}")
            return name
        if not self.reading_is_open:
            raise ApiError(401, "reading needs a token (Authorization: Bearer TOKEN, or /login)",
                           _challenge(None))
        client = request.client.host if request.client else "unknown"
        self._limit(self.reads, f"client:{client}")
        return None

    def writer(self, request: Request) -> str:
        """The token name of a write; no token (or a cookie alone) is ``401``."""
        token = self.bearer(request)
        if token is None:
            raise ApiError(401, "writing needs a token: Authorization: Bearer TOKEN "
                           "(prov token create NAME makes one)", _challenge(None))
        name = self._named(token, "write")
        self._limit(self.writes, f"token:{name}")
        return name


def _challenge(error: str | None) -> dict[str, str]:
    value = 'Bearer realm="prov"' + (f', error="{error}"' if error else "")
    return {"WWW-Authenticate": value}


async def read_access(request: Request) -> str | None:
    """FastAPI dependency: a read is allowed (or ``401``/``429``). A coroutine, so it runs on
    the event loop rather than in a worker thread (one indexed lookup at most)."""
    access: Access = request.app.state.access
    return access.reader(request)


async def write_access(request: Request) -> str:
    """FastAPI dependency: a write is allowed (or ``401``/``429``)."""
    access: Access = request.app.state.access
    return access.writer(request)
