"""Plain text of trafilatura's main-content tree, and where each link's anchor is in it.

Finding an anchor by searching its words in the text is wrong whenever the same words occur
unlinked earlier ("said in a statement" twice, only the second linked). So the offsets come
from the rendering itself: every ``<ref>`` of the tree is wrapped in two marker characters,
the tree is rendered as the plain text is, and the markers' positions are read off. The markers
are then taken out of the same tree (no copy of it is made) and the tree is rendered again:
that is the plain text. trafilatura's whitespace clean-up may render a marked tree with a space
or line break more or less than the plain one; offsets are then carried over to the plain text
by walking both strings together, which only whitespace may tell apart. Anything else (a page
that holds the marker characters itself, a renderer that dropped a marker) gives no offsets,
and callers fall back to searching.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from trafilatura.xml import xmltotxt

from archive.text.extraction.model import Anchor

__all__ = ["render_text"]

_OPEN, _CLOSE = "\u27e6", "\u27e7"  # mathematical white square brackets: rare in prose
_MARKER = re.compile(f"[{_OPEN}{_CLOSE}]")
_LINE_EDGES = re.compile(r"[ \t]*\n[ \t]*")
_etree: Any = etree


def _http(href: str | None) -> bool:
    try:
        return bool(href) and urlsplit(href or "").scheme.lower() in ("http", "https")
    except ValueError:
        return False


def _holds_markers(body: Any) -> bool:
    return any(_MARKER.search(text) for text in body.itertext())


def _mark(body: Any) -> list[str]:
    """Wrap every ``<ref>`` of BODY in the markers, in place; returns their targets in order."""
    hrefs: list[str] = []
    for ref in body.iter("ref"):
        hrefs.append(ref.get("target") or "")
        ref.text = _OPEN + (ref.text or "")
        if len(ref):
            ref[-1].tail = (ref[-1].tail or "") + _CLOSE
        else:
            ref.text += _CLOSE
    return hrefs


def _unmark_tree(body: Any) -> None:
    for element in body.iter():
        if element.text and _MARKER.search(element.text):
            element.text = _MARKER.sub("", element.text) or None
        if element.tail and _MARKER.search(element.tail):
            element.tail = _MARKER.sub("", element.tail) or None


def _unmark(rendered: str) -> tuple[str, list[tuple[int, int]]] | None:
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for count, match in enumerate(_MARKER.finditer(rendered)):
        at = match.start() - count  # its offset once the markers before it are gone
        if match.group() == _OPEN:
            if opened is not None:
                return None
            opened = at
        else:
            if opened is None:
                return None
            spans.append((opened, at))
            opened = None
    if opened is not None:
        return None
    return _MARKER.sub("", rendered), spans


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


def _anchors(
    marked: str, hrefs: list[str], text: str
) -> tuple[Anchor, ...] | None:
    if marked.count(_OPEN) != len(hrefs) or marked.count(_CLOSE) != len(hrefs):
        return None
    unmarked = _unmark(marked)
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
    for href, (start, end) in zip(hrefs, placed, strict=True):
        if _http(href):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            anchors.append((href, start, end))
    return tuple(anchors)


def render_text(body: Any, formatting: bool = False) -> tuple[str, tuple[Anchor, ...] | None]:
    """The plain text of the main-content tree BODY (links unwrapped) and every http(s) link
    occurrence with its anchor's ``[start, end)`` in that text, in document order (None when
    they cannot be read off). BODY is changed in place: its ``<ref>`` elements are stripped."""
    hrefs = None if _holds_markers(body) else _mark(body)
    _etree.strip_tags(body, "ref")
    marked = str(xmltotxt(body, formatting)).strip() if hrefs is not None else ""
    if hrefs is not None:
        _unmark_tree(body)
    text = _LINE_EDGES.sub("\n", str(xmltotxt(body, formatting))).strip()
    return text, None if hrefs is None else _anchors(marked, hrefs, text)
