"""One :class:`~archive.capture.recorder.CaptureRecorder` per crawler.

Scrapy builds one download handler per URL scheme; http and https must still write to the
same WARC files under the same crawl id. The first handler opens the archive and starts the
recorder, the last one to close stops it. A consumer of the captures a crawl indexes (the text
stage of ``prov archive`` and ``prov crawl``) is registered under the crawl id beforehand
(``register_indexed_sink``): Scrapy copies its settings, so objects cannot travel in them.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from scrapy.crawler import Crawler

from archive.capture.recorder import CaptureRecorder
from archive.index.rows import Capture
from archive.session import open_session
from archive.timestamps import utcnow, warc_date
from archive.warc.file import WarcWriter
from archive.warc.record import DEFAULT_GZIP_LEVEL
from crawler.settings_config import config_from_settings, warcinfo_fields

__all__ = [
    "IndexedSink",
    "acquire_recorder",
    "register_indexed_sink",
    "release_recorder",
    "unregister_indexed_sink",
]

IndexedSink = Callable[[list[Capture]], object]


@dataclass
class _Share:
    recorder: CaptureRecorder
    users: int = 0


_shares: weakref.WeakKeyDictionary[Crawler, _Share] = weakref.WeakKeyDictionary()
_sinks: dict[str, IndexedSink] = {}


def register_indexed_sink(crawl_id: str, sink: IndexedSink) -> None:
    """SINK gets the captures of crawl CRAWL_ID each time the recorder has indexed some."""
    _sinks[crawl_id] = sink


def unregister_indexed_sink(crawl_id: str) -> None:
    _sinks.pop(crawl_id, None)


def acquire_recorder(crawler: Crawler) -> CaptureRecorder:
    share = _shares.get(crawler)
    if share is None:
        share = _Share(_start_recorder(crawler))
        _shares[crawler] = share
    share.users += 1
    return share.recorder


def release_recorder(crawler: Crawler) -> bool:
    """Drop one user; returns True (and forgets the recorder) when it was the last one."""
    share = _shares.get(crawler)
    if share is None:
        return False
    share.users -= 1
    if share.users > 0:
        return False
    del _shares[crawler]
    return True


def _start_recorder(crawler: Crawler) -> CaptureRecorder:
    settings = crawler.settings
    crawl_id = settings.get("PROV_CRAWL_ID") or uuid.uuid4().hex[:16]
    session = open_session(config_from_settings(settings))
    spider_name = getattr(crawler.spidercls, "name", "crawl")
    session.index.start_crawl(crawl_id, spider_name, warc_date(utcnow()), "[]")
    writer = WarcWriter(
        session.warc_dir,
        prefix=settings.get("PROV_WARC_PREFIX", "prov"),
        max_file_size=settings.getint("PROV_WARC_MAX_SIZE", 1_000_000_000),
        warcinfo_fields=warcinfo_fields(settings, crawl_id),
        gzip_level=settings.getint("PROV_WARC_GZIP_LEVEL", DEFAULT_GZIP_LEVEL),
    )
    if crawler.stats is not None:
        crawler.stats.set_value("prov/crawl_id", crawl_id)
    uploader = session.uploader
    drain_timeout = session.config.s3.drain_timeout if session.config.s3 else 0.0
    return CaptureRecorder(
        writer,
        session.index,
        uri_for=session.uri_for,
        crawl_id=crawl_id,
        sync_interval=settings.getfloat("PROV_INDEX_SYNC_INTERVAL", 0.5),
        on_file_closed=uploader.submit if uploader else None,  # S3: upload off the reactor
        after_close=(lambda: uploader.drain(drain_timeout)) if uploader else None,
        on_indexed=_sinks.get(crawl_id),
    ).start()
