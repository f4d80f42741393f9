"""SIGTERM as an exception, so that a command stopped by an init system cleans up as on Ctrl-C."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["sigterm_raises"]


@contextmanager
def sigterm_raises(error: type[BaseException]) -> Iterator[None]:
    """Within the block SIGTERM raises ERROR; the previous handler comes back after it. Off the
    main thread (where signals cannot be handled) the block runs as it is."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise error

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: the caller handles signals
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
