"""A spider's ``seed_errors`` and ``seed_notes`` in a worker: what the index cannot say about a
seed (a robots.txt refusal, a body too large to decode), written to the crawl's record in
Redis for the submitting command. A note that cannot be written now waits here; the
scheduler writes it before it acknowledges any request."""

from __future__ import annotations

from archive.frontier.client import FrontierUnavailable
from crawler.frontier.process import FrontierProcess

__all__ = ["CrawlNotes"]


class CrawlNotes(dict[str, str]):
    def __init__(self, frontier: FrontierProcess, crawl_id: str, *, error: bool) -> None:
        super().__init__()
        self.frontier = frontier
        self.crawl_id = crawl_id
        self.error = error
        self.pending: list[tuple[str, str]] = []

    def __setitem__(self, seed: str, message: str) -> None:
        super().__setitem__(seed, message)
        self.pending.append((seed, message))
        try:
            self.flush()
        except FrontierUnavailable as exc:  # written before the next acknowledgement
            self.frontier.count("frontier/notes_waiting")
            self.frontier.gate.last_error = str(exc)

    def flush(self) -> None:
        """Write the waiting notes; raises FrontierUnavailable if Redis is away."""
        board = self.frontier.board
        while self.pending:
            seed, message = self.pending[0]
            self.frontier.gate.call(board.note_seed, self.crawl_id, seed, message, error=self.error)
            self.pending.pop(0)
