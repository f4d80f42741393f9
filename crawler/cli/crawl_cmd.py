"""``prov crawl ARTICLE_URL`` and ``prov sources ARTICLE_URL``: the citation graph."""

from __future__ import annotations

import os
from typing import Annotated, Any
from urllib.parse import urljoin

import typer
from rich.markup import escape
from rich.table import Table
from w3lib.url import safe_url_string

from archive.egress import parse_networks
from archive.index.rows import Capture
from crawler.cli.common import (
    open_configured_session,
    report_storage_errors,
    run_text_stage,
    stamp_captures,
    start_text_stage,
)
from crawler.cli.output import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    JsonOption,
    checked_url,
    fail,
    plural,
    print_json,
    stderr,
    stdout,
)

__all__ = ["crawl", "sources"]


def _status_text(source: dict[str, Any]) -> str:
    detail = source.get("status_detail")
    return f"{source['status']} ({detail})" if detail else str(source["status"])


def _print_graph(graph: dict[str, Any]) -> None:
    article = graph["article"]
    stdout.print(
        f"[bold]{escape(article['title'] or article['url'])}[/bold]  crawl {graph['crawl_id']}"
    )
    table = Table(title=f"{len(graph['sources'])} cited sources", title_justify="left")
    for column in ("found by", "url", "status", "captures", "why"):
        table.add_column(column, overflow="fold")
    for source in graph["sources"]:
        why = source["anchor"] or ""
        if source["found_by"] == "name":
            confidence = f"confidence {source['confidence']:.2f}"
            why = f"{source['source_name']}: {source['reason']} ({confidence})"
        table.add_row(
            source["found_by"] + ("" if source["depth"] == 1 else f" (depth {source['depth']})"),
            source["url"],
            _status_text(source),
            str(len(source["captures"])),
            escape(why),
        )
    stdout.print(table)
    claims = Table(title=plural(len(graph["claims"]), "claim"), title_justify="left")
    for column in ("claim", "source", "status", "score", "passage"):
        claims.add_column(column, overflow="fold")
    for claim in graph["claims"]:
        score = "" if claim["score"] is None else f"{claim['score']:.2f}"
        claims.add_row(
            escape(claim["statement"]),
            escape(claim["source_name"] or claim["cited_url"] or ""),
            claim["status"],
            score,
            escape(claim["passage"] or ""),
        )
    stdout.print(claims)


def _fetched(status: int | None) -> bool:
    return status is not None and (200 <= status < 300 or status == 304)


def _chain_end(captures: list[Capture], url: str) -> Capture | None:
    """The capture URL's redirect chain ends on in this crawl (None: the chain was not
    fetched to its end)."""
    newest = {c.url: c for c in captures}
    seen: set[str] = set()
    while url in newest and url not in seen:
        seen.add(url)
        capture = newest[url]
        status = capture.status or 0
        if not (300 <= status < 400 and status != 304 and capture.location):
            return capture
        url = urljoin(url, safe_url_string(capture.location))
    return None


def crawl(
    url: Annotated[str, typer.Argument(help="the article whose sources to capture")],
    depth: Annotated[int, typer.Option("--depth", min=0, max=3, help="hops of citations")] = 1,
    proxy: Annotated[str | None, typer.Option("--proxy", help="HTTP proxy URL")] = None,
    no_robots: Annotated[bool, typer.Option("--no-robots", help="do not obey robots.txt")] = False,
    follow: Annotated[
        list[str] | None,
        typer.Option("--follow", help="follow this main-text link even if not judged a citation"),
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="also follow links and redirects to loopback, private and link-local addresses",
        ),
    ] = False,
    public_only: Annotated[
        bool,
        typer.Option(
            "--public-only",
            help="apply the address policy to the article too (what prov serve's jobs use)",
        ),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Capture ARTICLE_URL and the sources it cites, then match its claims to their text."""
    url = checked_url(url)
    overridden = [checked_url(u, "--follow") for u in follow or []]
    if proxy is not None:
        checked_url(proxy, "--proxy", userinfo=True)
    from archive.citations.lookup import citation_graph  # the citation rules load only here
    from archive.citations.registry import load_registry
    from archive.citations.registry_file import RegistryError

    try:
        load_registry()  # a bad PROV_SOURCES file is bad input: say so before anything runs
        parse_networks(os.environ.get("PROV_ALLOW_NETWORKS", ""))
    except (RegistryError, ValueError) as exc:
        fail(str(exc))
    session = open_configured_session(crawls=True)
    from archive.citations.claims import match_claims
    from crawler.runner import run_spider
    from crawler.spiders.citations import CitationsSpider

    named = [] if public_only else [url, *overridden]
    overrides: dict[str, object] = {"PROV_EGRESS_NAMED": named}
    if no_robots:
        overrides["ROBOTSTXT_OBEY"] = False
    if allow_private:
        overrides["PROV_ALLOW_PRIVATE"] = True
    stage = start_text_stage(session)  # texts are extracted while the crawl goes on
    try:
        outcome = run_spider(
            CitationsSpider,
            session.config,
            {"url": url, "depth": depth, "follow": overridden, "extract": stage.extract_page},
            proxy=proxy,
            overrides=overrides,
            indexed=stage.submit,
        )
    finally:
        run_text_stage(session, [], stage=stage)
    match_claims(session.index.engine, outcome.crawl_id, url)
    stamped = stamp_captures(session, outcome.crawl_id)
    graph = citation_graph(session.index, url, outcome.crawl_id)
    if json_output:
        print_json(graph)
    else:
        _print_graph(graph)
    end = _chain_end(outcome.captures, url)
    article_ok = end is not None and end.error is None and _fetched(end.status)
    failed = [s for s in graph["sources"] if s["status"] != "captured"]
    for source in failed:
        stderr.print(
            f"prov: source not captured: {source['url']}: {_status_text(source)}", markup=False
        )
    if not article_ok:
        why = f" ({end.url}: {end.error or end.status})" if end is not None else ""
        stderr.print(f"prov: failed: {url}: the article was not captured{why}", markup=False)
    report_storage_errors(outcome, set())
    raise typer.Exit(
        EXIT_OK
        if article_ok and not failed and not outcome.write_errors and stamped
        else EXIT_SOME_FAILED
    )


def sources(
    url: Annotated[str, typer.Argument(help="the article")],
    output_format: Annotated[
        str, typer.Option("--format", help="json (default with --json) or prov-o (JSON-LD)")
    ] = "json",
    json_output: JsonOption = False,
) -> None:
    """The citation graph of ARTICLE_URL: sources, how found, captures, claims, status."""
    url = checked_url(url)
    if output_format not in ("json", "prov-o"):
        fail(f"--format {output_format!r}: use json or prov-o")
    session = open_configured_session()
    from archive.citations.lookup import citation_graph

    graph = citation_graph(session.index, url)
    if graph["crawl_id"] is None:
        fail(f"no citation crawl of {url} (run prov crawl {url})", EXIT_SOME_FAILED)
    if output_format == "prov-o":
        from archive.citations.provo import graph_to_provo

        print_json(graph_to_provo(graph))
    elif json_output:
        print_json(graph)
    else:
        _print_graph(graph)
