"""Capture: what one fetch left behind (``exchange``), its WARC records and index row
(``records``), and the recorder thread that writes them durably (``recorder``).

The first stage of the flow. May import the glossary leaves, ``archive.warc``, ``archive.store``
and ``archive.index``; never ``text``, ``citations``, ``watch`` or the composition root.
"""

from __future__ import annotations

__all__: list[str] = []
