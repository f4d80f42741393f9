"""``prov schedule add|list|remove|pause|resume|run`` and ``prov scheduler`` (the daemon)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import inspect, text

from archive.index.changes import change_json
from archive.index.watches import RunIndex, Watch, WatchError, WatchIndex
from archive.session import Session
from archive.timestamps import warc_date
from archive.urls import BadURL, check_url
from archive.watch.lock import RunLock
from crawler.cli.common import open_configured_session
from crawler.cli.output import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    JsonOption,
    fail,
    plural,
    print_json,
    stderr,
    stdout,
)
from crawler.scheduler.crontab import cron_line
from crawler.scheduler.options import JOB_TABLE
from crawler.scheduler.triggers import ScheduleError, cron_trigger, interval_trigger, next_fire

__all__ = ["add", "list_", "pause", "remove", "resume", "run", "schedule_app", "scheduler"]

NameArgument = Annotated[str, typer.Argument(help="the watch's name (prov schedule list)")]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

schedule_app = typer.Typer(
    help="Watched sources: recurring captures and change checks (the daemon: prov scheduler).",
    no_args_is_help=True,
)


def _stored_next_runs(session: Session) -> dict[str, float | None]:
    """Next run times the daemon keeps in its job store (by job id), if it ever ran."""
    engine = session.index.engine
    if not inspect(engine).has_table(JOB_TABLE):
        return {}
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT id, next_run_time FROM {JOB_TABLE}"))
        return {str(job_id): when for job_id, when in rows}


def _next_run(watch: Watch, stored: dict[str, float | None]) -> str | None:
    """When the daemon runs WATCH next: from its job store, else from the schedule (cron)."""
    if watch.paused:
        return None
    job_id = f"watch-{watch.id}"
    if job_id in stored:
        when = stored[job_id]
        return warc_date(datetime.fromtimestamp(when, UTC)) if when is not None else None
    if watch.cron is None:
        return None  # an interval starts counting when the daemon picks the watch up
    fire: datetime | None = next_fire(cron_trigger(watch.cron), datetime.now().astimezone())
    return warc_date(fire) if fire else None


def _watch_json(watch: Watch, session: Session) -> dict[str, Any]:
    data = watch.to_json()
    data["schedule"] = watch.trigger
    data["next_run"] = _next_run(watch, _stored_next_runs(session))
    data["last_run"] = RunIndex(session.index.engine).last_of(watch.id)
    return data


def _default_name(url: str, taken: set[str]) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", url.split("://", 1)[-1]).strip("-")[:56] or "watch"
    name, n = slug, 2
    while name in taken:
        name, n = f"{slug}-{n}", n + 1
    return name


@schedule_app.command("add")
def add(
    cron: Annotated[
        str | None, typer.Option("--cron", help='crontab expression, e.g. "0 */6 * * *"')
    ] = None,
    every: Annotated[int | None, typer.Option("--every", help="or: an interval in seconds")] = None,
    url: Annotated[str | None, typer.Option("--url", help="watch this URL")] = None,
    article: Annotated[
        str | None, typer.Option("--article", help="or: this article and its cited sources")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="default: made from the URL")] = None,
    json_output: JsonOption = False,
) -> None:
    """Watch a URL (or an article) on a schedule: re-capture it and report changes."""
    if (cron is None) == (every is None):
        fail('give a schedule: --cron "EXPR" or --every SECONDS (one of them)')
    if (url is None) == (article is None):
        fail("give what to watch: --url URL or --article URL (one of them)")
    try:
        if cron is not None:
            cron_trigger(cron)
            cron = " ".join(cron.split())
        else:
            assert every is not None
            interval_trigger(every)
        target = check_url(url or article or "")
    except (ScheduleError, BadURL) as exc:
        fail(str(exc))
    if name is not None and not _NAME.match(name):
        fail(f"--name {name!r}: use 1 to 64 letters, digits, '.', '_' or '-'")
    session = open_configured_session(upload=False)
    watches = WatchIndex(session.index.engine)
    try:
        watch = watches.add(
            name or _default_name(target, watches.names()),
            "url" if url is not None else "article",
            target,
            cron=cron,
            every=every,
        )
    except WatchError as exc:
        fail(str(exc))
    crontab = cron_line(watch.cron, watch.name, session.config.home) if watch.cron else None
    if json_output:
        print_json({**_watch_json(watch, session), "crontab": crontab and crontab.to_json()})
        return
    stdout.print(
        f"watching {watch.url} as {watch.name!r}, {watch.trigger}; prov scheduler runs it",
        markup=False,
    )
    if crontab is not None:
        stdout.print(
            f"or with system cron (crontab -e):\n  {crontab.line}", markup=False, soft_wrap=True
        )
    if crontab is not None and crontab.env_file is not None:
        stdout.print(
            f"  and write {crontab.env_file} (NAME=value lines, chmod 600) setting "
            f"{', '.join(crontab.needs)}: the line reads credentials from there, never prints them",
            markup=False,
            soft_wrap=True,
        )


@schedule_app.command("list")
def list_(json_output: JsonOption = False) -> None:
    """Every watch: what, when, and its last run."""
    session = open_configured_session(upload=False)
    items = [_watch_json(w, session) for w in WatchIndex(session.index.engine).all()]
    if json_output:
        print_json(items)
        return
    if not items:
        stdout.print("no watches (prov schedule add --cron EXPR --url URL)", markup=False)
        return
    table = Table(title=plural(len(items), "watch", "watches"), title_justify="left")
    for column in ("name", "kind", "url", "schedule", "next run", "last run"):
        table.add_column(column, overflow="fold")
    for item in items:
        last = item["last_run"]
        last_text = f"{last['started'][:19]} {last['status']}" if last else "never"
        table.add_row(
            item["name"],
            item["kind"],
            item["url"],
            item["schedule"] + (" [yellow](paused)[/yellow]" if item["paused"] else ""),
            (item["next_run"] or "-")[:19],
            escape(last_text),
        )
    stdout.print(table)


def _change_state(name: str, action: str, json_output: bool) -> None:
    session = open_configured_session(upload=False)
    watches = WatchIndex(session.index.engine)
    try:
        if action == "removed":
            watch = watches.remove(name)
        else:
            watch = watches.set_paused(name, action == "paused")
    except WatchError as exc:
        fail(str(exc))
    if json_output:
        print_json(_watch_json(watch, session))
    else:
        stdout.print(f"{action} watch {watch.name!r} ({watch.url})", markup=False)


@schedule_app.command("remove")
def remove(name: NameArgument, json_output: JsonOption = False) -> None:
    """Stop watching (its runs and changes stay in the index)."""
    _change_state(name, "removed", json_output)


@schedule_app.command("pause")
def pause(name: NameArgument, json_output: JsonOption = False) -> None:
    """Pause a watch: neither the daemon nor prov schedule run runs it."""
    _change_state(name, "paused", json_output)


@schedule_app.command("resume")
def resume(name: NameArgument, json_output: JsonOption = False) -> None:
    """Resume a paused watch."""
    _change_state(name, "resumed", json_output)


@schedule_app.command("run")
def run(
    names: Annotated[list[str] | None, typer.Argument(help="watches to run now")] = None,
    all_: Annotated[bool, typer.Option("--all", help="every watch that is not paused")] = False,
    trigger: Annotated[
        str, typer.Option("--trigger", help="recorded with the run: command, cron, scheduler")
    ] = "command",
    json_output: JsonOption = False,
) -> None:
    """Run watches now (what the daemon and cron call): capture, check for changes, notify."""
    from crawler.scheduler.run import TRIGGERS, run_watches

    if bool(names) == all_:
        fail("give watch names or --all (not both)")
    if trigger not in TRIGGERS:
        fail(f"--trigger {trigger!r}: use one of {', '.join(TRIGGERS)}")
    session = open_configured_session(upload=False)
    options = session.config.scheduler
    index = WatchIndex(session.index.engine)
    try:
        chosen = (
            [w for w in index.all() if not w.paused]
            if all_
            else [index.get(n) for n in dict.fromkeys(names or [])]
        )
    except WatchError as exc:
        fail(str(exc))
    results = run_watches(
        session,
        chosen,
        trigger,
        timeout=options.run_timeout,
        log=lambda line: stderr.print(line, markup=False),
    )
    if json_output:
        print_json(
            [{**r.to_json(), "changes": [change_json(c) for c in r.checks]} for r in results]
        )
    else:
        table = Table(title=f"{plural(len(results), 'watch', 'watches')} run", title_justify="left")
        for column in ("watch", "url", "check", "reason"):
            table.add_column(column, overflow="fold")
        for r in results:
            for check in r.checks:
                table.add_row(r.watch.name, check["url"], check["kind"], check["reason"] or "")
            if not r.checks:
                table.add_row(r.watch.name, r.watch.url, r.status, r.message or "")
        stdout.print(table)
    for r in results:
        if r.status in ("skipped", "paused", "error", "interrupted"):
            stderr.print(f"prov: {r.status}: {r.watch.name}: {r.message}", markup=False)
    bad = any(r.status in ("failed", "error", "interrupted") for r in results)
    raise typer.Exit(EXIT_SOME_FAILED if bad else EXIT_OK)


def scheduler(json_output: JsonOption = False) -> None:
    """Run watches when their schedules say (until SIGTERM); --json: events as JSON lines."""
    from crawler.scheduler.daemon import Events, run_daemon

    session = open_configured_session(upload=False)
    options = session.config.scheduler
    lock = RunLock(session.config.home, "scheduler", session.index.engine)
    if not lock.acquire():
        fail(f"another prov scheduler runs on this archive ({lock.holder()})")
    try:
        run_daemon(
            session, options, Events(json_output, lambda line: stderr.print(line, markup=False))
        )
    finally:
        lock.release()
