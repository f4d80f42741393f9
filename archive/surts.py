"""SURT keys, computed by the same ``surt`` library pywb and cdxj-indexer use."""

from __future__ import annotations

import surt as _surt

__all__ = ["surt_of"]


def surt_of(url: str) -> str:
    key: str = _surt.surt(url)
    return key
