"""Locks that keep one watch (or the scheduler daemon) from running twice at once.

An ``flock`` on ``$PROV_HOME/locks/NAME.lock`` covers every process on the machine, whoever
started it (the daemon, system cron, a person); the kernel drops it when the holder dies, so a
crashed run never leaves a stale lock. With PostgreSQL, a session advisory lock on the same name
also covers processes on other machines sharing the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

__all__ = ["RunLock"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha1(f"prov:{name}".encode()).digest()[:8], "big", signed=True)


class RunLock:
    def __init__(self, home: Path, name: str, engine: Engine | None = None) -> None:
        self.name = name
        self.path = home / "locks" / f"{_UNSAFE.sub('_', name)}.lock"
        self.engine = engine if engine is not None and engine.dialect.name == "postgresql" else None
        self._file: IO[str] | None = None
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False if another process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        if self.engine is not None:
            conn = self.engine.connect()
            key = _advisory_key(self.name)
            if not conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
                conn.close()
                handle.close()
                return False
            conn.commit()
            self._conn = conn
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def holder(self) -> str:
        """Who holds the lock, as far as this machine knows (for messages)."""
        with contextlib.suppress(OSError):
            pid = self.path.read_text().strip()
            if pid:
                return f"pid {pid}"
        return "another machine" if self.engine is not None else "another process"

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _advisory_key(self.name)}
                )
                self._conn.commit()
            self._conn.close()
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
