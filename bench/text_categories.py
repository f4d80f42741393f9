"""Categories of the text stage's CPU for ``profile_prov.py --tool prov+text``.

A sample of the text stage is one taken in a worker process of its pool, or in one of the
threads that feed the pool and write its results in the prov process (``prov-text``, the
executor's manager and queue feeder threads). It goes to the category of its innermost frame
that a rule claims; ``None`` for a sample of the crawl (categorized as before).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class _Frame(Protocol):
    func: str
    path: str


def _path(*fragments: str) -> Callable[[_Frame], bool]:
    return lambda f: any(fragment in f.path for fragment in fragments)


def _func(*names: str) -> Callable[[_Frame], bool]:
    """Frames of these functions (or methods: py-spy names them ``Class.name``)."""
    return lambda f: f.func.rpartition(".")[2] in names


TEXT_THREADS = ("prov-text", "text worker", "QueueFeederThread")
# The step a sample is in: its innermost frame that is one of these functions...
TEXT_STEPS: list[tuple[str, Callable[[_Frame], bool]]] = [
    ("text: record read (ranged read, headers)", _func("read_response")),
    ("text: record inflate and HTTP parse (worker)", _func("parse_record", "http_response")),
    ("text: content decoding (gzip, br)", _func("decode_content")),
    ("text: charset detection", _func("detect_encoding", "meta_charset", "header_charset")),
    ("text: bytes to str (declared charset)", _func("decode_html")),
    ("text: HTML parse (lxml, once)", _func("load_html")),
    ("text: our links, canonical, language", _func("_absolute_links", "_language")),
    ("text: our links, canonical, language", _func("_canonical", "_links")),
    ("text: our text rendering and anchors", _func("render_text", "_collapse_space")),
    ("text: fast-first escalation test (html2txt)", _func("_cut_short")),
    ("text: trafilatura metadata (htmldate, author, ...)", _func("page_metadata")),
    ("text: trafilatura fallback (readability, jusText)", _func("compare_extraction")),
    ("text: trafilatura main extraction", _func("bare_extraction", "_bare_extraction")),
    ("text: PDF (pypdf)", _func("extract_pdf")),
    ("text: our extraction glue (checks, Extraction)", _func("extract_html", "extract")),
    ("text: reuse lookup", _func("extraction_key", "reusable", "_stored_extraction")),
    ("text: index and full-text insert (batched)", _func("_commit")),
    ("text: conversion record (JSON, gzip, write)", _func("_finish")),
]
# ... else its innermost frame in one of these places.
TEXT_PLACES: list[tuple[str, Callable[[_Frame], bool]]] = [
    ("text: charset detection", _path("charset_normalizer/")),
    ("text: process-pool transfer (pickle, pipes)", _path("multiprocessing/", "concurrent/")),
]


def text_category(thread: str, frames: list[_Frame]) -> str | None:
    """The text stage's category of a sample of THREAD (None: not the text stage's)."""
    if not thread.startswith(TEXT_THREADS) and not _executor_thread(thread, frames):
        return None
    if any("importlib" in f.path for f in frames):
        return "text: worker start (imports)"
    for rules in (TEXT_STEPS, TEXT_PLACES):
        for frame in reversed(frames):
            for name, claims in rules:
                if claims(frame):
                    return name
    return "text: other (stage loop, stdlib)"


def _executor_thread(thread: str, frames: list[_Frame]) -> bool:
    return thread.startswith("Thread-") and any("concurrent/futures" in f.path for f in frames)
