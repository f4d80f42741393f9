"""One :class:`~archive.capture.recorder.CaptureRecorder` per crawler, or per worker.

Scrapy builds one download handler per URL scheme; http and https must still write to the
same WARC files under the same crawl id. The first handler opens the archive and starts the
recorder, the last one to close stops it. In a ``prov worker`` (``PROV_WORKER_ID`` set) every
crawl's crawler shares the worker's recorder, which the worker holds from its start to its
end (:func:`hold_worker_recorder`): one set of WARC files per worker process.

A consumer of the captures a crawl indexes (the text stage of ``prov archive`` and ``prov
crawl``) is registered under the crawl id beforehand (``register_indexed_sink``): Scrapy copies
its settings, so objects cannot travel in them. A worker's recorder has none: the text of a
frontier crawl is extracted on the machine that submitted it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    "hold_worker_recorder",
    "register_indexed_sink",
    "release_recorder",
    "unregister_indexed_sink",
    "worker_recorder",
]

IndexedSink = Callable[[list[Capture]], object]


@dataclass
class _Share:
    recorder: CaptureRecorder
    users: int = 0


_shares: weakref.WeakKeyDictionary[Crawler, _Share] = weakref.WeakKeyDictionary()
_worker_shares: dict[str, _Share] = {}
_sinks: dict[str, IndexedSink] = {}


def register_indexed_sink(crawl_id: str, sink: IndexedSink) -> None:
    """SINK gets the captures of crawl CRAWL_ID each time the recorder has indexed some."""
    _sinks[crawl_id] = sink


def unregister_indexed_sink(crawl_id: str) -> None:
    _sinks.pop(crawl_id, None)


def hold_worker_recorder(settings: Any, worker_id: str) -> CaptureRecorder:
    """Start the recorder of worker WORKER_ID (its files say ``isPartOf: WORKER_ID``; each
    capture's metadata names its own crawl) and hold it until :func:`release_recorder`."""
    share = _worker_shares.get(worker_id)
    if share is None:
        share = _Share(_start_recorder(settings, worker_id))
        _worker_shares[worker_id] = share
    share.users += 1
    return share.recorder


def worker_recorder(worker_id: str) -> CaptureRecorder | None:
    share = _worker_shares.get(worker_id)
    return share.recorder if share is not None else None


def acquire_recorder(crawler: Crawler) -> CaptureRecorder:
    worker_id = crawler.settings.get("PROV_WORKER_ID")
    if worker_id:
        if crawler.stats is not None:
            crawler.stats.set_value("prov/crawl_id", crawler.settings.get("PROV_CRAWL_ID"))
        return hold_worker_recorder(crawler.settings, str(worker_id))
    share = _shares.get(crawler)
    if share is None:
        settings = crawler.settings
        # the runner names the crawl; a bare `scrapy crawl` takes PROV_CRAWL_ID or a new id
        crawl_id = settings.get("PROV_CRAWL_ID") or config_from_settings(settings).new_crawl_id()
        spider_name = getattr(crawler.spidercls, "name", "crawl")
        share = _Share(_start_recorder(settings, crawl_id, spider_name))
        _shares[crawler] = share
        if crawler.stats is not None:
            crawler.stats.set_value("prov/crawl_id", crawl_id)
    share.users += 1
    return share.recorder


def release_recorder(crawler: Crawler | str) -> bool:
    """Drop one user (a crawler, or a worker id); returns True (and forgets the recorder)
    when it was the last one."""
    worker_id = crawler if isinstance(crawler, str) else crawler.settings.get("PROV_WORKER_ID")
    if worker_id:
        found = _worker_shares.get(str(worker_id))
        if found is None:
            return False
        found.users -= 1
        if found.users > 0:
            return False
        del _worker_shares[str(worker_id)]
        return True
    assert isinstance(crawler, Crawler)
    share = _shares.get(crawler)
    if share is None:
        return False
    share.users -= 1
    if share.users > 0:
        return False
    del _shares[crawler]
    return True


def _start_recorder(
    settings: Any, crawl_id: str, spider_name: str | None = None
) -> CaptureRecorder:
    """SPIDER_NAME: the crawl starts now (its row in the index); None: a worker's recorder."""
    session = open_session(config_from_settings(settings))
    if spider_name is not None:
        session.index.start_crawl(crawl_id, spider_name, warc_date(utcnow()), "[]")
    writer = WarcWriter(
        session.warc_dir,
        prefix=settings.get("PROV_WARC_PREFIX", "prov"),
        max_file_size=settings.getint("PROV_WARC_MAX_SIZE", 1_000_000_000),
        warcinfo_fields=warcinfo_fields(settings, crawl_id),
        gzip_level=settings.getint("PROV_WARC_GZIP_LEVEL", DEFAULT_GZIP_LEVEL),
    )
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
