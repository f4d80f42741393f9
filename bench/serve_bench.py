"""Load benchmark of ``prov serve``: lookups and TimeMaps, 50 concurrent clients, an index of
100,000 captures on SQLite; prints p50/p99 latency and requests per second for each.

    python bench/serve_bench.py [--captures 100000] [--clients 50] [--seconds 20]

The index is synthetic (20 captures per URL, rows as prov writes them; no WARC is read by
these two routes). The server runs as ``prov serve`` (one process, replay off, no job
workers, read rate limit lifted; ``--processes N`` server processes on the port).

The clients (``--client``) are 50 keep-alive connections of ``wrk`` (one C thread, epoll;
``apt-get install wrk``), or, without it, 50 threads of this process. Both share the
machine's cores with the server, but the threads also share one GIL: a thread whose answer
has arrived waits for its turn (up to the 5 ms switch interval, times the threads ahead of
it), so their p99 measures the client as much as the server. ``auto`` takes wrk when it is
on the PATH and says which one ran.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.index.captures import CaptureIndex  # noqa: E402
from archive.index.database import open_engine  # noqa: E402
from archive.surts import surt_of  # noqa: E402

PER_URL = 20


def build_index(home: Path, count: int) -> list[str]:
    """COUNT capture rows over COUNT / PER_URL URLs; returns the URLs."""
    home.mkdir(parents=True, exist_ok=True)
    index = CaptureIndex(open_engine(f"sqlite:///{home / 'index.sqlite'}"))
    urls = [f"https://news{n % 97}.example/2026/story-{n}.html" for n in range(count // PER_URL)]
    batch: list[dict[str, object]] = []
    for number in range(count):
        url = urls[number % len(urls)]
        second = number // len(urls)
        stamp = f"202612{1 + second // 24:02d}{second % 24:02d}0000"
        batch.append({
            "crawl_id": f"bench{second}", "url": url, "surt": surt_of(url),
            "timestamp": stamp, "warc_date": f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T"
            f"{stamp[8:10]}:00:00.000000Z", "method": "GET", "status": 200,
            "mime": "text/html", "payload_digest": f"sha1:{number:032d}",
            "warc": f"file://{home}/warcs/bench-{second}.warc.gz", "offset": number * 900,
            "length": 900, "record_id": f"<urn:uuid:bench-{number}>", "record_type": "response",
        })
        if len(batch) == 5000:
            index.add_captures(batch)
            batch = []
    index.add_captures(batch)
    return urls


def start_server(home: Path, processes: int) -> tuple[subprocess.Popen[bytes], str]:
    env = dict(os.environ, PROV_HOME=str(home), PROV_SERVE_REPLAY="off",
               PROV_SERVE_WORKERS="0", PROV_SERVE_READ_RATE="100000000")
    log = (home / "serve.log").open("wb")
    command = ["serve", "--port", "0", "--processes", str(processes)]
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", *command],
                               env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"serving on http://([\d.]+:\d+)/", (home / "serve.log").read_text())
        started = (home / "serve.log").read_text().count("startup complete")
        if found and started == processes:
            return process, found.group(1)
        time.sleep(0.2)
    raise SystemExit("prov serve did not start: " + (home / "serve.log").read_text())


def run_clients(
    address: str, paths: list[str], clients: int, seconds: float
) -> tuple[list[float], int]:
    host, port = address.rsplit(":", 1)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            path = rng.choice(paths)
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            failed += response.status != 200
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


# wrk: each connection asks for random paths of the list given after ``--``; ``done`` prints
# one line with the figures (latencies in microseconds)
_WRK_SCRIPT = """
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time())
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d seconds=%.3f p50=%d p99=%d errors=%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""
_WRK_LINE = re.compile(
    r"WRK requests=(\d+) seconds=([\d.]+) p50=(\d+) p99=(\d+) errors=(\d+)"
)


def run_wrk(
    address: str, paths: list[str], clients: int, seconds: float, work: Path
) -> tuple[float, float, int, float, int]:
    """p50 and p99 (ms), requests, seconds and errors (socket errors and non-2xx answers)."""
    listing, script = work / "paths.txt", work / "paths.lua"
    listing.write_text("\n".join(paths) + "\n")
    script.write_text(_WRK_SCRIPT)
    done = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s",
         "-s", str(script), f"http://{address}", "--", str(listing)],
        capture_output=True, text=True, check=True,
    )
    found = _WRK_LINE.search(done.stdout)
    if found is None:
        raise SystemExit("wrk printed no figures: " + done.stdout + done.stderr)
    requests, took, p50, p99, errors = found.groups()
    return int(p50) / 1000, int(p99) / 1000, int(requests), float(took), int(errors)


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 in ms of latencies in seconds."""
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


def report(name: str, p50: float, p99: float, requests: int, seconds: float, errors: int) -> None:
    print(f"{name:9} requests={requests:6d} errors={errors} p50={p50:6.1f} ms "
          f"p99={p99:6.1f} ms req/s={requests / seconds:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--processes", type=int, default=1, help="prov serve --processes")
    parser.add_argument("--client", choices=("auto", "wrk", "threads"), default="auto")
    options = parser.parse_args()
    client = options.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "threads"
        if client == "threads":
            print("WARNING: no wrk on the PATH: clients are threads of this process (their "
                  "GIL waits count in the latencies)")
    with tempfile.TemporaryDirectory(prefix="prov-serve-bench-") as tmp:
        home = Path(tmp) / "prov-data"
        started = time.monotonic()
        urls = build_index(home, options.captures)
        print(f"index: {options.captures} captures of {len(urls)} URLs "
              f"({time.monotonic() - started:.1f} s to build)")
        process, address = start_server(home, options.processes)
        try:
            lookups = [f"/api/captures?url={quote(u, safe='')}" for u in urls]
            timemaps = [f"/timemap/link/{u}" for u in urls]
            run_clients(address, lookups, options.clients, 2.0)  # warm up
            print(f"prov serve --processes {options.processes}; {options.clients} clients "
                  f"({client}), {options.seconds:g} s each:")
            for name, paths in (("lookup", lookups), ("timemap", timemaps)):
                if client == "wrk":
                    report(name, *run_wrk(address, paths, options.clients, options.seconds,
                                          Path(tmp)))
                    continue
                latencies, errors = run_clients(address, paths, options.clients, options.seconds)
                p50, p99 = percentiles(latencies)
                report(name, p50, p99, len(latencies), options.seconds, errors)
        finally:
            process.terminate()
            process.wait(20)


if __name__ == "__main__":
    main()
