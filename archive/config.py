"""Where prov keeps things, from environment variables (the CLI and Scrapy settings share it).

| variable | default |
| --- | --- |
| ``PROV_HOME`` | ``./prov-data`` |
| ``PROV_STORE`` | ``file://$PROV_HOME/warcs`` |
| ``PROV_DATABASE_URL`` | ``sqlite:///$PROV_HOME/index.sqlite`` |
| ``PROV_REDIS_URL`` | unset (no shared frontier) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    from archive.s3_config import S3Options


class ConfigError(ValueError):
    """Bad configuration; the message says how to fix it."""


def env_number(env: Mapping[str, str], name: str, default: float, minimum: float = 0) -> float:
    """The number in environment variable NAME (DEFAULT when unset or empty)."""
    raw = env.get(name) or ""
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: give a number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum:g}")
    return value


@dataclass(frozen=True)
class Config:
    home: Path
    store_uri: str
    database_url: str
    redis_url: str | None = None
    s3: S3Options | None = None  # set for s3:// stores

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        home = Path(env.get("PROV_HOME") or "prov-data").expanduser().resolve()
        store = env.get("PROV_STORE") or (home / "warcs").as_uri()
        database = env.get("PROV_DATABASE_URL") or f"sqlite:///{home / 'index.sqlite'}"
        config = cls(home, store, database, env.get("PROV_REDIS_URL") or None)
        config.check()
        if config.is_s3:
            from archive.s3_config import S3Options

            config = replace(config, s3=S3Options.from_env(store, env))
        return config

    def check(self) -> None:
        scheme = urlparse(self.store_uri).scheme
        if scheme not in ("file", "s3"):
            raise ConfigError(
                f"PROV_STORE={self.store_uri!r}: use file:///absolute/dir or s3://bucket/prefix"
            )
        if scheme == "s3":
            from archive.s3_config import check_s3_uri

            check_s3_uri(self.store_uri)

    @property
    def is_s3(self) -> bool:
        return urlparse(self.store_uri).scheme == "s3"

    @property
    def warc_dir(self) -> Path:
        """The directory WARC files are written to: the store itself for file:// stores, the
        local spool ``$PROV_HOME/spool`` (files wait there until their upload is verified) for
        s3:// stores."""
        if self.is_s3:
            return self.home / "spool"
        return Path(unquote(urlparse(self.store_uri).path))

    def ensure_dirs(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.warc_dir.mkdir(parents=True, exist_ok=True)
