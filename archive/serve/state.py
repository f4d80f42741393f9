"""What every request of ``prov serve`` reaches: the archive, the settings and the services
started with the app (access control, the job runner, the replay index)."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from fastapi import Request

from archive.config import ConfigError
from archive.egress import EgressRefused, Resolver, check_host
from archive.serve.access import Access
from archive.serve.errors import ApiError
from archive.serve.jobs import JobRunner
from archive.serve.replay import ReplayIndex
from archive.serve.settings import ServeSettings
from archive.session import Session
from archive.timestamps import parse_timestamp, timestamp14
from archive.urls import BadURL, check_url

__all__ = [
    "ServeState",
    "checked_stamp",
    "checked_target",
    "load_resolver",
    "state_of",
    "wanted_url",
    "within_seconds",
]

MAX_URL = 2048
_PORTS = {"http": 80, "https": 443}


def load_resolver(dotted: str) -> Resolver:
    """The resolver named ``package.module.function`` (PROV_RESOLVER)."""
    module, _, name = dotted.rpartition(".")
    try:
        return cast(Resolver, getattr(importlib.import_module(module), name))
    except (ImportError, AttributeError, ValueError):
        raise ConfigError(f"PROV_RESOLVER={dotted!r}: no such function (give "
                          "package.module.function)") from None


@dataclass
class ServeState:
    session: Session
    settings: ServeSettings
    access: Access
    runner: JobRunner
    resolver: Resolver
    replay_base: str | None = None  # the pywb collection as browsers reach it
    replay_index: ReplayIndex | None = None

    def refresh_replay(self) -> None:
        if self.replay_index is not None:
            self.replay_index.refresh()


def state_of(request: Request) -> ServeState:
    return cast(ServeState, request.app.state.prov)


def wanted_url(url: str | None, name: str = "url") -> str:
    """A URL parameter as prov's lookups take it; ``400`` when missing or unusable."""
    if url is None or not url.strip():
        raise ApiError(400, f"give ?{name}=URL")
    if len(url) > MAX_URL:
        raise ApiError(414, f"{name}: URL over {MAX_URL} characters")
    try:
        return check_url(url)
    except BadURL as exc:
        raise ApiError(400, f"{name}: {exc}") from None


def checked_stamp(value: str | None, name: str) -> str | None:
    """A 4 to 14 digit timestamp parameter as 14 digits; ``400`` when malformed."""
    if value is None or value == "":
        return None
    try:
        return timestamp14(parse_timestamp(value))
    except ValueError as exc:
        raise ApiError(400, f"{name}: {exc}") from None


def checked_target(state: ServeState, url: str) -> None:
    """Refuse a capture of URL whose host is not in public address space (``403``), before
    any socket opens: IP literals in every spelling, ``localhost`` names, and names whose
    addresses (through the resolver) are not public. The crawl checks again at connect time,
    redirects included."""
    settings = state.settings
    if settings.allow_private:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or _PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        raise ApiError(400, "url: bad port") from None
    try:
        check_host(host, port, state.resolver, settings.allow_networks)
    except EgressRefused as exc:
        raise ApiError(403, f"not fetched: {exc} (an operator may allow it with "
                       "PROV_ALLOW_NETWORKS or PROV_ALLOW_PRIVATE)") from None
    except (OSError, ValueError):
        raise ApiError(400, f"url: no address for {host}") from None


_DURATION = re.compile(r"(\d+)\s*([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def within_seconds(value: Any) -> float | None:
    """``if_not_archived_within``: seconds, or ``30m``, ``6h``, ``7d``; ``400`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ApiError(422, "if_not_archived_within: give seconds or 30m, 6h, 7d")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.fullmatch(str(value).strip().lower())
        if not match:
            raise ApiError(422, "if_not_archived_within: give seconds or 30m, 6h, 7d")
        seconds = float(int(match.group(1)) * _UNITS[match.group(2)])
    if not 0 <= seconds <= 10 * 365 * 86400:
        raise ApiError(422, "if_not_archived_within: between 0 and 10 years")
    return seconds

