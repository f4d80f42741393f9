"""Capture benchmark: prov archive vs bare Scrapy, wget --warc-file and a naive Scrapy +
warcio + trafilatura crawler on one local static site.

    .venv/bin/python bench/capture_bench.py --pages 3000
    .venv/bin/python bench/capture_bench.py --pages 3000 30000 --repeat 3 --json-out out.json
    .venv/bin/python bench/capture_bench.py --pages 3000 \
        --tools bare-scrapy prov prov+text naive wget prov-again prov+text-again

The site is N pages whose bodies are the real publisher pages of the shared corpus
(``../shared/corpus/NNN.html`` beside the repository, or $PROV_BENCH_CORPUS), taken in turn,
each with a comment naming its page number appended, so that no two pages carry the same
payload (~171 KB mean). nginx serves them on 127.0.0.1 (one worker process, access_log off,
gzip off, sendfile and keep-alive on). Without nginx it falls back to a Python threaded server
and says so: then the server may be the bottleneck.

Each tool runs in its own subprocess over the same URL list:

- ``bare-scrapy``: bench/bare_spider.py, prov's settings module with Scrapy's stock
  HTTP11DownloadHandler, a ``title::text`` parse per page, nothing written;
- ``prov``: ``prov archive -i urls.txt --json --no-text > /dev/null`` with a fresh PROV_HOME
  (capture only; ``--tools ... prov+text`` adds a run with the post-crawl text stage);
- ``wget``: ``wget -q --warc-file=... --warc-cdx -O /dev/null -i urls.txt`` (one connection,
  no recursion, so it never asks for robots.txt);
- ``naive``: bench/naive_crawler.py, Scrapy over the same URL list, a warcio downloader
  middleware writing each response, ``trafilatura.extract`` (default options) in the callback;
- ``prov-again`` / ``prov+text-again``: ``prov archive`` of the same URLs a second time into a
  copy of an archive that holds them all already (texts included): every page is a revisit.

robots.txt is obeyed by prov and bare Scrapy alike (prov's default; the site has none, so one
404 each); ``--no-robots`` turns it off for both. For each run: wall time, pages/s, CPU
(user+sys of the child from wait4, all threads), peak RSS (ru_maxrss), CPU of the server
process over the run, and a correctness check (prov: status-200 rows in index.sqlite == N;
wget: status-200 lines in its CDX == N; bare Scrapy: pages it parsed == N).

``--prov-rev REV`` runs prov from a clean ``git archive REV`` export (use it while the working
tree is being edited); ``--prov-setting NAME=VALUE`` is a what-if for prov only. See
bench/README.md for the figures and the profile (bench/profile_prov.py).
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PROV_BENCH_CORPUS", str(REPO.parent / "shared" / "corpus")))
BARE_SPIDER = Path(__file__).resolve().parent / "bare_spider.py"
NAIVE_CRAWLER = Path(__file__).resolve().parent / "naive_crawler.py"
TOOLS = ("bare-scrapy", "prov", "wget")  # the default comparison
# prov+text: prov archive with its text stage; naive: Scrapy + warcio + trafilatura; *-again:
# the same URLs archived a second time (all revisits)
ALL_TOOLS = (*TOOLS, "prov+text", "naive", "prov-again", "prov+text-again")
GOAL_RATIO = 1.0  # prov pages/s over bare Scrapy's, archiving on
TEXT_GOALS = {"pages_per_s": 2.0, "cpu_ms_per_page": 0.6}  # prov+text over naive (issue 12)
REVISIT_GOAL = 1.2  # prov+text-again CPU and wall over prov-again's


# -- the site -------------------------------------------------------------------------------
def corpus_pages(corpus: Path = CORPUS) -> list[Path]:
    """The publisher pages of the corpus (NNN.html; not the NNN.truth.html expectations)."""
    pages = sorted(corpus.glob("[0-9][0-9][0-9].html"))
    if not pages:
        raise SystemExit(
            f"no NNN.html in {corpus}; set PROV_BENCH_CORPUS to a directory of pages"
        )
    return pages


def unique_block(number: int) -> bytes:
    """Appended to page NUMBER so that its payload (and payload digest) is its own."""
    return f"\n<!-- prov bench page {number:06d} -->\n".encode("ascii")


def build_site(site: Path, count: int, corpus: Path = CORPUS) -> list[str]:
    """COUNT pages under SITE/p/: the corpus pages in turn, each with its own unique block;
    returns their paths."""
    bodies = [page.read_bytes() for page in corpus_pages(corpus)]
    pages_dir = site / "p"
    pages_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        name = f"{number:06d}.html"
        page = pages_dir / name
        if not page.exists():
            page.write_bytes(bodies[number % len(bodies)] + unique_block(number))
        paths.append(f"/p/{name}")
    return paths


def mean_page_bytes(count: int, corpus: Path = CORPUS) -> int:
    bodies = corpus_pages(corpus)
    sizes = [bodies[n % len(bodies)].stat().st_size + len(unique_block(n)) for n in range(count)]
    return sum(sizes) // max(1, len(sizes))


# -- the server -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(port: int, process: subprocess.Popen[bytes], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server not listening on 127.0.0.1:{port} after {seconds:g} s")


def process_cpu_seconds(pid: int) -> float:
    """user+sys CPU of a running process, from /proc (0.0 where /proc is not available)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


NGINX_CONF = """\
# generated by bench/capture_bench.py
worker_processes 1;
master_process off;  # one process serves: its CPU is the server's CPU
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    gzip off;  # every tool gets the same identity-encoded bytes
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    open_file_cache max=1000 inactive=60s;
    types {{ text/html html; }}
    default_type application/octet-stream;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        location / {{ }}
    }}
}}
"""

PYTHON_SERVER = """\
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
handler = functools.partial(Handler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
"""


@dataclass
class Server:
    kind: str  # "nginx" or "python"
    base_url: str
    process: subprocess.Popen[bytes]
    warning: str | None = None

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.process.pid)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


@contextmanager
def static_server(site: Path, tmp: Path, kind: str = "auto") -> Iterator[Server]:
    nginx = nginx_binary() if kind in ("auto", "nginx") else None
    if kind == "nginx" and nginx is None:
        raise SystemExit("nginx not found: apt-get install -y nginx-light (or nginx)")
    port = free_port()
    warning = None
    if nginx is not None:
        prefix = tmp / "nginx"
        prefix.mkdir(exist_ok=True)
        conf = prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=prefix, port=port, site=site))
        argv = [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
        kind = "nginx"
    else:
        why = (
            "--server python"
            if kind == "python"
            else "nginx is not installed (apt-get install -y nginx-light, or nginx)"
        )
        warning = (
            f"WARNING: {why}: using Python's threaded http.server, which may be the "
            "bottleneck: compare the server CPU column with the wall time"
        )
        print(warning, file=sys.stderr)
        argv = [sys.executable, "-c", PYTHON_SERVER, str(port), str(site)]
        kind = "python"
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, process)
        yield Server(kind, f"http://127.0.0.1:{port}", process, warning)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- running one tool -----------------------------------------------------------------------
@dataclass
class Run:
    tool: str
    pages: int
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_kb: int
    exit_status: int
    server_cpu_s: float
    verified: int  # pages the tool demonstrably fetched (see module docstring)
    warc_bytes: int = 0
    note: str = ""
    other_cores: float = 0.0  # CPU used by other processes during the run, in cores
    steal_cores: float = 0.0
    rss_mb_at_50pct: float = 0.0  # RSS half-way through the run (from /proc sampling)
    rss_mb_at_90pct: float = 0.0
    rss_timeline: list[tuple[float, float]] = field(default_factory=list)  # (s, MB), <= 60

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    @property
    def ok(self) -> bool:
        return self.exit_status == 0 and self.verified == self.pages


def machine_cpu() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine so far, all CPUs, from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0, 0.0
    ticks = [int(v) for v in fields]
    tck = os.sysconf("SC_CLK_TCK")
    busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]  # user nice system irq softirq
    steal = ticks[7] if len(ticks) > 7 else 0
    return busy / tck, steal / tck


def process_table() -> dict[int, tuple[str, float]]:
    """pid -> (command name, CPU seconds) of every process that /proc shows."""
    table: dict[int, tuple[str, float]] = {}
    tck = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        fields = text.rsplit(")", 1)[1].split()
        table[int(stat.parent.name)] = (name, (int(fields[11]) + int(fields[12])) / tck)
    return table


def busiest_others(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], skip: set[int]
) -> str:
    deltas = [
        (cpu - before.get(pid, (name, 0.0))[1], name, pid)
        for pid, (name, cpu) in after.items()
        if pid not in skip
    ]
    deltas.sort(reverse=True)
    return ", ".join(f"{name}[{pid}] {cpu:.1f}s" for cpu, name, pid in deltas[:4] if cpu > 0.05)


LAST_OTHERS: list[str] = []
LAST_RSS: list[list[tuple[float, float]]] = []  # (seconds since start, RSS MB) of each run


class RSSSampler(threading.Thread):
    """Samples VmRSS of one process every INTERVAL seconds until it exits."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.path = Path(f"/proc/{pid}/status")
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self.done = threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        while not self.done.wait(self.interval):
            try:
                status = self.path.read_text()
            except OSError:
                return
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    mb = int(line.split()[1]) / 1024
                    self.samples.append((time.perf_counter() - started, mb))


def rss_at(samples: list[tuple[float, float]], fraction: float) -> float:
    """RSS (MB) in the sample nearest FRACTION of the run's duration (0 when none)."""
    if not samples:
        return 0.0
    end = samples[-1][0]
    return min(samples, key=lambda s: abs(s[0] - fraction * end))[1]


def run_child(
    argv: Sequence[str],
    env: dict[str, str],
    work: Path,
    server: Server,
    stdout_path: Path | None = None,
) -> tuple[float, float, float, int, int, float]:
    """Run ARGV (stdout to /dev/null or STDOUT_PATH, stderr to WORK/stderr.txt).

    Returns (wall s, user s, sys s, peak RSS KB, exit status, server CPU s during the run).
    Also records, in MACHINE_NOISE, the CPU that other processes used meanwhile.
    """
    server_before = server.cpu_seconds()
    busy_before, steal_before = machine_cpu()
    table_before = process_table()
    out_target = stdout_path if stdout_path is not None else Path(os.devnull)
    with (work / "stderr.txt").open("wb") as err, out_target.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), env=env, cwd=REPO, stdout=out, stderr=err)
        sampler = RSSSampler(process.pid)
        sampler.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    LAST_RSS.append(sampler.samples)
    process.returncode = os.waitstatus_to_exitcode(status)
    server_cpu = server.cpu_seconds() - server_before
    busy_after, steal_after = machine_cpu()
    LAST_OTHERS.append(
        busiest_others(table_before, process_table(), {os.getpid(), server.process.pid})
    )
    others = busy_after - busy_before - usage.ru_utime - usage.ru_stime - server_cpu
    MACHINE_NOISE.append((max(0.0, others) / wall, (steal_after - steal_before) / wall))
    return (
        wall,
        usage.ru_utime,
        usage.ru_stime,
        usage.ru_maxrss,
        process.returncode,
        server_cpu,
    )


# (CPU cores used by other processes, cores stolen by the hypervisor) during the last run
MACHINE_NOISE: list[tuple[float, float]] = []
NOISY = 0.15  # more than this many cores busy elsewhere: the run is flagged


# A clean export of a git revision of prov (--prov-rev), put first on the children's path.
PROV_SOURCE: dict[str, str] = {}  # {"path": ..., "rev": ...} when set


def export_revision(rev: str, target: Path) -> str:
    """Export git REV of the repository into TARGET (git archive); returns its short hash."""
    short = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", rev],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    PROV_SOURCE.update(path=str(target), rev=short)
    return short


def python_path(*first: str) -> str:
    parts = [*first, PROV_SOURCE.get("path", ""), os.environ.get("PYTHONPATH", "")]
    return os.pathsep.join(p for p in parts if p)


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROV_")}
    if python_path():
        env["PYTHONPATH"] = python_path()
    env.update(extra)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def prov_command() -> list[str]:
    script = Path(sys.executable).parent / "prov"
    return [str(script)] if script.exists() else [sys.executable, "-m", "crawler.cli"]


@functools.cache
def prov_has_text_stage() -> bool:
    """Whether this prov's ``archive`` runs a text stage that ``--no-text`` turns off."""
    done = subprocess.run(
        [*prov_command(), "archive", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=child_env(),
    )
    return "--no-text" in done.stdout


def prov_argv(urls_file: Path, no_robots: bool, text: bool = False) -> list[str]:
    """``prov archive -i URLS --json``: capture only (``--no-text``) unless TEXT."""
    argv = [*prov_command(), "archive", "-i", str(urls_file), "--json"]
    if no_robots:
        argv.append("--no-robots")
    if not text and prov_has_text_stage():
        argv.append("--no-text")
    return argv


def run_bare_scrapy(urls_file: Path, pages: int, work: Path, server: Server, opts: Any) -> Run:
    argv = [sys.executable, str(BARE_SPIDER), str(urls_file)]
    argv += ["--no-robots"] if opts.no_robots else []
    out = work / "bare.json"  # the spider prints its counts on stdout
    wall, user, sys_, rss, status, srv = run_child(argv, child_env(), work, server, out)
    counts = json.loads(out.read_text() or "{}") if out.exists() else {}
    return Run(
        "bare-scrapy", pages, wall, user, sys_, rss, status, srv, int(counts.get("status_200", 0))
    )


def settings_overlay(directory: Path, settings: Sequence[str]) -> dict[str, str]:
    """Environment that makes prov load its settings module plus NAME=VALUE overrides.

    Writes ``prov_bench_settings.py`` into DIRECTORY (``from <module> import *`` then the
    assignments) and returns PYTHONPATH and SCRAPY_SETTINGS_MODULE pointing at it.
    """
    if not settings:
        return {}
    base = os.environ.get("SCRAPY_SETTINGS_MODULE", "settings.base")
    lines = [f"from {base} import *  # noqa: F403", ""]
    for item in settings:
        name, _, value = item.partition("=")
        ast.literal_eval(value)  # refuse anything but a Python literal
        lines.append(f"{name.strip()} = {value.strip()}")
    (directory / "prov_bench_settings.py").write_text("\n".join(lines) + "\n")
    return {
        "PYTHONPATH": python_path(str(directory)),
        "SCRAPY_SETTINGS_MODULE": "prov_bench_settings",
    }


PRIMED: dict[Path, Path] = {}  # URL list -> a prov home that archived it, texts included


def primed_home(urls_file: Path, server: Server, opts: Any) -> Path:
    """A prov home that holds one capture (and text) of every URL of URLS_FILE (made once)."""
    if urls_file not in PRIMED:
        work = fresh_dir(urls_file.with_name(f"primed-{urls_file.stem}"))
        home = work / "prov-home"
        env = child_env(PROV_HOME=str(home), **settings_overlay(work, opts.prov_setting))
        status = run_child(prov_argv(urls_file, opts.no_robots, True), env, work, server)[4]
        if status != 0:
            raise SystemExit(f"priming {home} for the -again runs failed (exit {status})")
        PRIMED[urls_file] = home
    return PRIMED[urls_file]


def run_prov(
    urls_file: Path,
    pages: int,
    work: Path,
    server: Server,
    opts: Any,
    text: bool = False,
    again: bool = False,
) -> Run:
    """``prov archive`` into a fresh home, or with AGAIN into a copy of a home that archived
    the same URLs already (then only revisits count as verified)."""
    home = work / "prov-home"
    if again:
        shutil.copytree(primed_home(urls_file, server, opts), home, symlinks=True)
    env = child_env(PROV_HOME=str(home), **settings_overlay(work, opts.prov_setting))
    wall, user, sys_, rss, status, srv = run_child(
        prov_argv(urls_file, opts.no_robots, text), env, work, server
    )
    verified, note = 0, ""
    database = home / "index.sqlite"
    counted = (
        "SELECT count(*) FROM captures WHERE record_type = 'revisit' AND crawl_id = "
        "(SELECT id FROM crawls ORDER BY started DESC LIMIT 1)"
        if again
        else "SELECT count(*) FROM captures WHERE status = 200"
    )
    if database.exists():
        with sqlite3.connect(database) as conn:
            (verified,) = conn.execute(counted).fetchone()
            (errors,) = conn.execute(
                "SELECT count(*) FROM captures WHERE error IS NOT NULL"
            ).fetchone()
        note = f"{errors} errors" if errors else ""
    warcs = list((home / "warcs").glob("*.warc.gz"))
    left_open = list((home / "warcs").glob("*.open"))
    if left_open:
        note += f" {len(left_open)} .open files"
    warc_bytes = sum(p.stat().st_size for p in warcs)
    tool = ("prov+text" if text else "prov") + ("-again" if again else "")
    return Run(tool, pages, wall, user, sys_, rss, status, srv, verified, warc_bytes, note)


def run_naive(urls_file: Path, pages: int, work: Path, server: Server, opts: Any) -> Run:
    argv = [sys.executable, str(NAIVE_CRAWLER), str(urls_file)]
    argv += ["--warc", str(work / "naive.warc.gz"), "--texts", str(work / "texts.jsonl")]
    argv += ["--no-robots"] if opts.no_robots else []
    out = work / "naive.json"  # the crawler prints its counts on stdout
    wall, user, sys_, rss, status, srv = run_child(argv, child_env(), work, server, out)
    counts = json.loads(out.read_text() or "{}") if out.exists() else {}
    warc = work / "naive.warc.gz"
    warc_bytes = warc.stat().st_size if warc.exists() else 0
    note = f"{counts.get('texts', 0)} texts" if counts.get("texts", 0) != pages else ""
    verified = int(counts.get("status_200", 0))
    return Run("naive", pages, wall, user, sys_, rss, status, srv, verified, warc_bytes, note)


def run_wget(urls_file: Path, pages: int, work: Path, server: Server, opts: Any) -> Run:
    wget = shutil.which("wget")
    if wget is None:
        raise SystemExit("wget not found: apt-get install -y wget")
    stem = work / "wget"
    argv = [wget, "-q", f"--warc-file={stem}", "--warc-cdx", "-O", "/dev/null", "-i"]
    argv.append(str(urls_file))
    wall, user, sys_, rss, status, srv = run_child(argv, child_env(), work, server)
    cdx = stem.with_suffix(".cdx")
    verified = 0
    if cdx.exists():
        with cdx.open() as lines:
            verified = sum(1 for line in lines if line.split(" ")[4:5] == ["200"])
    warc = stem.with_suffix(".warc.gz")
    warc_bytes = warc.stat().st_size if warc.exists() else 0
    return Run("wget", pages, wall, user, sys_, rss, status, srv, verified, warc_bytes)


RUNNERS: dict[str, Callable[[Path, int, Path, Server, Any], Run]] = {
    "bare-scrapy": run_bare_scrapy,
    "prov": run_prov,
    "wget": run_wget,
    "prov+text": functools.partial(run_prov, text=True),
    "naive": run_naive,
    "prov-again": functools.partial(run_prov, again=True),
    "prov+text-again": functools.partial(run_prov, text=True, again=True),
}


# -- figures --------------------------------------------------------------------------------
@dataclass
class Summary:
    tool: str
    pages: int
    runs: int
    wall_s: float
    pages_per_s: float
    best_pages_per_s: float  # the fastest run's: least disturbed by other load
    cpu_s: float
    cpu_ms_per_page: float
    cpu_ms_per_page_net: float  # CPU above the tool's own 1-URL startup run, per page
    max_rss_mb: float
    rss_mb_at_50pct: float
    rss_mb_at_90pct: float
    server_cpu_ms_per_page: float
    warc_bytes: int
    ok: bool
    other_cores: float  # the worst run's
    note: str = ""
    all_runs: list[dict[str, Any]] = field(default_factory=list)


def summarize(runs: list[Run], startup: Run | None) -> Summary:
    first = runs[0]
    wall = statistics.median(r.wall_s for r in runs)
    cpu = statistics.median(r.cpu_s for r in runs)
    startup_cpu = startup.cpu_s if startup is not None else 0.0
    return Summary(
        tool=first.tool,
        pages=first.pages,
        runs=len(runs),
        wall_s=wall,
        pages_per_s=statistics.median(r.pages / r.wall_s for r in runs),
        best_pages_per_s=max(r.pages / r.wall_s for r in runs),
        cpu_s=cpu,
        cpu_ms_per_page=1000 * cpu / first.pages,
        cpu_ms_per_page_net=1000 * (cpu - startup_cpu) / first.pages,
        max_rss_mb=statistics.median(r.max_rss_kb for r in runs) / 1024,
        rss_mb_at_50pct=statistics.median(r.rss_mb_at_50pct for r in runs),
        rss_mb_at_90pct=statistics.median(r.rss_mb_at_90pct for r in runs),
        server_cpu_ms_per_page=1000 * statistics.median(r.server_cpu_s for r in runs) / first.pages,
        warc_bytes=int(statistics.median(r.warc_bytes for r in runs)),
        ok=all(r.ok for r in runs),
        other_cores=max(r.other_cores for r in runs),
        note="; ".join(sorted({r.note.strip() for r in runs if r.note.strip()})),
        all_runs=[{**asdict(r), "cpu_s": r.cpu_s} for r in runs],
    )


RATIO_PAIRS = (
    ("prov", "bare-scrapy"),
    ("prov", "wget"),
    ("prov+text", "naive"),
    ("prov+text", "prov"),
    ("prov+text-again", "prov-again"),
)


def ratios(summaries: dict[str, Summary]) -> dict[str, float]:
    out: dict[str, float] = {}
    for tool, other in RATIO_PAIRS:
        mine, base = summaries.get(tool), summaries.get(other)
        if mine is None or base is None:
            continue
        out[f"{tool}/{other} pages_per_s"] = mine.pages_per_s / base.pages_per_s
        if mine.runs > 1:
            out[f"{tool}/{other} best pages_per_s"] = mine.best_pages_per_s / base.best_pages_per_s
        out[f"{tool}/{other} cpu_ms_per_page"] = mine.cpu_ms_per_page / base.cpu_ms_per_page
        if tool.endswith("-again"):
            out[f"{tool}/{other} wall_s"] = mine.wall_s / base.wall_s
    return out


def goal_lines(found: dict[str, float]) -> list[str]:
    """One line per goal of issue 12 that this run measured: the ratio and met or missed."""
    lines = []
    r = found.get("prov/bare-scrapy pages_per_s")
    if r is not None:
        verdict = _verdict(r >= GOAL_RATIO)
        lines.append(f"prov >= {GOAL_RATIO} x bare Scrapy pages/s: {verdict} ({r:.3f})")
    speed = found.get("prov+text/naive pages_per_s")
    cpu = found.get("prov+text/naive cpu_ms_per_page")
    if speed is not None and cpu is not None:
        lines.append(
            f"prov+text >= {TEXT_GOALS['pages_per_s']} x naive pages/s: "
            f"{_verdict(speed >= TEXT_GOALS['pages_per_s'])} ({speed:.3f})"
        )
        lines.append(
            f"prov+text <= {TEXT_GOALS['cpu_ms_per_page']} x naive CPU ms/page: "
            f"{_verdict(cpu <= TEXT_GOALS['cpu_ms_per_page'])} ({cpu:.3f})"
        )
    again = found.get("prov+text-again/prov-again cpu_ms_per_page")
    wall = found.get("prov+text-again/prov-again wall_s")
    if again is not None and wall is not None:
        worst = max(again, wall)
        lines.append(
            f"re-archive with text <= {REVISIT_GOAL} x capture alone (CPU {again:.3f}, wall "
            f"{wall:.3f}): {_verdict(worst <= REVISIT_GOAL)}"
        )
    return lines


def _verdict(met: bool) -> str:
    return "meets" if met else "MISSES"


def print_table(pages: int, summaries: dict[str, Summary], startups: dict[str, Run]) -> None:
    head = (
        f"{'tool':<12} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'CPU s':>7} "
        f"{'CPU ms/pg':>9} {'net ms/pg':>9} {'RSS MB peak/50%':>15} {'srv ms/pg':>9} "
        f"{'startup':>13}  check"
    )
    print(f"\n== {pages} pages ==")
    print(head)
    print("-" * len(head))
    for tool, s in summaries.items():
        boot = startups.get(tool)
        boot_text = f"{boot.wall_s:.2f}s/{boot.cpu_s * 1000:.0f}ms" if boot else "-"
        check = "ok" if s.ok else f"FAILED ({s.all_runs[0]['verified']}/{pages})"
        if s.note:
            check += f" [{s.note}]"
        if s.other_cores > NOISY:
            check += f" NOISY: {s.other_cores:.2f} cores busy elsewhere"
        print(
            f"{tool:<12} {pages:>6} {s.wall_s:>7.2f} {s.pages_per_s:>8.1f} {s.cpu_s:>7.2f} "
            f"{s.cpu_ms_per_page:>9.2f} {s.cpu_ms_per_page_net:>9.2f} "
            f"{f'{s.max_rss_mb:.0f} / {s.rss_mb_at_50pct:.0f}':>15} "
            f"{s.server_cpu_ms_per_page:>9.3f} {boot_text:>13}  {check}"
        )
    found = ratios(summaries)
    for name, value in found.items():
        print(f"{name:<44} {value:6.3f}")
    for line in goal_lines(found):
        print(f"goal: {line}")


def describe_machine(server: Server) -> dict[str, Any]:
    def version(argv: list[str]) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        except OSError:
            return "unavailable"
        return (done.stdout + done.stderr).strip().splitlines()[0]

    import scrapy
    import twisted

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "twisted": twisted.__version__,
        "server": server.kind,
        "server_version": version([nginx_binary() or "nginx", "-v"])
        if server.kind == "nginx"
        else "python http.server",
        "wget": version(["wget", "--version"]),
        "prov_commit": PROV_SOURCE.get("rev")
        or version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
        "prov_source": PROV_SOURCE.get("path", str(REPO)),
        "prov_uncommitted_files": 0
        if PROV_SOURCE
        else len(
            subprocess.run(
                ["git", "-C", str(REPO), "status", "--porcelain", "archive", "crawler", "settings"],
                capture_output=True,
                text=True,
            ).stdout.splitlines()
        ),
        "prov_text_stage_skipped": prov_has_text_stage(),
    }


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# -- main -----------------------------------------------------------------------------------
def bench_size(pages: int, tmp: Path, server: Server, opts: argparse.Namespace) -> dict[str, Any]:
    paths = build_site(tmp / "site", pages)
    urls_file = tmp / f"urls-{pages}.txt"
    urls_file.write_text("".join(f"{server.base_url}{path}\n" for path in paths))
    one_url = tmp / "urls-1.txt"
    one_url.write_text(f"{server.base_url}{paths[0]}\n")
    tools = [t for t in ALL_TOOLS if t in opts.tools]
    startups: dict[str, Run] = {}
    if not opts.no_startup:
        for tool in tools:
            work = fresh_dir(tmp / f"startup-{tool}-{pages}")
            startups[tool] = RUNNERS[tool](one_url, 1, work, server, opts)
            shutil.rmtree(work, ignore_errors=True)
    runs: dict[str, list[Run]] = {tool: [] for tool in tools}
    for attempt in range(opts.repeat):
        for tool in tools:
            work = fresh_dir(tmp / f"{tool}-{pages}-{attempt}")
            run = RUNNERS[tool](urls_file, pages, work, server, opts)
            run.other_cores, run.steal_cores = MACHINE_NOISE[-1]
            run.rss_mb_at_50pct = rss_at(LAST_RSS[-1], 0.5)
            run.rss_mb_at_90pct = rss_at(LAST_RSS[-1], 0.9)
            samples = LAST_RSS[-1]
            step = max(1, len(samples) // 60)
            run.rss_timeline = [(round(t, 1), round(mb, 1)) for t, mb in samples[::step]]
            runs[tool].append(run)
            print(
                f"  {tool:<12} run {attempt + 1}/{opts.repeat}: {run.wall_s:.2f} s, "
                f"{run.cpu_s:.2f} s CPU, {run.max_rss_kb / 1024:.0f} MB peak "
                f"({run.rss_mb_at_50pct:.0f} MB at 50%, {run.rss_mb_at_90pct:.0f} at 90%), "
                f"{run.verified}/{pages} verified, exit {run.exit_status}, "
                f"{run.other_cores:.2f} cores busy elsewhere ({LAST_OTHERS[-1] or 'none seen'})",
                file=sys.stderr,
                flush=True,
            )
            if not run.ok:
                err = (work / "stderr.txt").read_text(errors="replace")
                print(f"  {tool} stderr (tail):\n{err[-2000:]}", file=sys.stderr)
            if not opts.keep:
                shutil.rmtree(work, ignore_errors=True)
    summaries = {tool: summarize(runs[tool], startups.get(tool)) for tool in tools}
    print_table(pages, summaries, startups)
    return {
        "pages": pages,
        "mean_page_bytes": mean_page_bytes(pages),
        "summaries": {tool: asdict(s) for tool, s in summaries.items()},
        "startup": {tool: {**asdict(r), "cpu_s": r.cpu_s} for tool, r in startups.items()},
        "ratios": ratios(summaries),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="pages/s and CPU ms/page of prov archive, bare Scrapy and wget --warc-file",
    )
    parser.add_argument("--pages", type=int, nargs="+", default=[3000], help="site sizes")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool; median reported")
    parser.add_argument("--json-out", type=Path, help="write the figures to this JSON file")
    parser.add_argument(
        "--tools", nargs="+", default=list(TOOLS), choices=ALL_TOOLS, help="tools to run"
    )
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto")
    parser.add_argument(
        "--no-robots", action="store_true", help="prov and bare Scrapy both skip robots.txt"
    )
    parser.add_argument(
        "--no-startup", action="store_true", help="skip the 1-URL startup-cost runs"
    )
    parser.add_argument(
        "--prov-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="what-if: a Scrapy setting for prov only, e.g. PROV_WARC_GZIP_LEVEL=1 (repeatable)",
    )
    parser.add_argument(
        "--prov-rev",
        metavar="REV",
        help="run prov (and take settings.base) from a clean `git archive REV` export instead "
        "of the working tree, e.g. HEAD while others are editing",
    )
    parser.add_argument("--workdir", type=Path, help="directory for site and outputs (kept)")
    parser.add_argument("--keep", action="store_true", help="keep WARCs and PROV_HOMEs")
    args = parser.parse_args(argv)
    if args.repeat < 1 or min(args.pages) < 1:
        parser.error("--pages and --repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    if opts.workdir is not None:
        opts.workdir.mkdir(parents=True, exist_ok=True)
        tmp_context: Any = _existing(opts.workdir)
    else:
        tmp_context = tempfile.TemporaryDirectory(prefix="prov-bench-")
    with tmp_context as tmp_name:
        tmp = Path(tmp_name)
        tmp.chmod(0o755)
        if opts.prov_rev:
            export_revision(opts.prov_rev, tmp / "prov-src")
        build_site(tmp / "site", max(opts.pages))
        with static_server(tmp / "site", tmp, opts.server) as server:
            machine = describe_machine(server)
            print(
                f"server: {machine['server_version']} on {server.base_url} "
                f"(gzip off, keep-alive on); {machine['cpus']} CPUs; "
                f"Scrapy {machine['scrapy']}; {machine['wget']}"
            )
            if server.warning:
                print(server.warning)
            print(
                f"prov at {machine['prov_commit']} from {machine['prov_source']} "
                f"({machine['prov_uncommitted_files']} uncommitted files in archive/ crawler/ "
                f"settings/); row 'prov' is capture only"
                + (" (--no-text)" if machine["prov_text_stage_skipped"] else "")
            )
            if opts.prov_setting:
                print("prov settings overridden (what-if): " + ", ".join(opts.prov_setting))
            results = [bench_size(pages, tmp, server, opts) for pages in opts.pages]
    if len(results) > 1:
        print("\npeak RSS by size (MB; RSS half-way through the run in brackets):")
        for tool in opts.tools:
            sizes = [
                f"{r['pages']}: {r['summaries'][tool]['max_rss_mb']:.0f} "
                f"({r['summaries'][tool]['rss_mb_at_50pct']:.0f})"
                for r in results
                if tool in r["summaries"]
            ]
            print(f"  {tool:<12} " + "  ".join(sizes))
    if opts.json_out is not None:
        report = {
            "machine": machine,
            "robots": not opts.no_robots,
            "prov_settings": opts.prov_setting,
            "repeat": opts.repeat,
            "server_warning": server.warning,
            "sizes": results,
        }
        opts.json_out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nfigures written to {opts.json_out}")
    ok = all(s["ok"] for r in results for s in r["summaries"].values())
    return 0 if ok else 1


@contextmanager
def _existing(path: Path) -> Iterator[str]:
    yield str(path)


if __name__ == "__main__":
    sys.exit(main())
