"""The citation graph of an article drawn as SVG on the server (no script, no CDN).

The article is on the left, each cited source on the right in the order of the graph (sources
found at depth 2 one column further), joined by an edge coloured by the source's status and
labelled with how it was found and how many claims it backs.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

__all__ = ["graph_svg"]

ROW = 46
BOX_W, BOX_H = 300, 34
COLUMN_X = (20, 420, 780)
COLOURS = {
    "captured": "#2e7d32",
    "redirected": "#1565c0",
    "gone": "#c62828",
    "failed": "#c62828",
    "pending": "#757575",
}


def _short(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _box(x: int, y: int, title: str, subtitle: str, colour: str) -> str:
    return (
        f'<g class="node"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
        f'fill="#fff" stroke="{colour}" stroke-width="2"/>'
        f'<text x="{x + 8}" y="{y + 14}" font-size="12" font-weight="bold">'
        f"{escape(_short(title))}</text>"
        f'<text x="{x + 8}" y="{y + 28}" font-size="10" fill="#555">'
        f"{escape(_short(subtitle, 50))}</text></g>"
    )


def graph_svg(graph: dict[str, Any]) -> str:
    """An ``<svg>`` element for the ``prov sources --json`` GRAPH."""
    sources = graph.get("sources", [])
    backed = Counter(c.get("cited_url") for c in graph.get("claims", []))
    height = max(1, len(sources)) * ROW + 40
    width = COLUMN_X[-1] + BOX_W + 20 if any(s.get("depth", 1) > 1 for s in sources) else 760
    article = graph["article"]
    article_y = height // 2 - BOX_H // 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="citation-graph" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif"><title>Citation graph of {escape(article["url"])}</title>',
        _box(COLUMN_X[0], article_y, article.get("title") or article["url"], article["url"],
             "#333"),
    ]
    positions: dict[str, tuple[int, int]] = {article["url"]: (COLUMN_X[0], article_y)}
    for row, source in enumerate(sources):
        column = COLUMN_X[min(source.get("depth", 1), 2)]
        y = 20 + row * ROW
        colour = COLOURS.get(source["status"], "#757575")
        start = positions.get(source.get("cited_by") or "", positions[article["url"]])
        x1, y1 = start[0] + BOX_W, start[1] + BOX_H // 2
        claims = backed.get(source["url"], 0)
        label = f"{source['found_by']}" + (f", {claims} claim{'s' * (claims != 1)}" if claims
                                           else "")
        parts.append(
            f'<path d="M{x1},{y1} C{x1 + 50},{y1} {column - 50},{y + BOX_H // 2} '
            f'{column},{y + BOX_H // 2}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
            f'<text x="{column - 6}" y="{y + BOX_H // 2 - 4}" font-size="10" '
            f'text-anchor="end" fill="{colour}">{escape(label)}</text>'
        )
        title = source.get("title") or source.get("source_name") or source["url"]
        parts.append(_box(column, y, title, f"{source['status']}: {source['url']}", colour))
        positions.setdefault(source["url"], (column, y))
    parts.append("</svg>")
    return "".join(parts)
