"""The scheduler daemon's APScheduler job store, kept in prov's own database.

The options of watch runs and of the daemon are read once with the rest of the configuration
(:class:`archive.config.SchedulerOptions`, ``Config.scheduler``).
"""

from __future__ import annotations

__all__ = ["JOB_TABLE"]

JOB_TABLE = "prov_scheduler_jobs"  # APScheduler's SQLAlchemy job store, in prov's database
