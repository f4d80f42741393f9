"""Where each link of the main text is: its anchor's offsets in the rendered plain text.

Finding an anchor by searching its words in the text is wrong whenever the same words occur
unlinked earlier ("said in a statement" twice, only the second linked). So the offsets come
from the rendering itself: every ``<ref>`` of trafilatura's main-content tree is wrapped in two
marker characters, the tree is rendered as the plain text is, and the markers' positions are
read off and removed. trafilatura's whitespace clean-up may render a marked tree with a space
or line break more or less than the plain one; offsets are then carried over to the plain text
by walking both strings together, which only whitespace may tell apart. Anything else (a page
that holds the marker characters itself, a renderer that dropped a marker) gives no offsets,
and callers fall back to searching.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from trafilatura.xml import xmltotxt

from archive.text.extraction.model import Anchor

__all__ = ["locate_anchors"]

_OPEN, _CLOSE = "\u27e6", "\u27e7"  # mathematical white square brackets: rare in prose
_etree: Any = etree


def _http(href: str | None) -> bool:
    try:
        return bool(href) and urlsplit(href or "").scheme.lower() in ("http", "https")
    except ValueError:
        return False


def _marked_render(body: Any, formatting: bool) -> tuple[str, list[str]] | None:
    marked = deepcopy(body)
    hrefs: list[str] = []
    for ref in marked.iter("ref"):
        hrefs.append(ref.get("target") or "")
        ref.text = _OPEN + (ref.text or "")
        if len(ref):
            ref[-1].tail = (ref[-1].tail or "") + _CLOSE
        else:
            ref.text += _CLOSE
    _etree.strip_tags(marked, "ref")
    rendered = str(xmltotxt(marked, formatting)).strip()
    if rendered.count(_OPEN) != len(hrefs) or rendered.count(_CLOSE) != len(hrefs):
        return None
    return rendered, hrefs


def _unmark(rendered: str) -> tuple[str, list[tuple[int, int]]] | None:
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for char in rendered:
        if char == _OPEN:
            if opened is not None:
                return None
            opened = len(out)
        elif char == _CLOSE:
            if opened is None:
                return None
            spans.append((opened, len(out)))
            opened = None
        else:
            out.append(char)
    return "".join(out), spans


def _carry(source: str, target: str) -> list[int] | None:
    """Offset map ``source`` -> ``target`` for strings that differ only in whitespace."""
    mapping = [0] * (len(source) + 1)
    i = j = 0
    while i < len(source):
        if j < len(target) and source[i] == target[j]:
            mapping[i] = j
            i, j = i + 1, j + 1
        elif source[i].isspace():
            mapping[i] = j
            i += 1
        elif j < len(target) and target[j].isspace():
            j += 1
        else:
            return None
    if target[j:].strip():
        return None
    mapping[len(source)] = j
    return mapping


def locate_anchors(body: Any, text: str, formatting: bool = False) -> tuple[Anchor, ...] | None:
    """Every http(s) link of the main-content tree BODY with its anchor's ``[start, end)`` in
    TEXT (the plain rendering of BODY), in document order; None when they cannot be read off."""
    marked = _marked_render(body, formatting)
    if marked is None:
        return None
    unmarked = _unmark(marked[0])
    if unmarked is None:
        return None
    rendered, spans = unmarked
    if rendered == text:
        placed = spans
    else:
        mapping = _carry(rendered, text)
        if mapping is None:
            return None
        placed = [(mapping[start], mapping[end]) for start, end in spans]
    anchors: list[Anchor] = []
    for href, (start, end) in zip(marked[1], placed, strict=True):
        if _http(href):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            anchors.append((href, start, end))
    return tuple(anchors)
