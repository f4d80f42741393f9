"""Test settings with small WARC files, so that many files close (and upload) during a crawl."""

from settings.test import *  # noqa: F403

PROV_WARC_MAX_SIZE = 300_000
