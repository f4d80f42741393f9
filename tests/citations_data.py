"""Real article text for the citation tests: corpus pages extracted once per test session."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from archive.text.extraction import Extraction, extract


def corpus_dir() -> Path:
    """$PROV_CORPUS_DIR, else ``<repo>/../shared/corpus``."""
    configured = os.environ.get("PROV_CORPUS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "corpus"


@cache
def _manifest() -> dict[str, dict[str, object]]:
    pages = json.loads((corpus_dir() / "manifest.json").read_text(encoding="utf-8"))["pages"]
    return {page["file"]: page for page in pages}


def page_url(number: int) -> str:
    """The page's original URL (its canonical URL when the corpus did not record one)."""
    page = _manifest()[f"{number:03d}.html"]
    return str(page.get("original_url") or page.get("url_from_page"))


@cache
def article(number: int) -> Extraction:
    """Corpus page ``number`` extracted as prov extracts it."""
    body = (corpus_dir() / f"{number:03d}.html").read_bytes()
    extraction = extract(body, page_url(number), "text/html")
    assert extraction.ok, extraction.error
    return extraction
