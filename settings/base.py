"""Scrapy settings for prov (profile ``default`` in scrapy.cfg).

prov's own settings carry the ``PROV_`` prefix; storage locations also come from the
environment (``PROV_HOME``, ``PROV_STORE``, ``PROV_DATABASE_URL``), see archive/config.py.
"""

from __future__ import annotations

import os

from archive.urls import URL_MAX_LENGTH

BOT_NAME = "prov"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

PROV_CONTACT_URL = os.environ.get("PROV_CONTACT_URL", "https://github.com/prov-archive/prov")
PROV_OPERATOR = os.environ.get("PROV_OPERATOR", "")
USER_AGENT = f"prov/0.1 (source-provenance archiver; +{PROV_CONTACT_URL})"

DOWNLOAD_HANDLERS = {
    "http": "crawler.download.handler.RecordingDownloadHandler",
    "https": "crawler.download.handler.RecordingDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    # a spider's own request for robots.txt is the host's robots fetch (not a second one)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.download.robots_once.RobotsTxtOnceMiddleware": 100,
    # after Scrapy's header middlewares (UserAgent 500, DefaultHeaders 400...), before download
    "crawler.download.conditional.ConditionalRequestMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    # it drops long URLs silently; prov's download handler refuses them and records why
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
}
URLLENGTH_LIMIT = URL_MAX_LENGTH  # longer URLs are not fetched: a failed capture with the reason
PROV_CONDITIONAL_REQUESTS = True  # revisit records for 304s and identical payloads
# Address policy (archive/egress.py, crawler/download/egress.py): the citations spider turns
# PROV_EGRESS_POLICY on; PROV_ALLOW_PRIVATE turns it off; PROV_EGRESS_NAMED is always fetched.
PROV_EGRESS_POLICY = False
_TRUE = ("1", "true", "yes", "on")
PROV_ALLOW_PRIVATE = os.environ.get("PROV_ALLOW_PRIVATE", "").strip().lower() in _TRUE
PROV_ALLOW_NETWORKS = os.environ.get("PROV_ALLOW_NETWORKS", "")  # CIDRs let through all the same
PROV_EGRESS_NAMED: list[str] = []
PROV_RESOLVER = os.environ.get("PROV_RESOLVER") or "archive.egress.system_resolver"
PROV_ARCHIVE_ENABLED = True
PROV_WARC_PREFIX = "prov"
PROV_WARC_MAX_SIZE = 1_000_000_000  # roll over to a new WARC file at this size (bytes)
PROV_WARC_GZIP_LEVEL = 2  # 0-3: ISA-L (fast), 4-9: zlib (smaller, about 10x slower)
WARN_ON_GENERATOR_RETURN_VALUE = False  # Scrapy re-parses the callback's source every response
PROV_INDEX_SYNC_INTERVAL = 0.5  # seconds between fsync + index commits

ROBOTSTXT_OBEY = True
DOWNLOAD_TIMEOUT = 60  # seconds; slower downloads are cut (WARC-Truncated: time)
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024  # bytes; longer bodies are cut (WARC-Truncated: length)
DOWNLOAD_WARNSIZE = 0
RETRY_TIMES = 1
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
HTTPERROR_ALLOW_ALL = True  # 4xx/5xx are captures like any other
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
