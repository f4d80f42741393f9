"""Notifications of changes: a log line each, and a webhook POST through an outbox.

Every change of kind changed, gone or back is logged, and with ``PROV_WEBHOOK_URL`` set it is
also queued in the ``webhook_outbox`` table in the same breath. Delivery happens after the
crawl, with a timeout per request; a failure (refused, timeout, non-2xx) leaves the row pending
with the next attempt pushed back exponentially, and the next run or scheduler tick tries
again. A crawl never waits on a webhook. Delivery is at least once: the payload carries the
change ``id`` for receivers that want to drop repeats. The options (``PROV_WEBHOOK_*``) are
read with the rest of the configuration: :class:`archive.config.WebhookOptions`.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update

from archive.config import WebhookOptions
from archive.index.changes import change_json
from archive.index.schema import webhook_outbox
from archive.timestamps import utcnow, warc_date
from archive.watch.changes import NOTIFIED_KINDS

__all__ = ["FlushResult", "Notifier", "change_line"]

logger = logging.getLogger("prov.changes")
MAX_BACKOFF = 6 * 3600.0
USER_AGENT = "prov/0.1 (source-provenance archiver; change webhook)"


@dataclass
class FlushResult:
    delivered: int = 0
    failed: int = 0  # attempts that failed in this flush
    given_up: int = 0  # rows marked failed for good
    errors: list[str] = field(default_factory=list)


def change_line(change: dict[str, Any]) -> str:
    reason = f": {change['reason']}" if change.get("reason") else ""
    return f"prov: change: {change['kind']}: {change['url']} (watch {change['watch']}){reason}"


def _post(url: str, payload: bytes, timeout: float, authorization: str | None) -> None:
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(url, data=payload, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # http(s): config
        answer.read(65536)


class Notifier:
    def __init__(
        self,
        engine: Engine,
        options: WebhookOptions,
        log: Callable[[str], None] | None = None,
        post: Callable[[str, bytes, float, str | None], None] = _post,
    ) -> None:
        self.engine = engine
        self.options = options
        self.log = log
        self.post = post

    def notify(self, change: dict[str, Any]) -> bool:
        """Log CHANGE and queue its webhook; False for kinds nobody is told about."""
        if change["kind"] not in NOTIFIED_KINDS:
            return False
        line = change_line(change)
        logger.info(line)
        if self.log is not None:
            self.log(line)
        if self.options.url is None:
            return True
        payload = {"event": "prov.change", "change": change_json(change)}
        now = warc_date(utcnow())
        with self.engine.begin() as conn:
            conn.execute(
                insert(webhook_outbox).values(
                    change_id=change.get("id"),
                    url=self.options.url,
                    payload=json.dumps(payload, ensure_ascii=False),
                    created=now,
                    state="pending",
                    attempts=0,
                    next_attempt=now,
                )
            )
        return True

    def _claim(self, row_id: int, seen: str, lease: float) -> bool:
        until = warc_date(utcnow() + timedelta(seconds=lease))
        with self.engine.begin() as conn:
            done = conn.execute(
                update(webhook_outbox)
                .where(
                    webhook_outbox.c.id == row_id,
                    webhook_outbox.c.state == "pending",
                    webhook_outbox.c.next_attempt == seen,
                )
                .values(next_attempt=until)
            )
        return done.rowcount == 1

    def flush(self, budget: float = 30.0, limit: int = 200) -> FlushResult:
        """Deliver due rows, oldest first, for at most BUDGET seconds. The first failure ends
        the flush: the endpoint is down, the others wait for the next one."""
        result = FlushResult()
        deadline = time.monotonic() + budget
        query = (
            select(webhook_outbox)
            .where(webhook_outbox.c.state == "pending")
            .where(webhook_outbox.c.next_attempt <= warc_date(utcnow()))
            .order_by(webhook_outbox.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            due = [dict(r._mapping) for r in conn.execute(query)]
        for row in due:
            if time.monotonic() >= deadline:
                break
            if not self._claim(row["id"], row["next_attempt"], self.options.timeout + 60):
                continue  # another process is delivering it
            try:
                payload = row["payload"].encode()
                self.post(row["url"], payload, self.options.timeout, self._auth(row))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self._failed(row, exc, result)
                break
            with self.engine.begin() as conn:
                conn.execute(
                    update(webhook_outbox)
                    .where(webhook_outbox.c.id == row["id"])
                    .values(
                        state="delivered",
                        attempts=row["attempts"] + 1,
                        delivered=warc_date(utcnow()),
                        last_error=None,
                    )
                )
            result.delivered += 1
        return result

    def _auth(self, row: dict[str, Any]) -> str | None:
        """The configured credentials, for rows queued for the configured URL only."""
        return self.options.authorization if row["url"] == self.options.url else None

    def _failed(self, row: dict[str, Any], exc: Exception, result: FlushResult) -> None:
        attempts = row["attempts"] + 1
        error = f"{type(exc).__name__}: {exc}"[:500]
        wait = min(MAX_BACKOFF, self.options.retry * 2 ** (attempts - 1))
        given_up = attempts >= self.options.max_attempts
        with self.engine.begin() as conn:
            conn.execute(
                update(webhook_outbox)
                .where(webhook_outbox.c.id == row["id"])
                .values(
                    state="failed" if given_up else "pending",
                    attempts=attempts,
                    last_error=error,
                    next_attempt=warc_date(utcnow() + timedelta(seconds=wait)),
                )
            )
        result.failed += 1
        result.given_up += int(given_up)
        what = "gave up" if given_up else f"retry in {wait:.0f} s"
        message = f"prov: webhook: {row['url']}: {error} (attempt {attempts}, {what})"
        result.errors.append(message)
        logger.warning(message)
        if self.log is not None:
            self.log(message)

    def pending(self) -> list[dict[str, Any]]:
        query = select(webhook_outbox).where(webhook_outbox.c.state != "delivered")
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(webhook_outbox.c.id))]
