"""What the frontier components of one process share: one Redis client behind one
:class:`~archive.frontier.client.Gate`, the scripts, and in a worker its id, its capacity
(``prov worker --concurrency``, across all the crawls it serves) and its recorder."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import redis

from archive.capture.recorder import CaptureRecorder
from archive.config import Config, ConfigError, FrontierOptions
from archive.frontier.client import Gate, connect
from archive.frontier.crawls import CrawlBoard
from archive.frontier.leases import Leases
from crawler.download.recorder_share import worker_recorder
from crawler.settings_config import config_from_settings

__all__ = ["FrontierProcess", "frontier_process"]

logger = logging.getLogger(__name__)


@dataclass
class FrontierProcess:
    options: FrontierOptions
    server: redis.Redis
    gate: Gate
    board: CrawlBoard
    leases: Leases
    worker_id: str = ""
    capacity: int = 16
    taken: int = 0  # requests popped and not over yet (waiting for the index does not count)
    reported: int = 0  # entries of the recorder's ``unwritten`` already noted in Redis
    stats: dict[str, int] = field(default_factory=dict)

    @classmethod
    def open(cls, options: FrontierOptions, worker_id: str = "", capacity: int = 16) -> Any:
        server = connect(options)
        return cls(
            options,
            server,
            Gate(options.shown),
            CrawlBoard(server, options.prefix),
            Leases(server, options.prefix),
            worker_id,
            capacity,
        )

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)

    def count(self, name: str, value: int = 1) -> None:
        self.stats[name] = self.stats.get(name, 0) + value

    def recorder(self) -> CaptureRecorder | None:
        return worker_recorder(self.worker_id) if self.worker_id else None

    def report_unwritten(self) -> None:
        """Note in Redis the captures this worker could not store, under their crawls (before
        the requests are acknowledged, so the submitting command sees them)."""
        recorder = self.recorder()
        if recorder is None:
            return
        for entry in recorder.unwritten[self.reported :]:
            self.gate.call(self.board.note_unwritten, str(entry.get("crawl_id", "")), entry)
            self.reported += 1


_processes: dict[tuple[str, str, str], FrontierProcess] = {}


def frontier_process(settings: Any, config: Config | None = None) -> FrontierProcess:
    """The process's frontier for SETTINGS (one per Redis URL, prefix and worker id)."""
    options = (config or config_from_settings(settings)).frontier
    if options is None:
        raise ConfigError("the shared frontier needs PROV_REDIS_URL")
    worker_id = str(settings.get("PROV_WORKER_ID") or "")
    key = (options.url, options.prefix, worker_id)
    found = _processes.get(key)
    if found is None:
        capacity = settings.getint("PROV_WORKER_CONCURRENCY") or settings.getint(
            "CONCURRENT_REQUESTS", 16
        )
        found = FrontierProcess.open(options, worker_id, capacity)
        _processes[key] = found
    return found
