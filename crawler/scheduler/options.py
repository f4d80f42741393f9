"""Settings of watch runs and of the scheduler daemon, from environment variables.

| variable | default | meaning |
| --- | --- | --- |
| ``PROV_RUN_TIMEOUT`` | ``3600`` | seconds a run's crawl may take, then it is stopped |
| ``PROV_SCHEDULER_MISFIRE_GRACE`` | ``300`` | a trigger missed by this much still runs (once) |
| ``PROV_SCHEDULER_WORKERS`` | ``4`` | watches the daemon runs at the same time |
| ``PROV_SCHEDULER_TICK`` | ``10`` | seconds between watch-list re-reads and webhook retries |
| ``PROV_SCHEDULER_STOP_TIMEOUT`` | ``60`` | on SIGTERM, seconds running crawls get to finish |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from archive.config import env_number

__all__ = ["JOB_TABLE", "SchedulerOptions"]

JOB_TABLE = "prov_scheduler_jobs"  # APScheduler's SQLAlchemy job store, in prov's database


@dataclass(frozen=True)
class SchedulerOptions:
    run_timeout: float = 3600.0
    misfire_grace: float = 300.0
    workers: int = 4
    tick: float = 10.0
    stop_timeout: float = 60.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SchedulerOptions:
        env = os.environ if environ is None else environ
        return cls(
            run_timeout=env_number(env, "PROV_RUN_TIMEOUT", 3600.0, 1),
            misfire_grace=env_number(env, "PROV_SCHEDULER_MISFIRE_GRACE", 300.0, 1),
            workers=int(env_number(env, "PROV_SCHEDULER_WORKERS", 4, 1)),
            tick=env_number(env, "PROV_SCHEDULER_TICK", 10.0, 0.1),
            stop_timeout=env_number(env, "PROV_SCHEDULER_STOP_TIMEOUT", 60.0, 0),
        )
