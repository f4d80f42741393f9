"""Replay of whole pages by pywb, a managed child process on its own origin.

pywb reads our captures through a CDXJ index that prov writes from its own index (one file
per crawl under ``$PROV_HOME/serve/pywb/indexes``, refreshed when captures are added), and
loads records from the store: the local WARC directory, or the S3 prefix (with the spool
directory tried first for files not uploaded yet). It listens on its own host and port, so
archived scripts run on another origin than the app and never see its pages or cookies.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, func, select

from archive.index.schema import captures
from archive.warc.cdxj import INDEXED_TYPES, capture_cdxj, write_cdxj

__all__ = ["COLLECTION", "PywbProcess", "ReplayIndex", "free_port", "pywb_command"]

logger = logging.getLogger("prov.serve")
COLLECTION = "prov"


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def pywb_command(named: str | None = None) -> list[str] | None:
    """pywb's ``wayback``: NAMED (``PROV_PYWB``), else on ``PATH``, else next to this
    interpreter; None when there is none.

    pywb lives in a virtualenv of its own (``scripts/prov serve`` makes ``.venv-pywb``): it
    requires ``brotlipy``, whose ``brotli`` module would shadow the ``brotli`` prov decodes
    with."""
    if named:
        return [named] if Path(named).is_file() else None
    found = shutil.which("wayback") or str(Path(sys.executable).with_name("wayback"))
    return [found] if Path(found).is_file() else None


class ReplayIndex:
    """CDXJ files for pywb written from the index, one per crawl, kept current by refresh()."""

    def __init__(self, engine: Engine, directory: Path) -> None:
        self.engine = engine
        self.directory = directory
        self._seen = 0
        self._lock = threading.Lock()

    def refresh(self) -> int:
        """Rewrite the files of crawls that gained captures since the last call; how many."""
        with self._lock, self.engine.connect() as conn:
            newest = conn.scalar(select(func.max(captures.c.id))) or 0
            if newest <= self._seen:
                return 0
            crawls = list(conn.scalars(
                select(captures.c.crawl_id).where(captures.c.id > self._seen).distinct()
            ))
            for crawl in crawls:
                rows = conn.execute(
                    select(captures).where(
                        captures.c.crawl_id == crawl,
                        captures.c.record_type.in_(INDEXED_TYPES),
                        captures.c.warc.is_not(None),
                    )
                ).mappings()
                lines = [
                    capture_cdxj(
                        row,
                        filename=str(row["warc"]).rstrip("/").rsplit("/", 1)[-1],
                        offset=row["offset"],
                        length=row["length"],
                    )
                    for row in rows
                ]
                self.directory.mkdir(parents=True, exist_ok=True)
                write_cdxj(self.directory / f"crawl-{crawl}.cdxj", lines)
            self._seen = newest
            return len(crawls)


def _config(index_dir: Path, archive_paths: list[str]) -> str:
    paths = "".join(f"      - {path!r}\n" for path in archive_paths)
    return (
        "# written by prov serve: do not edit (it is rewritten at every start)\n"
        "collections:\n"
        f"  {COLLECTION}:\n"
        f"    index_paths: {str(index_dir)!r}\n"
        "    archive_paths:\n"
        f"{paths}"
        "enable_memento: true\n"
    )


class PywbProcess:
    """``wayback`` on HOST:PORT in WORKDIR, started and stopped with the app; started again
    by :meth:`restart_if_gone` if it exits on its own (a crash, the OOM killer)."""

    def __init__(
        self, command: list[str], workdir: Path, host: str, port: int, archive_paths: list[str]
    ) -> None:
        self.command = command
        self.workdir = workdir
        self.host = host
        self.port = port
        self.archive_paths = archive_paths
        self.index_dir = workdir / "indexes"
        self.restarts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._lock = threading.Lock()  # start, restart and stop, from two threads
        self._stopped = False

    @property
    def log_path(self) -> Path:
        return self.workdir / "pywb.log"

    def start(self, wait: float = 60.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "config.yaml").write_text(
            _config(self.index_dir, self.archive_paths), encoding="utf-8"
        )
        with self._lock:
            if self._stopped:
                return
            process = self._spawn()
        self._wait_listening(process, wait)

    def _spawn(self) -> subprocess.Popen[bytes]:
        if self._log is None:
            self._log = self.log_path.open("ab")
        env = {k: v for k, v in os.environ.items() if k != "PROV_API_TOKENS"}
        self._process = subprocess.Popen(
            [*self.command, "-b", self.host, "-p", str(self.port)],
            cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            env=env,
        )
        return self._process

    def _wait_listening(self, process: subprocess.Popen[bytes], wait: float) -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None:
                if self._stopped:
                    return
                raise OSError(f"pywb exited with status {process.returncode} "
                              f"(see {self.log_path})")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise OSError(f"pywb did not listen on {self.host}:{self.port} within {wait:g} s")

    def restart_if_gone(self, wait: float = 60.0) -> int | None:
        """If pywb has exited since it was started (and stop() was not called), start it
        again on the same port; returns the status it exited with, None if it was running.
        Raises OSError if it does not come back (the next call tries again)."""
        with self._lock:
            gone = self._process
            if self._stopped or gone is None or gone.poll() is None:
                return None
            self.restarts += 1
            process = self._spawn()
        self._wait_listening(process, wait)
        return gone.returncode

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
