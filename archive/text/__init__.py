"""Text: extraction from stored records (``extraction/``), content-coding removal
(``decoding``), the text stage that writes conversion records and the texts index (``stage``),
and sentence diffs between captures (``diff``).

May import the glossary leaves, ``warc``, ``store`` and ``index``; never ``citations``,
``watch``, the composition root or anything of Scrapy.
"""

from __future__ import annotations

__all__: list[str] = []
