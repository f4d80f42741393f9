"""Every Redis key of the frontier, under one prefix (``PROV_REDIS_PREFIX``) and per crawl."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CrawlKeys", "crawls_key", "host_keys", "workers_key"]


def crawls_key(prefix: str) -> str:
    """Sorted set: crawl id -> submission time."""
    return f"{prefix}:crawls"


def workers_key(prefix: str) -> str:
    """Sorted set: worker id -> when it was last heard from (Redis server time)."""
    return f"{prefix}:workers"


def host_keys(prefix: str, host: str) -> tuple[str, str]:
    """A host's token bucket (hash) and its running requests (sorted set: lease -> expiry)."""
    return f"{prefix}:host:{host}", f"{prefix}:host:{host}:running"


@dataclass(frozen=True)
class CrawlKeys:
    prefix: str
    crawl_id: str

    @property
    def crawl(self) -> str:
        """Hash: what the crawl is (spider, arguments, settings), its state and counters."""
        return f"{self.prefix}:crawl:{self.crawl_id}"

    @property
    def requests(self) -> str:
        """scrapy-redis's priority queue (sorted set of encoded requests, score -priority)."""
        return f"{self.crawl}:requests"

    @property
    def redelivered(self) -> str:
        """Requests taken back from workers that stopped; popped before the others."""
        return f"{self.crawl}:redelivered"

    @property
    def dupefilter(self) -> str:
        """scrapy-redis's set of request fingerprints."""
        return f"{self.crawl}:dupefilter"

    @property
    def derived(self) -> str:
        """Set of (parent request, child fingerprint) pushed, for requests not dupe-filtered."""
        return f"{self.crawl}:derived"

    @property
    def inflight(self) -> str:
        """Hash: lease -> encoded request, for every request a worker holds."""
        return f"{self.crawl}:inflight"

    @property
    def owners(self) -> str:
        """Hash: lease -> ``worker<TAB>score``."""
        return f"{self.crawl}:owners"

    @property
    def robots(self) -> str:
        """Hash: host:port -> the robots.txt answer this crawl fetched once."""
        return f"{self.crawl}:robots"

    def robots_lock(self, netloc: str) -> str:
        return f"{self.crawl}:robots-lock:{netloc}"

    @property
    def seed_errors(self) -> str:
        return f"{self.crawl}:seed-errors"

    @property
    def seed_notes(self) -> str:
        return f"{self.crawl}:seed-notes"

    @property
    def unwritten(self) -> str:
        """List of JSON objects: captures the workers could not store."""
        return f"{self.crawl}:unwritten"

    def work_keys(self) -> list[str]:
        """The keys that hold work; deleted when the crawl ends."""
        return [
            self.requests,
            self.redelivered,
            self.dupefilter,
            self.derived,
            self.inflight,
            self.owners,
            self.robots,
        ]

    def report_keys(self) -> list[str]:
        """The keys the submitting command reads at the end; they expire with the crawl."""
        return [self.crawl, self.seed_errors, self.seed_notes, self.unwritten]
