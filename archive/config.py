"""Where prov keeps things, and every other option, from environment variables (the CLI and
Scrapy settings share it).

Each variable, its default and its meaning are in one table, the README's "Configuration"
(kept there rather than here as well, so the two cannot drift apart). The groups:
``PROV_HOME``, ``PROV_STORE``, ``PROV_DATABASE_URL``, ``PROV_REDIS_URL``, ``PROV_CRAWL_ID``
(``Config``); ``PROV_KEEP_SPOOL`` and ``PROV_S3_*`` for ``s3://`` stores (``S3Options``);
``PROV_REDIS_PREFIX``, ``PROV_FRONTIER_*``, ``PROV_HOST_*`` and ``PROV_WORKER_LINGER`` for the
shared frontier (``FrontierOptions``); ``PROV_WEBHOOK_*`` (``WebhookOptions``);
``PROV_RUN_TIMEOUT`` and ``PROV_SCHEDULER_*`` (``SchedulerOptions``); ``PROV_TSA_*`` and
``PROV_SIGNING_*`` for evidence packages (``EvidenceOptions``).

Credentials, region and endpoint of S3 come from boto3's standard chain (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, ``AWS_REGION``, ``AWS_ENDPOINT_URL`` ...); prov
never reads, stores or prints them. Every option is read here, once, from the environment.
"""

from __future__ import annotations

import base64
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlparse

from archive.errors import ProvError
from archive.urls import split_userinfo

__all__ = [
    "FRONTIER_OPTION_NAMES",
    "OPTION_NAMES",
    "Config",
    "ConfigError",
    "EvidenceOptions",
    "FrontierOptions",
    "S3Options",
    "SchedulerOptions",
    "WebhookOptions",
    "check_s3_uri",
    "env_number",
]


class ConfigError(ProvError, ValueError):
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


def _crawl_id(value: str | None) -> str | None:
    if not value:
        return None
    if not re.fullmatch(r"[0-9a-f]{16,32}", value):
        raise ConfigError(f"PROV_CRAWL_ID={value[:40]!r}: give 16 to 32 lowercase hex digits")
    return value


@dataclass(frozen=True)
class Config:
    home: Path
    store_uri: str
    database_url: str
    redis_url: str | None = None
    s3: S3Options | None = None  # set for s3:// stores
    frontier: FrontierOptions | None = None  # set with PROV_REDIS_URL
    webhook: WebhookOptions = field(default_factory=lambda: WebhookOptions())
    scheduler: SchedulerOptions = field(default_factory=lambda: SchedulerOptions())
    evidence: EvidenceOptions = field(default_factory=lambda: EvidenceOptions())
    crawl_id: str | None = None  # PROV_CRAWL_ID: the id the crawl of this process takes

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        home = Path(env.get("PROV_HOME") or "prov-data").expanduser().resolve()
        store = env.get("PROV_STORE") or (home / "warcs").as_uri()
        database = env.get("PROV_DATABASE_URL") or f"sqlite:///{home / 'index.sqlite'}"
        config = cls(
            home,
            store,
            database,
            env.get("PROV_REDIS_URL") or None,
            webhook=_webhook_options(env),
            scheduler=_scheduler_options(env),
            evidence=_evidence_options(env, home),
            crawl_id=_crawl_id(env.get("PROV_CRAWL_ID")),
        )
        config.check()
        if config.is_s3:
            config = replace(config, s3=_s3_options(store, env))
        if config.redis_url:
            config = replace(config, frontier=_frontier_options(config.redis_url, env))
        return config

    def check(self) -> None:
        scheme = urlparse(self.store_uri).scheme
        if scheme not in ("file", "s3"):
            raise ConfigError(
                f"PROV_STORE={self.store_uri!r}: use file:///absolute/dir or s3://bucket/prefix"
            )
        if scheme == "s3":
            check_s3_uri(self.store_uri)

    def new_crawl_id(self) -> str:
        """The id of the crawl this process starts: PROV_CRAWL_ID, else a random one."""
        return self.crawl_id or uuid.uuid4().hex[:16]

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

LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")
_BUCKET_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
MIN_PART_SIZE = 5 * 1024 * 1024  # S3's smallest part (all but the last)
OPTION_NAMES = (
    "PROV_KEEP_SPOOL",
    "PROV_S3_OBJECT_LOCK_MODE",
    "PROV_S3_OBJECT_LOCK_DAYS",
    "PROV_S3_PART_SIZE",
    "PROV_S3_DRAIN_TIMEOUT",
    "PROV_S3_RETRY_MAX_DELAY",
)


def check_s3_uri(uri: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://bucket/prefix``; the message never repeats credentials."""
    parts = urlparse(uri)
    if "@" in parts.netloc:
        raise ConfigError(
            "PROV_STORE must not hold credentials: use s3://bucket/prefix and put the keys in "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an AWS profile)"
        )
    bucket = parts.netloc
    if not bucket or parts.query or parts.fragment:
        raise ConfigError(f"PROV_STORE={uri!r}: use s3://bucket/prefix (prefix optional)")
    if not (3 <= len(bucket) <= 63) or not all(c in _BUCKET_CHARS for c in bucket):
        raise ConfigError(
            f"PROV_STORE={uri!r}: {bucket!r} is not a valid bucket name "
            "(3 to 63 characters: lower-case letters, digits, dots and hyphens)"
        )
    return bucket, parts.path.strip("/")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class S3Options:
    bucket: str
    prefix: str = ""
    keep_spool: bool = False
    lock_mode: str | None = None
    lock_days: int = 0
    part_size: int = 16 * 1024 * 1024
    drain_timeout: float = 60.0
    retry_max_delay: float = 30.0

    def key_for(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def uri_for(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.key_for(name)}"


def _s3_options(uri: str, env: Mapping[str, str]) -> S3Options:
    bucket, prefix = check_s3_uri(uri)
    mode = (env.get("PROV_S3_OBJECT_LOCK_MODE") or "").strip().upper() or None
    if mode is not None and mode not in LOCK_MODES:
        raise ConfigError(
            f"PROV_S3_OBJECT_LOCK_MODE={mode!r}: use GOVERNANCE or COMPLIANCE (or unset it)"
        )
    days = int(env_number(env, "PROV_S3_OBJECT_LOCK_DAYS", 3650, 1))
    return S3Options(
        bucket,
        prefix,
        keep_spool=_flag(env.get("PROV_KEEP_SPOOL")),
        lock_mode=mode,
        lock_days=days if mode else 0,
        part_size=int(env_number(env, "PROV_S3_PART_SIZE", S3Options.part_size, MIN_PART_SIZE)),
        drain_timeout=env_number(env, "PROV_S3_DRAIN_TIMEOUT", S3Options.drain_timeout, 0),
        retry_max_delay=env_number(env, "PROV_S3_RETRY_MAX_DELAY", S3Options.retry_max_delay, 0.1),
    )


@dataclass(frozen=True)
class WebhookOptions:
    """Where changes are POSTed. A ``user:password@`` in the URL becomes ``authorization``
    (a Basic header sent with each POST) and is never stored in the outbox or printed."""

    url: str | None = None
    timeout: float = 10.0
    retry: float = 60.0
    max_attempts: int = 12
    authorization: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SchedulerOptions:
    """Watch runs and the scheduler daemon."""

    run_timeout: float = 3600.0
    misfire_grace: float = 300.0
    workers: int = 4
    tick: float = 10.0
    stop_timeout: float = 60.0


def _webhook_options(env: Mapping[str, str]) -> WebhookOptions:
    given = env.get("PROV_WEBHOOK_URL") or None
    url, userinfo = split_userinfo(given) if given else (None, None)
    if given is not None and not given.startswith(("http://", "https://")):
        raise ConfigError(f"PROV_WEBHOOK_URL={url!r}: give an http:// or https:// URL")
    authorization = None
    if userinfo:
        authorization = "Basic " + base64.b64encode(userinfo.encode()).decode("ascii")
    return WebhookOptions(
        url,
        env_number(env, "PROV_WEBHOOK_TIMEOUT", 10.0) or 10.0,
        env_number(env, "PROV_WEBHOOK_RETRY", 60.0),
        max(1, int(env_number(env, "PROV_WEBHOOK_MAX_ATTEMPTS", 12))),
        authorization,
    )


def _scheduler_options(env: Mapping[str, str]) -> SchedulerOptions:
    return SchedulerOptions(
        run_timeout=env_number(env, "PROV_RUN_TIMEOUT", 3600.0, 1),
        misfire_grace=env_number(env, "PROV_SCHEDULER_MISFIRE_GRACE", 300.0, 1),
        workers=int(env_number(env, "PROV_SCHEDULER_WORKERS", 4, 1)),
        tick=env_number(env, "PROV_SCHEDULER_TICK", 10.0, 0.1),
        stop_timeout=env_number(env, "PROV_SCHEDULER_STOP_TIMEOUT", 60.0, 0),
    )


@dataclass(frozen=True)
class EvidenceOptions:
    """Time-stamp authorities and the signer of evidence packages. A ``user:password@`` in a
    TSA URL is sent as a Basic header and never stored or printed."""

    tsa_urls: tuple[str, ...] = ()
    tsa_certs: tuple[Path, ...] = ()
    tsa_timeout: float = 30.0
    signing_key: Path = Path("prov-data/keys/signing-key.pem")
    signing_url: str | None = None
    signing_token: str | None = field(default=None, repr=False)


def _url_list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    urls = tuple(u for u in (env.get(name) or "").replace(",", " ").split() if u)
    for url in urls:
        if not url.startswith(("http://", "https://")):
            shown = split_userinfo(url)[0]
            raise ConfigError(f"{name}: {shown!r} is not an http:// or https:// URL")
    return urls


def _evidence_options(env: Mapping[str, str], home: Path) -> EvidenceOptions:
    certs = tuple(
        Path(p).expanduser() for p in (env.get("PROV_TSA_CERTS") or "").split(",") if p.strip()
    )
    for cert in certs:
        if not cert.is_file():
            raise ConfigError(
                f"PROV_TSA_CERTS: no such file {cert} (give PEM files, comma-separated)"
            )
    signing_url = (env.get("PROV_SIGNING_URL") or "").strip() or None
    if signing_url is not None:
        _url_list({"PROV_SIGNING_URL": signing_url}, "PROV_SIGNING_URL")
    key = env.get("PROV_SIGNING_KEY") or ""
    return EvidenceOptions(
        tsa_urls=_url_list(env, "PROV_TSA_URLS"),
        tsa_certs=certs,
        tsa_timeout=env_number(env, "PROV_TSA_TIMEOUT", 30.0, 0.1),
        signing_key=Path(key).expanduser().resolve() if key else home / "keys/signing-key.pem",
        signing_url=signing_url,
        signing_token=env.get("PROV_SIGNING_TOKEN") or None,
    )


_REDIS_SCHEMES = ("redis", "rediss", "unix")
FRONTIER_OPTION_NAMES = (
    "PROV_REDIS_PREFIX",
    "PROV_FRONTIER_LEASE_TIMEOUT",
    "PROV_FRONTIER_FILES_TIMEOUT",
    "PROV_FRONTIER_KEEP",
    "PROV_HOST_CONCURRENCY",
    "PROV_HOST_DELAY",
    "PROV_WORKER_LINGER",
)
_PREFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


@dataclass(frozen=True)
class FrontierOptions:
    """The shared frontier in Redis. ``url`` may hold a password: print :attr:`shown`."""

    url: str = field(repr=False)
    prefix: str = "prov"
    lease_timeout: float = 30.0
    files_timeout: float = 120.0
    keep: float = 7 * 24 * 3600.0
    host_concurrency: int | None = None  # over every worker; None: Scrapy's per-domain setting
    host_delay: float | None = None  # None: Scrapy's DOWNLOAD_DELAY
    linger: float = 2.0

    @property
    def shown(self) -> str:
        """The URL without ``user:password@``, for messages."""
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"


def _frontier_options(url: str, env: Mapping[str, str]) -> FrontierOptions:
    scheme = urlparse(url).scheme
    if scheme not in _REDIS_SCHEMES:
        shown = FrontierOptions(url).shown if "://" in url else url.rpartition("@")[2]
        raise ConfigError(
            f"PROV_REDIS_URL={shown!r}: use redis://host:6379/0, rediss://... (TLS) or "
            "unix:///path/redis.sock"
        )
    prefix = (env.get("PROV_REDIS_PREFIX") or "prov").strip()
    if not all(c in _PREFIX_CHARS for c in prefix) or len(prefix) > 64:
        raise ConfigError(
            f"PROV_REDIS_PREFIX={prefix!r}: use up to 64 letters, digits, '_', '.' or '-'"
        )
    return FrontierOptions(
        url,
        prefix,
        lease_timeout=env_number(env, "PROV_FRONTIER_LEASE_TIMEOUT", 30.0, 1),
        files_timeout=env_number(env, "PROV_FRONTIER_FILES_TIMEOUT", 120.0, 0),
        keep=env_number(env, "PROV_FRONTIER_KEEP", FrontierOptions.keep, 60),
        host_concurrency=int(env_number(env, "PROV_HOST_CONCURRENCY", 0, 1)) or None,
        host_delay=env_number(env, "PROV_HOST_DELAY", 0, 0) if env.get("PROV_HOST_DELAY") else None,
        linger=env_number(env, "PROV_WORKER_LINGER", 2.0, 0),
    )
