"""Watching sources: change detection between captures (``changes``), claim re-checks of
article watches (``claims``), notifications and the webhook outbox (``notify``) and the
per-watch lock (``lock``).

The last stage of the flow: may import every earlier stage (``index``, ``text``,
``citations``) and the leaves; never the composition root.
"""

from __future__ import annotations

__all__: list[str] = []
