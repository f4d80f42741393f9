"""``prov serve`` (the web app, API, Memento and pywb replay) and ``prov token``."""

from __future__ import annotations

import json
import socket
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from archive.config import ConfigError
from archive.index.tokens import TokenError, TokenIndex
from crawler.cli.common import open_configured_session
from crawler.cli.output import JsonOption, fail, print_json, stderr, stdout

if TYPE_CHECKING:  # archive.serve loads FastAPI: only prov serve imports it
    from archive.serve import ReplayPlan, ServeSettings
    from archive.session import Session

__all__ = ["create_token", "list_tokens", "revoke_token", "serve", "token_app"]

token_app = typer.Typer(
    help="API tokens of prov serve (only their SHA-256 is stored).", no_args_is_help=True
)


def _listener(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def _replay_plan(settings: ServeSettings, session: Session, app_port: int) -> ReplayPlan | None:
    from archive.serve import ReplayPlan
    from archive.serve.replay import COLLECTION, PywbProcess, free_port, pywb_command

    if not settings.replay:
        return None
    command = pywb_command(settings.pywb)
    if command is None and settings.pywb:
        fail(f"PROV_PYWB={settings.pywb!r}: no such file (pywb's wayback script)")
    if command is None:
        stderr.print("prov: warning: pywb's wayback is not found (install pywb==2.10.0 in a "
                     "virtualenv and set PROV_PYWB): replay is off", markup=False)
        return None
    host = settings.replay_host or settings.host
    port = settings.replay_port
    if port is None:
        port = app_port + 1 if app_port < 65535 else 0
    if port == 0 or (port == app_port and host == settings.host):
        port = free_port(host)
    paths = [str(session.warc_dir) + "/"]
    if session.config.is_s3:
        paths.append(session.store.uri_for("").rstrip("/") + "/")
    public = settings.replay_url or f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    process = PywbProcess(command, session.config.home / "serve" / "pywb", host, port, paths)
    return ReplayPlan(process, public.rstrip("/") + f"/{COLLECTION}/")


def serve(
    host: Annotated[str | None, typer.Option("--host", help="address to listen on")] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=0, max=65535, help="port (0: any free port)")
    ] = None,
    replay_host: Annotated[
        str | None, typer.Option("--replay-host", help="pywb's address (default: --host)")
    ] = None,
    replay_port: Annotated[
        int | None,
        typer.Option("--replay-port", min=0, max=65535, help="pywb's port (default: port + 1)"),
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option("--processes", min=1, max=64, help="server processes on the port (1)"),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """The web app, the HTTP API, Memento and replay (pywb on its own origin)."""
    import uvicorn

    from archive.serve import ServeSettings, create_app
    from archive.serve.processes import start_extra_processes, stop_extra_processes
    from archive.serve.settings import is_loopback_host

    try:
        settings = ServeSettings.from_env().with_options(
            host=host, port=port, replay_host=replay_host, replay_port=replay_port,
            processes=processes,
        )
    except ConfigError as exc:
        fail(str(exc))
    session = open_configured_session(upload=False)
    tokens = TokenIndex(session.index.engine)
    if not is_loopback_host(settings.host) and not (
        settings.env_tokens or any(t.revoked is None for t in tokens.listing())
    ):
        fail(f"--host {settings.host} is not a loopback address: set PROV_API_TOKENS or run "
             "prov token create NAME first (writes, and reads unless PROV_SERVE_OPEN_READ=1, "
             "then need a token)")
    sock = _listener(settings.host, settings.port)
    bound = sock.getsockname()[1]
    replay = _replay_plan(settings, session, bound)
    try:
        app = create_app(session, settings, replay)
    except ConfigError as exc:
        fail(str(exc))
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    url = f"http://{shown}:{bound}/"
    replay_url = replay.public_base if replay else None
    if json_output:
        print_json({"url": url, "replay": replay_url})
        sys.stdout.flush()
    stderr.print(f"prov: serving on {url} (replay: {replay_url or 'off'})", markup=False)
    config = uvicorn.Config(
        app, log_level="info", access_log=True, lifespan="on", timeout_graceful_shutdown=5,
        server_header=False,
    )
    extra = start_extra_processes(sock, settings.processes - 1, replay_url)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        stop_extra_processes(extra)


@token_app.command("create")
def create_token(
    name: Annotated[str, typer.Argument(help="a name to tell the token apart")],
    read_only: Annotated[
        bool, typer.Option("--read-only", help="may look things up, not ask for captures")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Make a token; it is printed once (only its SHA-256 is kept)."""
    scope = "read" if read_only else "write"
    session = open_configured_session(upload=False)
    try:
        token = TokenIndex(session.index.engine).create(name, scope)
    except TokenError as exc:
        fail(str(exc))
    if json_output:
        sys.stdout.write(json.dumps({"name": name, "token": token, "scope": scope}) + "\n")
    else:
        stdout.print(token, markup=False)
        stderr.print(f"prov: {scope} token {name!r} created: keep it now, it is not shown again",
                     markup=False)


@token_app.command("list")
def list_tokens(json_output: JsonOption = False) -> None:
    """The tokens (names, first characters, when made and revoked), never the tokens."""
    found = TokenIndex(open_configured_session(upload=False).index.engine).listing()
    if json_output:
        print_json([t.to_json() for t in found])
        return
    table = Table(title=f"{len(found)} tokens", title_justify="left")
    for column in ("name", "scope", "prefix", "created", "revoked"):
        table.add_column(column)
    for item in found:
        table.add_row(item.name, item.scope, item.prefix + "…", item.created, item.revoked or "")
    stdout.print(table)


@token_app.command("revoke")
def revoke_token(
    name: Annotated[str, typer.Argument(help="the token's name")], json_output: JsonOption = False
) -> None:
    """Revoke a token: requests with it are 401 from now on."""
    try:
        TokenIndex(open_configured_session(upload=False).index.engine).revoke(name)
    except TokenError as exc:
        fail(str(exc))
    if json_output:
        print_json({"name": name, "revoked": True})
    else:
        stdout.print(f"revoked {name}", markup=False)
