"""More server processes on the same listening socket (``prov serve --processes N``).

One Python process serves one request at a time on one core; the extra processes (spawned,
not forked: the parent holds threads and database connections) accept on the socket the
parent bound and answer reads and writes alike. They run no service: the parent's job
workers take the jobs they queue (within a second), and pywb is the parent's.

Each extra process stops when its parent ends, however it ends: uvicorn re-raises the SIGTERM
it caught once the parent's server has shut down, so the parent dies before any ``finally``
of its own could stop them, and a SIGKILL leaves no chance at all. The extra process watches
its parent instead (:mod:`archive.orphans`) and shuts its server down gracefully when the
parent is gone.
"""

from __future__ import annotations

import multiprocessing
import socket
from multiprocessing.process import BaseProcess

from archive.config import Config
from archive.orphans import exit_with_parent
from archive.serve.app import create_app
from archive.serve.settings import ServeSettings
from archive.session import open_session

__all__ = ["run_extra_process", "start_extra_processes", "stop_extra_processes"]

_SPAWN = multiprocessing.get_context("spawn")


def run_extra_process(sock: socket.socket, replay_base: str | None) -> None:
    """In a spawned process: serve the app on SOCK until terminated."""
    import uvicorn

    session = open_session(Config.from_env(), repair=False, upload=False)
    app = create_app(session, ServeSettings.from_env(), services=False, replay_base=replay_base)
    config = uvicorn.Config(app, log_level="info", access_log=True, lifespan="on",
                            timeout_graceful_shutdown=5, server_header=False)
    server = uvicorn.Server(config)

    def shut_down() -> None:
        server.should_exit = True

    exit_with_parent(shut_down)
    server.run(sockets=[sock])


def start_extra_processes(
    sock: socket.socket, count: int, replay_base: str | None
) -> list[BaseProcess]:
    processes: list[BaseProcess] = []
    for _ in range(count):
        process = _SPAWN.Process(target=run_extra_process, args=(sock, replay_base), daemon=True)
        process.start()
        processes.append(process)
    return processes


def stop_extra_processes(processes: list[BaseProcess], timeout: float = 10.0) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
