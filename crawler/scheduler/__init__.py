"""Watched sources over time: schedules as triggers, one run of watches, the daemon."""
