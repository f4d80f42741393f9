"""Scrapy's robots.txt middleware, where a spider's own request for a host's robots.txt is the
host's robots fetch.

Discovery reads a publisher's ``robots.txt`` for its ``Sitemap:`` lines (``named_sources``).
With Scrapy's middleware that request first made the middleware fetch the same file for its
rules, so every publisher saw two requests for it. Here the spider's request, when it comes
before any rules of its host are known, is let through (robots.txt itself is always allowed)
and its response gives the rules; requests to the host meanwhile wait for them as they wait
for Scrapy's own fetch. A redirect of that request stays the same fetch. A request to a host
whose rules are known or being fetched goes the usual way.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

__all__ = ["RobotsTxtOnceMiddleware"]

_FETCH = "prov_robots_fetch"  # meta: the netloc whose rules this request's response gives


def _robots_of(request: Request) -> str | None:
    """The netloc of REQUEST when it asks for that host's robots.txt."""
    url = urlparse_cached(request)
    return url.netloc if url.path == "/robots.txt" and not url.query else None


class RobotsTxtOnceMiddleware(RobotsTxtMiddleware):
    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get(_FETCH):
            return  # the robots fetch itself (or its redirect)
        netloc = _robots_of(request)
        if (
            netloc is not None
            and netloc not in self._parsers
            and not request.meta.get("dont_obey_robotstxt")
        ):
            self._parsers[netloc] = Deferred()
            request.meta[_FETCH] = netloc
            self._stats.inc_value("robotstxt/request_count")
            return
        await super().process_request(request, spider)

    async def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        netloc = request.meta.get(_FETCH)
        if netloc and isinstance(self._parsers.get(netloc), Deferred):
            await self._parse_robots(response, netloc, request)
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        netloc = request.meta.get(_FETCH)
        if netloc and isinstance(self._parsers.get(netloc), Deferred):
            self._robots_error(exception, netloc)
