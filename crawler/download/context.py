"""Crawl context of a request, as recorded in each capture's metadata record.

Hop paths use Heritrix's letters: L a followed link, R a redirect, E an embedded resource
(``--requisites``), P a prerequisite (robots.txt). The spider sets ``prov_seed``,
``prov_hops`` and ``prov_via`` in ``Request.meta``; redirects are read from Scrapy's
``redirect_urls``. A request of a crawl on the shared frontier also names its request id
(and, when it was redelivered, its delivery).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request

__all__ = ["DELIVERY", "REQUEST_ID", "capture_context"]

REQUEST_ID = "frontier_request"  # meta: the id of a request of a crawl on the shared frontier
DELIVERY = "frontier_delivery"  # meta: 2 for a request redelivered after its worker stopped


def capture_context(request: Request) -> dict[str, str]:
    meta = request.meta
    hops: str = meta.get("prov_hops", "")
    if meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == "/robots.txt":
        hops += "P"
    redirects: list[str] = meta.get("redirect_urls") or []
    hops += "R" * len(redirects)
    via = redirects[-1] if redirects else meta.get("prov_via", "")
    context = {"seed": meta.get("prov_seed") or request.url, "hop-path": hops, "via": via or ""}
    if meta.get(REQUEST_ID):  # a request of a crawl on the shared frontier
        context["frontier-request"] = str(meta[REQUEST_ID])
        if meta.get(DELIVERY):
            context["frontier-delivery"] = str(meta[DELIVERY])
    return context
