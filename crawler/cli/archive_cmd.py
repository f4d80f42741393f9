"""``prov archive URL...``: capture each URL now."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress

from archive.index.rows import Capture
from archive.timestamps import timestamp14, utcnow
from archive.urls import BadURL, check_url, too_long
from crawler.cli.common import (
    finish_uploads,
    open_configured_session,
    report_storage_errors,
    run_text_stage,
    stamp_captures,
    start_text_stage,
    storage_line,
)
from crawler.cli.output import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    JsonOption,
    captures_table,
    checked_url,
    fail,
    plural,
    print_json_list,
    stderr,
    stdout,
)

if TYPE_CHECKING:
    from crawler.runner import CrawlOutcome

__all__ = ["archive_urls"]

TABLE_LIMIT = 100  # larger runs print only the summary (use --json or prov lookup)


def _read_inputs(urls: list[str], input_file: Path | None) -> tuple[list[str], list[Capture]]:
    """The URLs given, and the lines of INPUT_FILE that are not UTF-8 (skipped, one line each)."""
    given = list(urls)
    unreadable: list[Capture] = []
    if input_file is not None:
        try:
            data = sys.stdin.buffer.read() if str(input_file) == "-" else input_file.read_bytes()
        except OSError as exc:
            fail(f"cannot read {input_file}: {exc.strerror}")
        for number, raw in enumerate(data.splitlines(), 1):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                shown = raw.decode("utf-8", "backslashreplace").strip()
                why = f"line {number} of {input_file} is not UTF-8 text: {shown[:200]!r}"
                stderr.print(f"prov: skipped: {why}", markup=False)
                unreadable.append(_error_capture(shown, why))
                continue
            if line and not line.startswith("#"):
                given.append(line)
    return given, unreadable


def _chains(captures: list[Capture]) -> dict[str, list[Capture]]:
    """Each seed's captures through its redirects, in time order (one pass over the crawl)."""
    chains: dict[str, list[Capture]] = {}
    for capture in captures:
        if capture.seed is not None and set(capture.hop_path or "") <= {"R"}:
            chains.setdefault(capture.seed, []).append(capture)
    return chains


def _unwritten_by_seed(unwritten: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The storage failure of each seed's chain (its own URL's first, else a hop's)."""
    found: dict[str, dict[str, Any]] = {}
    for entry in unwritten:
        seed = entry.get("seed") or entry["url"]
        if seed not in found or (entry["url"] == seed != found[seed]["url"]):
            found[seed] = entry
    return found


def _seed_outcome(
    seed: str,
    chain: list[Capture],
    seed_errors: dict[str, str],
    unwritten: dict[str, dict[str, Any]],
) -> str | None:
    """Why SEED failed, or None if its final capture (after redirects) is a success."""
    stored: str | None = unwritten[seed]["error"] if seed in unwritten else None
    if not chain:
        return stored or seed_errors.get(seed, "not captured")
    final = chain[-1]
    if stored and final.status is not None and 300 <= final.status < 400:
        return stored  # the redirect is stored, its target is not
    if final.error:
        return final.error
    if final.status is not None and final.status >= 400:
        return f"HTTP {final.status}"
    if seed in seed_errors:
        return seed_errors[seed]
    return None


def _error_capture(url: str, error: str) -> Capture:
    return Capture(url, timestamp14(utcnow()), None, None, None, None, None, None, None, error)


def archive_urls(
    urls: Annotated[list[str] | None, typer.Argument(help="URLs to capture")] = None,
    input_file: Annotated[
        Path | None,
        typer.Option("--input-file", "-i", help="file of URLs, one a line (- for stdin)"),
    ] = None,
    requisites: Annotated[
        bool, typer.Option("--requisites", help="also capture images, CSS and JS pages embed")
    ] = False,
    proxy: Annotated[
        str | None, typer.Option("--proxy", help="HTTP proxy URL for every fetch")
    ] = None,
    no_robots: Annotated[
        bool, typer.Option("--no-robots", help="do not obey robots.txt (it is still archived)")
    ] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="seconds per download before it is cut")
    ] = None,
    max_size: Annotated[
        int | None,
        typer.Option("--max-size", min=1, help="bytes of body to keep; longer ones are cut"),
    ] = None,
    no_text: Annotated[
        bool, typer.Option("--no-text", help="skip text extraction (prov reextract does it later)")
    ] = False,
    public_only: Annotated[
        bool,
        typer.Option(
            "--public-only",
            help="refuse URLs, redirects and requisites outside public address space "
            "(the address policy of prov crawl; what prov serve's jobs use)",
        ),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Capture each URL now, into WARC files and the index."""
    given, rejected = _read_inputs(urls or [], input_file)
    total = len(given) + len(rejected)
    if not total:
        fail("no URL given: prov archive URL... (or --input-file FILE)")
    valid: list[str] = []
    for url in given:
        try:
            valid.append(check_url(url))
        except BadURL as exc:
            rejected.append(_error_capture(url, str(exc)))
            stderr.print(f"prov: skipped: {exc}", markup=False)
    if not valid:
        fail("no valid URL to archive")
    if all(too_long(url) for url in valid):  # the crawl records them when others go ahead
        fail(f"{valid[0][:80]}...: {too_long(valid[0])}")
    if proxy is not None:
        checked_url(proxy, "--proxy", userinfo=True)
    archive_ = open_configured_session(preflight=True, crawls=True)
    overrides: dict[str, object] = {}
    if archive_.uploader is not None:  # S3: uploads go on during the crawl and the text stage,
        archive_.uploader.hold_spool = True  # which reads the spool; finish_uploads waits
        overrides["PROV_S3_DRAIN_TIMEOUT"] = "0"
    if no_robots:
        overrides["ROBOTSTXT_OBEY"] = False
    if public_only:
        overrides["PROV_EGRESS_POLICY"] = True  # no URL is named: every fetch is checked
    if timeout is not None:
        overrides["DOWNLOAD_TIMEOUT"] = timeout
    if max_size is not None:
        overrides["DOWNLOAD_MAXSIZE"] = max_size

    from crawler.runner import run_capture  # Scrapy loads only for commands that crawl

    seeds = list(dict.fromkeys(valid))
    # the text stage runs beside the crawl, on each group of captures once indexed
    stage = None if no_text else start_text_stage(archive_, single=len(seeds) == 1)
    shown = stderr.is_terminal and not json_output
    try:
        with Progress(console=stderr, transient=True, disable=not shown) as bar:
            task = bar.add_task("archiving", total=len(seeds))
            outcome = run_capture(
                seeds,
                archive_.config,
                requisites=requisites,
                proxy=proxy,
                overrides=overrides,
                progress=(lambda _seed, _error: bar.advance(task)) if shown else None,
                indexed=stage.submit if stage is not None else None,
            )
    finally:
        if stage is not None:
            run_text_stage(archive_, [], stage=stage)
    finish_uploads(archive_)  # S3: wait a bounded time, say what stays pending
    stamped = stamp_captures(archive_, outcome.crawl_id)
    chains = _chains(outcome.captures)
    unwritten = _unwritten_by_seed(outcome.unwritten)
    failures = {
        seed: why
        for seed in seeds
        if (why := _seed_outcome(seed, chains.get(seed, []), outcome.seed_errors, unwritten))
    }
    captured_seeds = {c.seed for c in outcome.captures}
    missing = [
        _error_capture(seed, failures[seed])
        for seed in seeds
        if seed in failures and seed not in captured_seeds
    ]
    listing = outcome.captures + missing + rejected
    on_disk = sum(1 for entry in outcome.unwritten if entry.get("on_disk"))
    if json_output:
        print_json_list(capture.to_json() for capture in listing)
    else:
        if 0 < len(outcome.captures) <= TABLE_LIMIT:
            stdout.print(captures_table(outcome.captures, f"crawl {outcome.crawl_id}"))
        more = plural(on_disk, "more capture is", "more captures are")
        later = f"; {more} on disk, indexed at the next prov run" if on_disk else ""
        stdout.print(
            f"archived {len(seeds) - len(failures)} of {plural(total, 'URL')} "
            f"({plural(len(outcome.captures), 'capture')} written and indexed, "
            f"crawl {outcome.crawl_id}){later}",
            markup=False,
        )
    for capture in outcome.captures:
        if capture.truncated == "length":
            stderr.print(
                f"prov: truncated: {capture.url}: body cut at the size limit", markup=False
            )
    for seed, note in outcome.seed_notes.items():
        stderr.print(f"prov: warning: {seed}: {note}", markup=False)
    _report_failures(failures, unwritten, outcome)
    failed = failures or rejected or outcome.write_errors or outcome.unwritten or not stamped
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _report_failures(
    failures: dict[str, str], unwritten: dict[str, dict[str, Any]], outcome: CrawlOutcome
) -> None:
    """One stderr line per failed URL, then the storage errors no URL stands for."""
    shown: set[str] = set()
    for seed, why in failures.items():
        entry = unwritten.get(seed)
        if entry is not None and entry["error"] == why:
            stderr.print(storage_line(seed, entry), markup=False)
            shown.add(entry["url"])
        else:
            stderr.print(f"prov: failed: {seed}: {why}", markup=False)
        shown.add(seed)
    report_storage_errors(outcome, shown)
