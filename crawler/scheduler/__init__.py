"""Watched sources over time: schedules as APScheduler triggers (``triggers``), one run of
watches in child crawl processes (``run``), the daemon (``daemon``) and its options.

Imports ``archive`` (``watch``, ``index``, ``session``); starts crawls only as ``prov``
subprocesses, never through ``crawler.cli`` imports.
"""
