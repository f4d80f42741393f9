"""Crawl context of a request, as recorded in each capture's metadata record.

Hop paths use Heritrix's letters: L a followed link, R a redirect, E an embedded resource
(``--requisites``), P a prerequisite (robots.txt). The spider sets ``prov_seed``,
``prov_hops`` and ``prov_via`` in ``Request.meta``; redirects are read from Scrapy's
``redirect_urls``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request

__all__ = ["capture_context"]


def capture_context(request: Request) -> dict[str, str]:
    meta = request.meta
    hops: str = meta.get("prov_hops", "")
    if meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == "/robots.txt":
        hops += "P"
    redirects: list[str] = meta.get("redirect_urls") or []
    hops += "R" * len(redirects)
    via = redirects[-1] if redirects else meta.get("prov_via", "")
    return {"seed": meta.get("prov_seed") or request.url, "hop-path": hops, "via": via or ""}
