"""Text: extraction from stored records (``extraction/``), content-coding removal
(``decoding``), the stored responses the stage reads and its workers extract (``payloads``),
extraction keys that let an earlier extraction stand for a new one (``reuse``), the text stage
that runs beside the crawl and writes conversion records and the texts index (``stage``), and
sentence diffs between captures (``diff``).

May import the glossary leaves, ``warc``, ``store`` and ``index``; never ``citations``,
``watch``, the composition root or anything of Scrapy.
"""

from __future__ import annotations

__all__: list[str] = []
