"""A news web for the claims acceptance test, every host on https behind a forward proxy.

An English article on www.eveningpost.test (pages in ``claimsweb/``) cites:

* an interview by link (www.dailycourier.test), whose speaker is then referred to by surname
  and "she" over four statements;
* a think-tank report by link, behind a 301 from a short link (bifs.example -> www.bifs.example);
  "It said ..." and "The report also found ..." are its claims;
* a Russian news agency by name only (Telegraf Vostok, tvostok.example). The registry's feed
  URL answers 404; the agency's robots.txt names its news sitemap, which lists the right
  article among decoys of the same days (the same speaker on another topic, another speaker on
  the same topic) and an older item outside the date window.

In the article body sit a topic link on a person's name (/world/oleg-vasin) and a newsletter
promo; navigation, a related box and a footer sit outside it. None of those may be fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.servers.proxy import ForwardProxy
from tests.servers.rawhttp import RawHTTPServer
from tests.servers.routes import build_response
from tests.servers.tls import TLSFiles

PAGES = Path(__file__).with_name("claimsweb")
NEWS = "www.eveningpost.test"
ARTICLE_URL = f"https://{NEWS}/world/2026/nov/17/grain-corridor-kell-interview-satellite-review"
INTERVIEW_URL = "https://www.dailycourier.test/news/2026/nov/16/marta-kell-interview-grain-corridor"
REPORT_SHORT_URL = "https://bifs.example/r/corridor-2026"
REPORT_URL = "https://www.bifs.example/reports/2026/grain-corridor-satellite-review"
AGENCY = "tvostok.example"
AGENCY_FEED_URL = f"https://{AGENCY}/export/rss2/index.xml"  # in the registry; answers 404
AGENCY_SITEMAP_URL = f"https://{AGENCY}/sitemap-news.xml"  # named by robots.txt only
AGENCY_URL = f"https://{AGENCY}/news/2026/11/17/vasin-bezopasnyj-prohod.html"
DECOY_SPEAKER_URL = f"https://{AGENCY}/news/2026/11/17/vasin-posevnaya.html"
DECOY_TOPIC_URL = f"https://{AGENCY}/news/2026/11/17/lebedev-koridor.html"
OLD_URL = f"https://{AGENCY}/news/2026/10/02/vasin-koridor-marshrut.html"
NOT_FOLLOWED = ("/world/oleg-vasin", "/info/newsletters/morning-brief", "/", "/world", "/about")
HTML = [("Content-Type", "text/html; charset=utf-8")]

REGISTRY = {
    "sources": [
        {
            "id": "tvostok",
            "name": "Telegraf Vostok",
            "aliases": ["Телеграф Восток"],
            "domains": [AGENCY],
            "language": "ru",
            "feeds": [AGENCY_FEED_URL],
        }
    ]
}

_SITEMAP_ITEMS = [
    (AGENCY_URL, "2026-11-17T10:15:00+03:00",
     "Васин: Россия гарантирует безопасный проход судов с зерном", "зерно, коридор, Васин"),
    (DECOY_SPEAKER_URL, "2026-11-17T15:40:00+03:00",
     "Васин рассказал о ходе осенней посевной кампании", "посевная, Васин"),
    (DECOY_TOPIC_URL, "2026-11-17T12:05:00+03:00",
     "Лебедев: зерновой коридор работает без перебоев", "зерно, коридор, Лебедев"),
    (f"https://{AGENCY}/news/2026/11/16/pogoda-moskva.html", "2026-11-16T08:00:00+03:00",
     "В Москве ожидается первый снег", "погода"),
    (OLD_URL, "2026-10-02T09:00:00+03:00",
     "Васин: маршрут зернового коридора согласован", "зерно, коридор, Васин"),
]  # fmt: skip


def news_sitemap() -> bytes:
    urls = "".join(
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Телеграф Восток"
        "</news:name><news:language>ru</news:language></news:publication>"
        f"<news:publication_date>{date}</news:publication_date><news:title>{title}"
        f"</news:title><news:keywords>{keywords}</news:keywords></news:news></url>"
        for loc, date, title, keywords in _SITEMAP_ITEMS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


@dataclass
class ClaimsWeb:
    proxy: ForwardProxy
    registry_file: Path
    servers: dict[str, RawHTTPServer] = field(default_factory=dict)

    def requested(self, url: str) -> bool:
        parts = urlsplit(url)
        server = self.servers[parts.hostname or ""]
        return bool(server.sent_for(parts.path + (f"?{parts.query}" if parts.query else "")))


def _page(name: str) -> bytes:
    return build_response(200, HTML, (PAGES / name).read_bytes())


@contextmanager
def claims_web(tls: TLSFiles, directory: Path) -> Iterator[ClaimsWeb]:
    """Start every host (https) and the proxy; the registry file is written in DIRECTORY."""
    hosts = (NEWS, "www.dailycourier.test", "bifs.example", "www.bifs.example", AGENCY)
    with ExitStack() as stack:
        servers = {host: stack.enter_context(RawHTTPServer(tls=tls)) for host in hosts}
        robots = build_response(200, [("Content-Type", "text/plain")], b"User-agent: *\n")
        for host, server in servers.items():
            if host != AGENCY:
                server.route("/robots.txt", robots)
        news = servers[NEWS]
        news.route(urlsplit(ARTICLE_URL).path, _page("article.html"))
        for path in NOT_FOLLOWED:
            news.route(path, build_response(200, HTML, b"<html><body>not a source</body></html>"))
        courier = servers["www.dailycourier.test"]
        courier.route(urlsplit(INTERVIEW_URL).path, _page("interview.html"))
        servers["bifs.example"].route(
            urlsplit(REPORT_SHORT_URL).path,
            build_response(301, [("Location", REPORT_URL)], b""),
        )
        servers["www.bifs.example"].route(urlsplit(REPORT_URL).path, _page("report.html"))
        agency = servers[AGENCY]
        agency.route(
            "/robots.txt",
            build_response(
                200,
                [("Content-Type", "text/plain")],
                f"User-agent: *\nDisallow: /search\nSitemap: {AGENCY_SITEMAP_URL}\n".encode(),
            ),
        )
        agency.route(
            urlsplit(AGENCY_FEED_URL).path,
            build_response(404, HTML, b"<html><body>Not found</body></html>"),
        )
        agency.route(
            urlsplit(AGENCY_SITEMAP_URL).path,
            build_response(200, [("Content-Type", "application/xml")], news_sitemap()),
        )
        for url, name in (
            (AGENCY_URL, "agency.html"),
            (DECOY_SPEAKER_URL, "agency_decoy_speaker.html"),
            (DECOY_TOPIC_URL, "agency_decoy_topic.html"),
        ):
            agency.route(urlsplit(url).path, _page(name))
        host_map = {f"{host}:443": (s.host, s.port) for host, s in servers.items()}
        proxy = stack.enter_context(ForwardProxy(host_map))
        registry_file = directory / "sources.json"
        registry_file.write_text(json.dumps(REGISTRY, ensure_ascii=False), encoding="utf-8")
        yield ClaimsWeb(proxy, registry_file, servers)
