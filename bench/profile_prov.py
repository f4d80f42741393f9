"""Where prov's CPU per page goes: ``prov archive`` (or bare Scrapy) under py-spy, summarized.

    .venv/bin/pip install py-spy
    .venv/bin/python bench/profile_prov.py --pages 3000 [--tool bare-scrapy] [--out DIR]

Same site and server as bench/capture_bench.py. py-spy samples every thread (``--threads``)
and counts only samples where a thread is on a CPU (GIL-released zlib and sha1 work in the
recorder thread counts; threads blocked on the GIL, a lock or the selector do not), so the
sample shares approximate CPU shares. Printed: samples per thread; CPU per page by category
(each sample goes to the innermost frame that a category claims, e.g. ``gzip_member`` for
zlib, ``archive/index`` or ``sqlalchemy`` for the index); top functions by self and by
cumulative samples. ``--cprofile`` runs cProfile instead (main thread only, deterministic,
with its own overhead) and prints its top functions by cumulative and by internal time.
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from capture_bench import (
    BARE_SPIDER,
    REPO,
    build_site,
    child_env,
    export_revision,
    prov_argv,
    static_server,
)
from text_categories import text_category

FRAME = re.compile(r"^(?P<func>.*) \((?P<path>.*?)(?::(?P<line>\d+))?\)$")


@dataclass(frozen=True)
class Frame:
    func: str
    path: str  # shortened: relative to site-packages, the repo or the stdlib

    def __str__(self) -> str:
        return f"{self.func} ({self.path})"


def short_path(path: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    repo = str(REPO) + "/"
    return path[len(repo) :] if path.startswith(repo) else path


def parse_frame(text: str) -> Frame:
    match = FRAME.match(text)
    if match is None:
        return Frame(text, "")
    return Frame(match["func"], short_path(match["path"]))


@dataclass
class Stack:
    thread: str
    frames: list[Frame]  # root first
    count: int


def read_raw(path: Path) -> list[Stack]:
    """py-spy ``--format raw --threads`` output: ``thread (tid): name;frame;...;frame COUNT``,
    each line led by ``process PID:"COMMAND";`` frames with ``--subprocesses`` (a child's
    samples are named after it: ``text worker`` for the text stage's pool)."""
    stacks = []
    for line in path.read_text().splitlines():
        body, _, count = line.rpartition(" ")
        if not body or not count.isdigit():
            continue
        parts = body.split(";")
        processes = 0
        while parts and parts[0].startswith("process "):
            command = parts.pop(0)
            processes += 1
        if processes > 1:
            thread = "text worker" if "spawn_main" in command else "other child process"
            parts.insert(0, f"thread (0): {thread}")
        if not parts:
            continue
        thread = parts[0].split(": ", 1)[-1] if parts[0].startswith("thread") else "?"
        thread = "recorder" if thread == "prov-recorder" else thread
        stacks.append(Stack(thread, [parse_frame(p) for p in parts[1:]], int(count)))
    return stacks


# Each rule claims frames; a sample goes to the category of its innermost claimed frame.
Rule = tuple[str, Callable[[Frame], bool]]


def _in(*fragments: str) -> Callable[[Frame], bool]:
    return lambda f: any(fragment in f.path for fragment in fragments)


CATEGORIES: list[Rule] = [
    ("WARC gzip (zlib)", lambda f: f.func == "gzip_member"),
    ("digesting (sha1/base32)", _in("archive/digests.py")),
    ("conditional requests middleware", _in("crawler/download/conditional.py")),
    ("SQLite index (SQLAlchemy)", _in("archive/index/", "sqlalchemy/", "sqlite3/")),
    (
        "WARC records: build, write, fsync, CDXJ",
        _in(
            "archive/capture/recorder.py",
            "archive/warc/record.py",
            "archive/warc/file.py",
            "archive/capture/records.py",
            "archive/warc/cdxj.py",
            "archive/surts.py",
            "archive/timestamps.py",
            "surt/",
            "tldextract/",
        ),
    ),
    (
        "our HTTP protocol + parser",
        _in(
            "crawler/download/connection.py",
            "archive/http_response.py",
            "crawler/download/request_bytes.py",
            "crawler/download/tls.py",
        ),
    ),
    (
        "our download handler (Exchange -> Response)",
        _in("crawler/download/handler.py", "crawler/download/context.py"),
    ),
    (
        "prov CLI, spider, listing captures",
        _in("crawler/cli/", "crawler/runner.py", "crawler/spiders/", "archive/", "json/", "rich/"),
    ),
    ("HTML parse (parsel/lxml)", _in("parsel/", "lxml/", "cssselect/")),
    (
        "Scrapy stock HTTP handler (+twisted.web)",
        _in("scrapy/core/downloader/handlers/http11.py", "twisted/web/"),
    ),
    ("Scrapy engine, scheduler, middlewares", _in("scrapy/", "bare_spider.py")),
    (
        "Twisted/asyncio reactor, sockets",
        _in("twisted/", "asyncio/", "selectors.py", "socket.py", "ssl.py"),
    ),
]
STARTUP = "imports and startup"
THREAD_POOL = "Twisted thread pool (index lookups of conditional requests)"


def categorize(stack: Stack) -> str:
    text = text_category(stack.thread, stack.frames)
    if text is not None:
        return text
    if any("importlib" in f.path for f in stack.frames):
        return STARTUP
    if any(f.func in ("gc_collect_main", "gc_collect_with_callback") for f in stack.frames):
        return "Python garbage collector"
    if stack.thread.startswith("PoolThread"):
        return THREAD_POOL
    for frame in reversed(stack.frames):
        for name, claims in CATEGORIES:
            if claims(frame):
                return name
    return "other (stdlib, unattributed)"


def top(counter: Counter[str], total: int, n: int) -> Iterable[str]:
    for key, count in counter.most_common(n):
        yield f"{100 * count / total:6.1f}%  {key}"


# Where a thread waits rather than runs. py-spy's own idle detection misses these here, so
# they are taken out of the CPU shares and listed apart. With --native (the default) the C
# frames say it exactly: a lock or queue wait, the selector, or re-taking the GIL after C code
# released it (zlib, sha1, socket calls). Without it, only Python-level leaf waits are seen.
NATIVE_LOCK_WAITS = {"PyThread_acquire_lock_timed", "lock_PyThread_acquire_lock", "sem_wait"}
NATIVE_IO_WAITS = {"epoll_wait", "poll", "select", "pyepoll_poll", "nanosleep"}
NATIVE_GIL_WAITS = {"pthread_cond_timedwait", "pthread_cond_wait", "take_gil"}
PYTHON_WAITS = {
    ("threading.py", "Condition.wait"),
    ("threading.py", "Event.wait"),
    ("threading.py", "Thread.join"),
    ("threading.py", "Thread._wait_for_tstate_lock"),
    ("selectors.py", "EpollSelector.select"),
    ("selectors.py", "_PollLikeSelector.select"),
}
PLUMBING = ("threading.py", "queue.py", "selectors.py", "asyncio/", "_threads/", "threadpool.py")


def innermost_python(stack: Stack) -> Frame | None:
    for frame in reversed(stack.frames):
        if frame.path.endswith(".py") and not any(part in frame.path for part in PLUMBING):
            return frame
    return next((f for f in reversed(stack.frames) if f.path.endswith(".py")), None)


def waiting_in(stack: Stack) -> str | None:
    """None if the sample is on a CPU, else what it waits for and where."""
    funcs = {frame.func for frame in stack.frames[-6:]}
    kind = None
    if funcs & NATIVE_LOCK_WAITS:
        kind = "lock/queue wait"
    elif funcs & NATIVE_IO_WAITS:
        kind = "selector (idle reactor)"
    elif funcs & NATIVE_GIL_WAITS:
        kind = "GIL wait"
    elif any((frame.path, frame.func) in PYTHON_WAITS for frame in stack.frames[-6:]):
        kind = "wait"
    if kind is None:
        return None
    where = innermost_python(stack)
    return f"{kind} in {where}" if where else kind


def self_key(stack: Stack) -> str:
    """Innermost Python frame, plus the C code it was in (with --native), e.g. ``[libz]``."""
    python = next((f for f in reversed(stack.frames) if f.path.endswith(".py")), None)
    native = ""
    for frame in reversed(stack.frames):
        if frame is python:
            break
        if not frame.func.startswith("0x"):
            native = frame.func  # innermost C function with a symbol
            break
        native = native or frame.path.split(".so")[0]  # else the library
    text = str(python) if python else (str(stack.frames[-1]) if stack.frames else "?")
    return f"{text} [{native}]" if native else text


def summarize(
    stacks: list[Stack], pages: int, rate: int, n: int, cpu_s: float | None = None
) -> str:
    running = [s for s in stacks if waiting_in(s) is None]
    total = sum(s.count for s in running)
    if not total:
        return "no samples"
    # ms/page: from the measured CPU time of the process when given, else from the samples
    ms_per_sample = 1000 * cpu_s / total if cpu_s else 1000 / rate
    out: list[str] = [
        f"samples on a CPU: {total} (of {sum(s.count for s in stacks)}); "
        + (
            f"CPU {cpu_s:.1f} s measured (wait4), {1000 * cpu_s / pages:.2f} ms/page; "
            f"samples alone would say {total / rate:.1f} s"
            if cpu_s
            else f"{total / rate:.1f} s of CPU by the samples"
        )
    ]

    def share(count: int) -> str:
        return f"{100 * count / total:5.1f}%  {count * ms_per_sample / pages:6.2f} ms/page"

    threads: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    by_thread: dict[str, Counter[str]] = {}
    waits: dict[str, Counter[str]] = {}
    self_time: Counter[str] = Counter()
    cumulative: Counter[str] = Counter()
    for stack in stacks:
        where = waiting_in(stack)
        if where is not None:
            waits.setdefault(stack.thread, Counter())[where] += stack.count
            continue
        threads[stack.thread] += stack.count
        category = categorize(stack)
        categories[category] += stack.count
        by_thread.setdefault(stack.thread, Counter())[category] += stack.count
        if stack.frames:
            self_time[self_key(stack)] += stack.count
        for name in {str(f) for f in stack.frames if f.path.endswith(".py")}:
            cumulative[name] += stack.count
    out.append("\nCPU by thread:")
    out += [f"  {share(c)}  {name}" for name, c in threads.most_common()]
    out.append("\nCPU by category (innermost claimed frame):")
    out += [f"  {share(c)}  {name}" for name, c in categories.most_common()]
    for thread, counter in sorted(by_thread.items(), key=lambda kv: -sum(kv[1].values())):
        out.append(f"\n  thread {thread}:")
        out += [f"    {share(c)}  {name}" for name, c in counter.most_common()]
    out.append(f"\ntop {n} by self samples: innermost Python frame [C function or library]")
    out += ["  " + line for line in top(self_time, total, n)]
    out.append(f"\ntop {n} Python functions by cumulative samples:")
    out += ["  " + line for line in top(cumulative, total, n)]
    out.append("\nwaiting, not CPU (seconds of wall time, per thread and where):")
    for thread, counter in sorted(waits.items(), key=lambda kv: -sum(kv[1].values())):
        if thread.startswith("PoolThread") and len(waits) > 4:
            continue  # idle pool threads: one line below
        out.append(f"  {thread}:")
        out += [f"    {c / rate:7.1f} s  {where}" for where, c in counter.most_common(4)]
    pool = sum(sum(c.values()) for t, c in waits.items() if t.startswith("PoolThread"))
    if pool:
        out.append(f"  Twisted pool threads together: {pool / rate:.1f} s waiting for work")
    return "\n".join(out)


def tool_argv(tool: str, urls_file: Path) -> list[str]:
    if tool in ("prov", "prov+text"):
        return prov_argv(urls_file, no_robots=False, text=tool == "prov+text")
    return [sys.executable, str(BARE_SPIDER), str(urls_file)]


def run_profiled(
    command: list[str], env: dict[str, str], raw: Path, opts: argparse.Namespace, py_spy: str
) -> tuple[float, int, str]:
    """Run COMMAND; unless --cprofile, py-spy attaches to it by pid (so wait4 measures the
    child's own CPU, not py-spy's). Returns (child CPU s, exit status, py-spy's stderr)."""
    child = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    spy = None
    if not opts.cprofile:
        spy_command = [py_spy, "record", "--format", "raw", "--threads", "--rate"]
        spy_command += [str(opts.rate), "--output", str(raw), "--pid", str(child.pid)]
        spy_command += ["--native"] if opts.native else []
        spy_command += ["--subprocesses"] if opts.tool == "prov+text" else []
        spy = subprocess.Popen(spy_command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    child_error = child.stderr.read().decode(errors="replace")  # until the child closes it
    _pid, wait_status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(wait_status)
    spy_error = ""
    if spy is not None:
        _out, err = spy.communicate(timeout=120)
        spy_error = err.decode(errors="replace") or f"py-spy exited with {spy.returncode}"
    return usage.ru_utime + usage.ru_stime, child.returncode, child_error + spy_error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="profile prov archive (or bare Scrapy)")
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--tool", choices=("prov", "prov+text", "bare-scrapy"), default="prov")
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--no-native",
        dest="native",
        action="store_false",
        help="without py-spy --native (GIL and lock waits then count as CPU)",
    )
    parser.add_argument("--cprofile", action="store_true", help="cProfile (main thread only)")
    parser.add_argument("--out", type=Path, help="keep raw profile output in this directory")
    parser.add_argument("--prov-rev", metavar="REV", help="profile a `git archive REV` export")
    opts = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not opts.cprofile and not Path(py_spy).exists():
        raise SystemExit("py-spy not found: .venv/bin/pip install py-spy (or use --cprofile)")
    with tempfile.TemporaryDirectory(prefix="prov-profile-") as tmp_name:
        tmp = Path(tmp_name)
        tmp.chmod(0o755)
        out_dir = opts.out or tmp
        out_dir.mkdir(parents=True, exist_ok=True)
        if opts.prov_rev:
            print(f"prov at {export_revision(opts.prov_rev, tmp / 'prov-src')}")
        paths = build_site(tmp / "site", opts.pages)
        with static_server(tmp / "site", tmp) as server:
            urls_file = tmp / "urls.txt"
            urls_file.write_text("".join(f"{server.base_url}{p}\n" for p in paths))
            target = tool_argv(opts.tool, urls_file)
            env = child_env(PROV_HOME=str(tmp / "prov-home"))
            raw = out_dir / f"{opts.tool}.pyspy.txt"
            if opts.cprofile:
                stats_file = out_dir / f"{opts.tool}.pstats"
                program = ["-m", "crawler.cli"] if opts.tool == "prov" else [target[1]]
                command = [sys.executable, "-m", "cProfile", "-o", str(stats_file)]
                command += [*program, *target[1 if opts.tool == "prov" else 2 :]]
            else:
                command = target
            cpu_s, status, spy_error = run_profiled(command, env, raw, opts, py_spy)
            if not opts.cprofile and not raw.exists():
                sys.stderr.write(spy_error[-3000:])
                print(f"py-spy wrote no profile ({raw})")
                return 1
            database = tmp / "prov-home" / "index.sqlite"
            fetched = 0
            if opts.tool.startswith("prov") and database.exists():
                with sqlite3.connect(database) as conn:
                    query = "SELECT count(*) FROM captures WHERE status = 200"
                    (fetched,) = conn.execute(query).fetchone()
            if status != 0 or (opts.tool.startswith("prov") and fetched != opts.pages):
                sys.stderr.write(spy_error[-3000:])
                print(f"{opts.tool} failed: exit {status}, {fetched} pages indexed")
                return 1
        if opts.cprofile:
            stats = pstats.Stats(str(stats_file))
            stats.sort_stats("cumulative").print_stats(opts.top)
            stats.sort_stats("tottime").print_stats(opts.top)
        else:
            print(f"{opts.tool}, {opts.pages} pages, py-spy {opts.rate} Hz, --threads")
            print(summarize(read_raw(raw), opts.pages, opts.rate, opts.top, cpu_s))
        if opts.out:
            print(f"\nraw profile in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
