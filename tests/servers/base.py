"""The threaded TCP service both test servers build on: port 0, daemon threads, clean stop."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from types import TracebackType
from typing import Self

from tests.servers.wire import POLL_SECONDS


def abort_socket(sock: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0) rather than a FIN."""
    with contextlib.suppress(OSError, ValueError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    with contextlib.suppress(OSError):
        sock.close()


class TCPService:
    """Accepts connections on host:port (port 0 picks a free one), one daemon thread each.

    stop() sets `stopping`; connection handlers poll it (every POLL_SECONDS at most) and return,
    and any socket still open after the join timeout is reset.
    """

    name = "tcp"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = 0
        self._requested_port = port
        self.stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._threads: list[threading.Thread] = []
        self._open: dict[int, socket.socket] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._accepted = 0

    @property
    def authority(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def connection_count(self) -> int:
        """Connections accepted so far."""
        return self._accepted

    def handle_connection(self, sock: socket.socket, connection_id: int) -> None:
        raise NotImplementedError

    def track(self, connection_id: int, sock: socket.socket) -> None:
        """Remember an open socket so stop() can reset it if its handler does not return."""
        with self._lock:
            self._open[connection_id] = sock

    def start(self) -> Self:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self._requested_port))
        listener.listen(128)
        listener.settimeout(POLL_SECONDS)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self.stopping.clear()
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"{self.name}-{self.port}-accept", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        deadline = time.monotonic() + timeout
        if self._accept_thread is not None:
            self._accept_thread.join(timeout)
        if self._listener is not None:
            self._listener.close()
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            leftovers = list(self._open.values())
            self._open.clear()
        for sock in leftovers:
            abort_socket(sock)

    @property
    def alive_threads(self) -> list[threading.Thread]:
        threads = [self._accept_thread, *self._threads]
        return [t for t in threads if t is not None and t.is_alive()]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            connection_id = next(self._ids)
            self._accepted += 1
            self.track(connection_id, sock)
            thread = threading.Thread(
                target=self._run,
                args=(sock, connection_id),
                name=f"{self.name}-{self.port}-conn-{connection_id}",
                daemon=True,
            )
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
            thread.start()

    def _run(self, sock: socket.socket, connection_id: int) -> None:
        try:
            self.handle_connection(sock, connection_id)
        finally:
            with self._lock:
                tracked = self._open.pop(connection_id, None)
            if tracked is not None:
                with contextlib.suppress(OSError):
                    tracked.close()
