"""Change detection for a watched URL after a run: unchanged, changed, gone, back.

Works from the index alone: the captures a run made (its redirect chain for the URL) and the
``texts`` table. Content is compared as extracted MAIN text, sentence by sentence with
whitespace collapsed (``archive.text.diff``), so template changes (menus, "most viewed" boxes,
ads) that the extractor leaves out do not count. A revisit record has the content of the
capture it refers to. Without text (images, failed extractions) the payload digest decides.

Kinds: ``first`` (nothing to compare with yet), ``unchanged``, ``changed`` (with the sentence
diff), ``gone`` (404, 410, 451, no response, a redirect to the site's home page, or a soft 404:
a 200 whose main text is tiny or says "not found" and shares no sentence with before),
``back`` (was gone, is there again) and ``error`` (the check could not decide: a 5xx, a 403,
robots.txt forbade the fetch; the state stays what it was).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from archive.index.changes import ChangeIndex, TextOf
from archive.index.rows import Capture, redirect_chain
from archive.index.watches import Watch
from archive.text.diff import diff_texts, sentences
from archive.timestamps import utcnow, warc_date

__all__ = [
    "NOTIFIED_KINDS",
    "Observation",
    "check_for_change",
    "is_home_page",
    "observe",
    "soft_404",
]

GONE_STATUSES = frozenset({404, 410, 451})
NOTIFIED_KINDS = frozenset({"changed", "gone", "back", "claim_lost", "claim_back"})
TINY_WORDS = 30  # main text this short, and sharing nothing with before: a soft 404
NOT_FOUND_MAX_WORDS = 150  # longer texts that mention "not found" are articles, not error pages
HOME_PATHS = frozenset({"", "/index.html", "/index.htm", "/index.php", "/home", "/default.aspx"})
_LANGUAGE_ROOT = re.compile(r"^/[a-z]{2}(-[a-z]{2})?$")
NOT_FOUND = re.compile(
    r"\b404\b|\bnot\s+found\b|\b(could|can)(n['\u2019]?t|\s+not)\s+(be\s+)?f(i|ou)nd\b"
    r"|\bno\s+longer\s+(available|exists?)\b|\b(does|do)(n['\u2019]t|\s+not)\s+exist\b"
    r"|\bpage\s+(you|you're|you\s+are)\s+(requested|looking\s+for|tried)\b"
    r"|\b(has|have)\s+been\s+(removed|deleted)\b|\bmoved\s+or\s+deleted\b"
    r"|\bpage\s+(is\s+)?unavailable\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Observation:
    """What one run saw at a watched URL."""

    url: str
    state: str  # ok | gone | error
    reason: str | None
    capture: Capture | None  # the last capture of the redirect chain
    content_id: str | None = None  # record id of the response holding the content
    text: TextOf | None = None


def is_home_page(url: str) -> bool:
    """A site's front page: ``/``, ``/index.html``, ``/home``, ``/en``... with no query
    (``/?p=123`` is a WordPress article)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/").lower()
    return not parts.query and (path in HOME_PATHS or bool(_LANGUAGE_ROOT.match(path)))


def observe(
    index: ChangeIndex, url: str, captures: Sequence[Capture], seed: bool = True
) -> Observation:
    chain = redirect_chain(captures, url, seed)
    if not chain:
        return Observation(url, "error", "not captured (robots.txt, or the crawl failed)", None)
    final = chain[-1]
    if final.status is None:
        return Observation(url, "gone", f"no response: {final.error or 'unknown'}", final)
    if final.status in GONE_STATUSES:
        return Observation(url, "gone", f"HTTP {final.status}", final)
    if len(chain) > 1 and is_home_page(final.url) and not is_home_page(url):
        return Observation(url, "gone", f"redirected to the home page {final.url}", final)
    if final.status == 304 or 200 <= final.status < 300:
        content = final.refers_to or (final.record_id if final.record_type == "response" else None)
        return Observation(url, "ok", None, final, content, index.text_of(content))
    if 300 <= final.status < 400:
        return Observation(url, "error", f"HTTP {final.status}: redirect not followed", final)
    return Observation(url, "error", f"HTTP {final.status}", final)


def _words(text: TextOf) -> int:
    return len((text.text or "").split())


def soft_404(now: TextOf | None, before: TextOf | None) -> str | None:
    """Why a 200 is really a "not found" page, or None."""
    if now is None or now.text is None:
        return None
    words = _words(now)
    says = words <= NOT_FOUND_MAX_WORDS and bool(
        NOT_FOUND.search(now.text) or NOT_FOUND.search(now.title or "")
    )
    tiny = words < TINY_WORDS
    if not (says or tiny):
        return None
    if before is None or not before.text:
        return "soft 404: the page says it is not found" if says else None
    old = {s.casefold() for s in sentences(before.text)}
    if any(s.casefold() in old for s in sentences(now.text)):
        return None  # shares text with before: an edit, not an error page
    if says:
        return "soft 404: the page says it is not found, and shares no text with before"
    return f"soft 404: {words} words of main text left, none of them from before"


def _compare(
    before_id: str | None, before: TextOf | None, obs: Observation, before_digest: str | None
) -> tuple[str, str | None, list[dict[str, object]] | None]:
    """(kind, reason, diff) between the last content seen and OBS (both there)."""
    if obs.content_id is not None and obs.content_id == before_id:
        return "unchanged", "revisit of the same capture", None
    if obs.capture is not None and obs.capture.status == 304 and obs.content_id is None:
        return "unchanged", "304 Not Modified", None
    if before and obs.text and before.text is not None and obs.text.text is not None:
        changes = diff_texts(before.text, obs.text.text)
        if not changes:
            return "unchanged", None, None
        count = sum(max(len(c.old), len(c.new)) for c in changes)
        what = "1 sentence differs" if count == 1 else f"{count} sentences differ"
        return "changed", what, [c.to_json() for c in changes]
    digest = obs.capture.payload_digest if obs.capture else None
    if digest is not None and digest == before_digest:
        return "unchanged", "same payload (no text to compare)", None
    return "changed", "payload changed (no text to compare)", None


def check_for_change(
    index: ChangeIndex,
    watch: Watch,
    url: str,
    captures: Sequence[Capture],
    run_id: int | None,
    seed: bool = True,
) -> dict[str, Any]:
    """Observe URL in this run's CAPTURES, judge it against the last checks, store the row.
    SEED: URL was the crawl's seed (else a source a citation crawl reached)."""
    obs = observe(index, url, captures, seed)
    last = index.last_check(watch.id, url)
    last_ok = last if last.get("state") == "ok" else index.last_check(watch.id, url, ok_only=True)
    before_id = last_ok.get("content_capture")
    before = index.text_of(before_id)
    state: str | None = obs.state
    reason = obs.reason
    kind: str
    diff: list[dict[str, object]] | None = None
    if state == "ok" and (why := soft_404(obs.text, before)):
        state, reason = "gone", why
    if state == "error":
        kind, state = "error", None
    elif not last:
        kind = "first" if state == "ok" else "gone"
    elif state == "gone":
        kind = "gone" if last["state"] == "ok" else "unchanged"
        reason = reason if kind == "gone" else f"still gone: {reason}"
    else:
        before_digest = index.payload_digest_of(before_id)
        kind, reason, diff = _compare(before_id, before, obs, before_digest)
        if last["state"] == "gone":
            kind = "back"
            reason = "there again" + (f"; {reason}" if reason and diff else "")
    final = obs.capture
    row = {
        "watch_id": watch.id,
        "watch": watch.name,
        "run_id": run_id,
        "url": url,
        "time": warc_date(utcnow()),
        "kind": kind,
        "state": state,
        "reason": reason,
        "status": final.status if final else None,
        "final_url": final.url if final else None,
        "from_capture": last.get("to_capture"),
        "from_timestamp": last.get("to_timestamp"),
        "to_capture": final.record_id if final else None,
        "to_timestamp": final.timestamp if final else None,
        "content_capture": obs.content_id if state == "ok" else None,
        "diff": diff,
    }
    return index.add(row)

