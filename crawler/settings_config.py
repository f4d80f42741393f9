"""Scrapy settings and environment, turned into prov's plain configuration values."""

from __future__ import annotations

import os
import platform
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import scrapy
import twisted
from scrapy.settings import Settings

from archive.config import FRONTIER_OPTION_NAMES, Config
from archive.config import OPTION_NAMES as S3_OPTIONS
from crawler import __version__

__all__ = ["config_from_settings", "load_settings", "proxy_environment", "warcinfo_fields"]


def config_from_settings(settings: Any) -> Config:
    """Environment first, then PROV_HOME / PROV_STORE / PROV_DATABASE_URL settings on top."""
    env = {
        key: str(settings.get(key))
        for key in (
            "PROV_HOME",
            "PROV_STORE",
            "PROV_DATABASE_URL",
            "PROV_REDIS_URL",
            *S3_OPTIONS,
            *FRONTIER_OPTION_NAMES,
        )
        if settings.get(key)
    }
    return Config.from_env({**os.environ, **env})


def warcinfo_fields(settings: Any, crawl_id: str) -> list[tuple[str, str]]:
    return [
        (
            "software",
            f"prov/{__version__} Scrapy/{scrapy.__version__} Twisted/{twisted.__version__} "
            f"Python/{platform.python_version()}",
        ),
        ("format", "WARC File Format 1.1"),
        (
            "conformsTo",
            "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        ),
        ("isPartOf", crawl_id),
        ("hostname", socket.gethostname()),
        ("operator", settings.get("PROV_OPERATOR") or "unspecified"),
        ("robots", "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"),
        ("http-header-user-agent", settings.get("USER_AGENT") or ""),
    ]


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """prov's settings module (``SCRAPY_SETTINGS_MODULE`` or settings.base), then OVERRIDES."""
    settings = Settings()
    settings.setmodule(os.environ.get("SCRAPY_SETTINGS_MODULE", "settings.base"), "project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, "cmdline")
    return settings


@contextmanager
def proxy_environment(proxy: str | None) -> Iterator[None]:
    """Route every request, robots.txt included, through PROXY via Scrapy's HttpProxyMiddleware."""
    if not proxy:
        yield
        return
    saved = {name: os.environ.get(name) for name in ("http_proxy", "https_proxy", "no_proxy")}
    os.environ.update(http_proxy=proxy, https_proxy=proxy, no_proxy="")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
