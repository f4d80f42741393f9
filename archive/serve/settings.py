"""Settings of ``prov serve``, from ``PROV_SERVE_*`` variables and the command line.

| variable | default | meaning |
| --- | --- | --- |
| ``PROV_SERVE_HOST`` / ``PROV_SERVE_PORT`` | ``127.0.0.1`` / ``8080`` | the app's address |
| ``PROV_REPLAY_HOST`` / ``PROV_REPLAY_PORT`` | the app's host / app port + 1 | pywb's origin |
| ``PROV_REPLAY_URL`` | ``http://REPLAY_HOST:REPLAY_PORT/`` | pywb's origin as browsers reach it |
| ``PROV_SERVE_REPLAY`` | ``pywb`` | ``off``: no replay process (mementos still served) |
| ``PROV_PYWB`` | ``wayback`` on PATH | pywb's ``wayback`` script (in a virtualenv of its own) |
| ``PROV_API_TOKENS`` | unset | bearer tokens (comma separated) besides ``prov token create`` |
| ``PROV_SERVE_OPEN_READ`` | on for loopback | reading without a token on another address |
| ``PROV_SERVE_PROCESSES`` | ``1`` | server processes sharing the port (``--processes``) |
| ``PROV_SERVE_THREADS`` | ``2`` | worker threads of each process for the handlers that read |
| ``PROV_SERVE_WORKERS`` | ``2`` | archive jobs run at once (each a ``prov`` process) |
| ``PROV_SERVE_QUEUE`` | ``100`` | jobs waiting at most; more is ``503`` |
| ``PROV_SERVE_JOB_TIMEOUT`` | ``900`` | seconds a job's crawl may take |
| ``PROV_SERVE_WRITE_RATE`` | ``30`` | write requests per minute and token |
| ``PROV_SERVE_READ_RATE`` | ``3000`` | read requests per minute and token (or client address) |
| ``PROV_SERVE_MAX_BODY`` | ``16384`` | bytes of request body at most |
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from archive.config import ConfigError, env_number
from archive.egress import IPNetwork, parse_networks

__all__ = ["ServeSettings", "is_loopback_host"]

_TRUE = ("1", "true", "yes", "on")


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _flag(value: str | None) -> bool | None:
    if value is None or not value.strip():
        return None
    return value.strip().lower() in _TRUE


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    replay_host: str | None = None
    replay_port: int | None = None
    replay_url: str | None = None
    replay: bool = True
    pywb: str | None = None
    env_tokens: tuple[str, ...] = ()
    open_read: bool | None = None
    processes: int = 1
    threads: int = 2
    workers: int = 2
    queue: int = 100
    job_timeout: float = 900.0
    write_rate: float = 30.0
    read_rate: float = 3000.0
    max_body: int = 16384
    allow_private: bool = False
    allow_networks: tuple[IPNetwork, ...] = ()
    resolver: str = "archive.egress.system_resolver"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServeSettings:
        env = os.environ if environ is None else environ

        def port(name: str) -> int | None:
            raw = env.get(name)
            if not raw:
                return None
            value = env_number(env, name, 0, 0)
            if value != int(value) or value > 65535:
                raise ConfigError(f"{name}={raw!r}: give a port number, 0 to 65535")
            return int(value)

        mode = (env.get("PROV_SERVE_REPLAY") or "pywb").strip().lower()
        if mode not in ("pywb", "off"):
            raise ConfigError(f"PROV_SERVE_REPLAY={mode!r}: use pywb or off")
        try:
            networks = parse_networks(env.get("PROV_ALLOW_NETWORKS") or "")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        listed = (env.get("PROV_API_TOKENS") or "").split(",")
        tokens = tuple(t.strip() for t in listed if t.strip())
        short = [t for t in tokens if len(t) < 16]
        if short:
            raise ConfigError("PROV_API_TOKENS: each token needs 16 characters at least")
        return cls(
            host=env.get("PROV_SERVE_HOST") or cls.host,
            port=port("PROV_SERVE_PORT") or (0 if env.get("PROV_SERVE_PORT") else cls.port),
            replay_host=env.get("PROV_REPLAY_HOST") or None,
            replay_port=port("PROV_REPLAY_PORT"),
            replay_url=env.get("PROV_REPLAY_URL") or None,
            replay=mode == "pywb",
            pywb=env.get("PROV_PYWB") or None,
            env_tokens=tokens,
            open_read=_flag(env.get("PROV_SERVE_OPEN_READ")),
            processes=int(env_number(env, "PROV_SERVE_PROCESSES", cls.processes, 1)),
            threads=int(env_number(env, "PROV_SERVE_THREADS", cls.threads, 1)),
            workers=int(env_number(env, "PROV_SERVE_WORKERS", cls.workers, 0)),
            queue=int(env_number(env, "PROV_SERVE_QUEUE", cls.queue, 1)),
            job_timeout=env_number(env, "PROV_SERVE_JOB_TIMEOUT", cls.job_timeout, 1),
            write_rate=env_number(env, "PROV_SERVE_WRITE_RATE", cls.write_rate, 1),
            read_rate=env_number(env, "PROV_SERVE_READ_RATE", cls.read_rate, 1),
            max_body=int(env_number(env, "PROV_SERVE_MAX_BODY", cls.max_body, 256)),
            allow_private=bool(_flag(env.get("PROV_ALLOW_PRIVATE"))),
            allow_networks=networks,
            resolver=env.get("PROV_RESOLVER") or cls.resolver,
        )

    def with_options(self, **options: object) -> ServeSettings:
        """These settings with the command line's options (None: not given) laid over."""
        given = {k: v for k, v in options.items() if v is not None}
        return replace(self, **given)  # type: ignore[arg-type]

    @property
    def reading_is_open(self) -> bool:
        """Reads need no token: the default on a loopback address only."""
        if self.open_read is not None:
            return self.open_read
        return is_loopback_host(self.host)
