"""Scrapy settings and environment, turned into prov's plain configuration values."""

from __future__ import annotations

import os
import platform
import socket
from typing import Any

import scrapy
import twisted

from archive.config import OPTION_NAMES as S3_OPTIONS
from archive.config import Config
from crawler import __version__

__all__ = ["config_from_settings", "warcinfo_fields"]


def config_from_settings(settings: Any) -> Config:
    """Environment first, then PROV_HOME / PROV_STORE / PROV_DATABASE_URL settings on top."""
    env = {
        key: str(settings.get(key))
        for key in ("PROV_HOME", "PROV_STORE", "PROV_DATABASE_URL", "PROV_REDIS_URL", *S3_OPTIONS)
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
