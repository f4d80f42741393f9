"""Child processes that end with their parent.

A spawned child that waits on a pipe its parent shares with it (a ``ProcessPoolExecutor``
worker, an extra server process) never sees the parent die: it holds the pipe's other end
itself. A parent killed with SIGKILL, or one that dies of a re-raised SIGTERM before its
cleanup runs, would leave such children running for good. :func:`exit_with_parent` watches
the parent's sentinel from a daemon thread instead and acts when the parent is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import wait

__all__ = ["exit_with_parent"]


def _exit_now() -> None:
    os._exit(1)


def exit_with_parent(on_parent_gone: Callable[[], None] = _exit_now) -> None:
    """In a child process: call ON_PARENT_GONE (default: exit at once) when the parent ends.
    Nothing happens in a process that has no multiprocessing parent. Usable as a pool's
    ``initializer``."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        on_parent_gone()

    threading.Thread(target=watch, daemon=True, name="prov-parent-watch").start()
