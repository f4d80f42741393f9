"""Settings profile for the test suite: short timeouts, fast index commits."""

from settings.base import *  # noqa: F403

DOWNLOAD_TIMEOUT = 10
PROV_INDEX_SYNC_INTERVAL = 0.05
LOG_LEVEL = "WARNING"
