"""The shared frontier behind Scrapy: scrapy-redis's scheduler, dupefilter and priority queue
on one Redis queue per crawl, with the leases of ``archive.frontier`` (``scheduler``,
``queue``, ``acks``), the spider and downloader middlewares workers run (``spidermw``,
``politeness``, ``robots``), the settings of each role (``roles``), what a process shares
(``process``), the submitting side of a crawl (``submit``) and the worker (``worker``).

Imports Scrapy, scrapy-redis, ``archive`` and ``crawler.download``; the runner and the CLI
import it, never the other way round.
"""

from __future__ import annotations

__all__: list[str] = []
