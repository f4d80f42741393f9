"""Downloading with every byte recorded: the Scrapy download handler (``handler``), its
HTTP/1.1 connection pool (``connection``), the request bytes (``request_bytes``), permissive TLS
(``tls``), the crawl-wide recorder (``recorder_share``), capture context (``context``) and
conditional re-capture requests (``conditional``).

Imports Scrapy, Twisted and ``archive``; nothing else of ``crawler`` but ``settings_config``.
"""

from __future__ import annotations

__all__: list[str] = []
