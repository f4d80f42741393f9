"""The shared frontier's state in Redis, without Scrapy: crawls and their counts, request
leases (a request popped by a worker stays in an in-flight hash until acknowledged, and goes
back to the queue when its worker stops being heard from), per-host politeness shared by all
workers, and robots.txt fetched once per host per crawl.

``client`` connects and tells an outage apart; ``keys`` names every key; ``crawls`` holds what
a crawl is and how far it got (``prov crawls``); ``leases``, ``politeness`` and ``robots_cache``
are the Lua scripts the workers run. May import the glossary leaves only; ``crawler.frontier``
puts it behind Scrapy's scheduler and middlewares.
"""

from archive.frontier.client import FrontierUnavailable, Gate, connect
from archive.frontier.crawls import CrawlBoard, CrawlCounts, CrawlSpec
from archive.frontier.keys import CrawlKeys

__all__ = [
    "CrawlBoard",
    "CrawlCounts",
    "CrawlKeys",
    "CrawlSpec",
    "FrontierUnavailable",
    "Gate",
    "connect",
]
