"""Tables of the index (SQLAlchemy Core). The WARC files are the record; all of this is derived."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = [
    "audits",
    "captures",
    "changes",
    "crawls",
    "metadata",
    "runs",
    "text_queue",
    "texts",
    "warc_files",
    "watches",
    "webhook_outbox",
]

metadata = MetaData()

captures = Table(
    "captures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("crawl_id", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("surt", Text, nullable=False),
    Column("timestamp", String(14), nullable=False),
    Column("warc_date", String(32), nullable=False),
    Column("method", String(16), nullable=False, default="GET"),
    Column("status", Integer),
    Column("mime", String(255)),
    Column("payload_digest", String(80)),
    Column("warc", Text),
    Column("offset", BigInteger),
    Column("length", BigInteger),
    Column("record_id", String(64), unique=True),
    Column("record_type", String(16)),
    Column("truncated", String(16)),
    Column("error", Text),
    Column("ip", String(64)),
    Column("seed", Text),
    Column("hop_path", String(64)),
    Column("via", Text),
    Column("location", Text),
    Column("etag", Text),  # validators for the next conditional request
    Column("last_modified", Text),
    Column("refers_to", String(64)),  # revisits: record id of the original response
    Column("refers_to_date", String(32)),
    # Crawls on the shared frontier: the request this capture answers (one id per queued
    # request, kept when it is redelivered), and, when that request was already captured by
    # a worker that stopped before acknowledging it, the record id the crawl keeps.
    Column("request_id", String(64)),
    Column("duplicate_of", String(64)),
)
Index("ix_captures_surt_timestamp", captures.c.surt, captures.c.timestamp)
Index("ix_captures_crawl", captures.c.crawl_id)

crawls = Table(
    "crawls",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("started", String(32), nullable=False),
    Column("finished", String(32)),
    Column("seeds", Text, nullable=False),
    Column("result", Text),
)

warc_files = Table(
    "warc_files",
    metadata,
    Column("name", String(255), primary_key=True),
    Column("uri", Text, nullable=False),
    Column("crawl_id", String(64)),
    Column("size", BigInteger),
    Column("closed", String(32)),
    Column("state", String(16), nullable=False),
)

texts = Table(
    "texts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("capture_record_id", String(64), nullable=False),
    Column("conversion_record_id", String(64), unique=True),
    Column("url", Text, nullable=False),
    Column("surt", Text, nullable=False),
    Column("timestamp", String(14), nullable=False),
    Column("warc_date", String(32), nullable=False),
    Column("title", Text),
    Column("author", Text),
    Column("published", String(32)),
    Column("sitename", Text),
    Column("language", String(32)),
    Column("canonical_url", Text),
    Column("links", Text),  # JSON list of [href, anchor text]
    Column("encoding", String(32)),
    Column("extractor", String(64)),
    Column("extractor_version", String(32)),
    Column("options", Text),  # JSON
    Column("text", Text, nullable=False, default=""),
    Column("text_digest", String(80)),
    Column("error", Text),
    Column("extracted", String(32), nullable=False),
    Column("warc", Text),
    Column("offset", BigInteger),
    Column("length", BigInteger),
    Column("extraction_key", String(80)),  # archive.text.reuse: same input, same extractor
    Column("reused_from", String(64)),  # conversion record id the result was copied from
)
Index("ix_texts_capture", texts.c.capture_record_id)
Index("ix_texts_extraction_key", texts.c.extraction_key)
Index("ix_texts_surt_timestamp", texts.c.surt, texts.c.timestamp)

# Captures waiting for the text stage: recovered from a crash, or of a run whose text stage
# did not finish. The next text stage (prov archive, crawl, reextract) takes them.
text_queue = Table(
    "text_queue",
    metadata,
    Column("capture_record_id", String(64), primary_key=True),
    Column("queued", String(32), nullable=False),
)

audits = Table(
    "audits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started", String(32), nullable=False),
    Column("finished", String(32)),
    Column("scope", Text, nullable=False),  # "all", or the WARC names audited
    Column("result", String(16), nullable=False),  # ok | problems | error
    Column("files", Integer),
    Column("records", BigInteger),
    Column("rows", BigInteger),  # index rows (captures, texts) checked
    Column("bytes", BigInteger),
    Column("missing", Integer),
    Column("corrupt", Integer),
    Column("problems", Integer),
    Column("details", Text),  # JSON: the problems found (first 1000)
)

# Watched sources (``prov schedule``): what to re-capture and when; not derived from WARCs.
watches = Table(
    "watches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # url | article
    Column("url", Text, nullable=False),
    Column("cron", String(255)),  # a crontab expression, or
    Column("every_seconds", Integer),  # an interval
    Column("paused", Integer, nullable=False, default=0),
    Column("created", String(32), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch_id", Integer, nullable=False),
    Column("watch", String(64), nullable=False),
    Column("trigger", String(16), nullable=False),  # scheduler | cron | command
    Column("started", String(32), nullable=False),
    Column("finished", String(32)),
    Column("status", String(16), nullable=False),  # running | ok | failed | skipped | ...
    Column("exit_code", Integer),
    Column("crawl_id", String(64)),
    Column("pid", Integer),
    Column("host", String(255)),
    Column("message", Text),
)
Index("ix_runs_watch", runs.c.watch_id, runs.c.id)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch_id", Integer, nullable=False),
    Column("watch", String(64), nullable=False),
    Column("run_id", Integer),
    Column("url", Text, nullable=False),
    Column("time", String(32), nullable=False),  # WARC-Date form, when the check was made
    Column("kind", String(16), nullable=False),  # first|unchanged|changed|gone|back|error
    Column("state", String(8)),  # ok | gone (null for error: the state did not change)
    Column("reason", Text),
    Column("status", Integer),  # HTTP status of the capture checked
    Column("final_url", Text),  # after redirects
    Column("from_capture", String(64)),  # record ids
    Column("from_timestamp", String(14)),
    Column("to_capture", String(64)),
    Column("to_timestamp", String(14)),
    Column("content_capture", String(64)),  # the response holding to's content (revisits)
    Column("diff", Text),  # JSON
)
Index("ix_changes_watch_url", changes.c.watch_id, changes.c.url, changes.c.id)
Index("ix_changes_time", changes.c.time)

webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("change_id", Integer),
    Column("url", Text, nullable=False),
    Column("payload", Text, nullable=False),  # JSON
    Column("created", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt", String(32), nullable=False),
    Column("last_error", Text),
    Column("delivered", String(32)),
)
Index("ix_outbox_due", webhook_outbox.c.state, webhook_outbox.c.next_attempt)
