"""``prov serve``: the researchers' web pages, the JSON API for on-demand archiving and
lookups, Memento (RFC 7089) TimeMaps, TimeGate and mementos, and replay by pywb on a
separate origin. Reads the same index and store as the command line; never imports Scrapy:
archive jobs run as ``prov`` child processes.
"""

from archive.serve.app import ReplayPlan, create_app
from archive.serve.settings import ServeSettings

__all__ = ["ReplayPlan", "ServeSettings", "create_app"]
