"""Connecting to Redis, and an outage told apart from every other error.

Workers call Redis from Twisted's reactor thread, so a call must fail fast while Redis is down
rather than wait for a timeout each time: :class:`Gate` lets one call through now and then
(backing off from 0.2 to 5 seconds) and makes the others fail at once with
:class:`FrontierUnavailable`. Everything that uses the frontier treats that as "stall and try
again", never as a lost request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from archive.config import FrontierOptions
from archive.errors import ProvError

__all__ = ["FrontierUnavailable", "Gate", "connect"]

T = TypeVar("T")
OUTAGES = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)  # loading, refused, failover


class FrontierUnavailable(ProvError, ConnectionError):
    """Redis cannot be reached now; the message names it (never its password)."""


def connect(options: FrontierOptions, *, timeout: float = 5.0) -> redis.Redis:
    """A client that answers in bytes and does not retry on its own (:class:`Gate` does)."""
    return redis.Redis.from_url(
        options.url,
        socket_timeout=timeout,
        socket_connect_timeout=min(timeout, 2.0),
        retry=Retry(NoBackoff(), 0),
        health_check_interval=15,
    )


class Gate:
    """Calls to Redis, failing fast for a while after each failure."""

    def __init__(
        self, shown: str, *, clock: Callable[[], float] = time.monotonic, first: float = 0.2
    ) -> None:
        self.shown = shown
        self.clock = clock
        self.first = first
        self._delay = first
        self._closed_until = 0.0
        self.down_since: float | None = None
        self.up_since = clock()
        self.last_error = ""
        self.calls = 0  # round-trips tried (a pipeline or a script is one)

    @property
    def up_for(self) -> float:
        """Seconds since Redis answered again after the last outage (or since the start)."""
        return 0.0 if self.down_since is not None else self.clock() - self.up_since

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        now = self.clock()
        if now < self._closed_until:
            raise FrontierUnavailable(f"Redis at {self.shown} is unreachable: {self.last_error}")
        self.calls += 1
        try:
            result = function(*args, **kwargs)
        except OUTAGES as exc:
            self.last_error = " ".join(str(exc).split()) or type(exc).__name__
            self._closed_until = now + self._delay
            self._delay = min(self._delay * 2, 5.0)
            if self.down_since is None:
                self.down_since = now
            raise FrontierUnavailable(
                f"Redis at {self.shown} is unreachable: {self.last_error}"
            ) from None
        if self.down_since is not None:
            self.down_since = None
            self.up_since = now
        self._delay = self.first
        return result
