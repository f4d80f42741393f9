"""The ``articleBody`` a page declares in its JSON-LD (schema.org), for pages whose body the
browser renders with scripts.

Some publishers ship an almost empty body and the article as data: a South China Morning Post
opinion page of the shared corpus gives trafilatura nothing but a photo caption, while its
``application/ld+json`` block holds the whole text as an ``OpinionNewsArticle``'s
``articleBody``. ``html.extract_html`` uses it when it is at least ``BODY_FACTOR`` times longer
than what trafilatura found (and ``MIN_BODY_CHARS`` long); the text then has no links, since
JSON-LD gives none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

__all__ = ["BODY_FACTOR", "MIN_BODY_CHARS", "article_body", "ld_blocks"]

BODY_FACTOR = 2
MIN_BODY_CHARS = 500
_MAX_SCRIPT_CHARS = 2_000_000  # a JSON-LD block larger than this is not read


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in VALUE, ``@graph`` members and nested values included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


def _is_article(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(n, str) and ("Article" in n or n == "BlogPosting") for n in names)


def ld_blocks(tree: Any) -> list[str]:
    """The text of the page's JSON-LD blocks, unparsed (read before trafilatura cleans the
    tree; parsed only when the page needs them)."""
    return [
        raw
        for script in tree.iterfind(".//script")
        if (script.get("type") or "").strip().lower() == "application/ld+json"
        and (raw := script.text or "").strip()
        and len(raw) <= _MAX_SCRIPT_CHARS
    ]


def article_body(blocks: list[str], at_least: int = 0) -> str | None:
    """The longest ``articleBody`` of an article in the JSON-LD BLOCKS, white space collapsed
    within its lines; None when there is none. Blocks shorter than AT_LEAST characters are
    not parsed (a body is never longer than the JSON text that holds it)."""
    best: str | None = None
    for raw in blocks:
        if len(raw) < at_least:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue  # a broken block is the page's problem, not the extraction's
        for item in _objects(data):
            body = item.get("articleBody")
            if isinstance(body, str) and _is_article(item) and len(body) > len(best or ""):
                best = body
    if best is None:
        return None
    lines = (" ".join(line.split()) for line in best.splitlines())
    text = "\n".join(line for line in lines if line)
    return text or None
