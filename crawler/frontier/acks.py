"""Which leased requests are over, and which of those may be acknowledged.

A request is over when its callback's output was all scheduled (or its errback ran, or the
downloader turned it into another request: a redirect, a retry). Its capture is then handed
to the recorder, but maybe not yet indexed; it is acknowledged only once the recorder has
settled every exchange handed in before that moment, so a lease never ends before the
capture it stands for is in the index.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy import Request

__all__ = ["AckBook", "Held"]


@dataclass
class Held:
    request: Request
    mark: int | None = None  # the recorder's ``recorded`` when the request was over
    counter: str = ""  # done | failed | '' (a retry: the request goes on as another)


class AckBook:
    def __init__(self) -> None:
        self.held: dict[str, Held] = {}

    def __len__(self) -> int:
        return len(self.held)

    def __contains__(self, lease: object) -> bool:
        return lease in self.held

    def hand_out(self, lease: str, request: Request) -> None:
        self.held[lease] = Held(request)

    def over(self, lease: str, counter: str, mark: int) -> bool:
        """Note that LEASE's request is over (the first word counts); False if unknown."""
        held = self.held.get(lease)
        if held is None or held.mark is not None:
            return False
        held.mark, held.counter = mark, counter
        return True

    def ready(self, settled: int) -> list[tuple[str, str]]:
        """(lease, counter) of the requests over whose captures are all settled."""
        return [
            (lease, held.counter)
            for lease, held in self.held.items()
            if held.mark is not None and held.mark <= settled
        ]

    def forget(self, leases: list[str]) -> None:
        for lease in leases:
            self.held.pop(lease, None)

    def open_leases(self) -> list[str]:
        """Leases of requests not over yet."""
        return [lease for lease, held in self.held.items() if held.mark is None]

    def waiting(self) -> int:
        """Requests over whose leases have not ended yet."""
        return sum(1 for held in self.held.values() if held.mark is not None)
