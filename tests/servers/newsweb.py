"""A small multi-host news web for citation crawls, reached through a forward proxy.

Real host names map onto local servers: an English article on www.example-news.test cites
a real corpus page (Quanta Magazine, 011.html) by link, a Russian-language page (wday.ru,
020.html) by link, a dead link, and the Institute for the Study of War by name only. The
ISW's feed (at the URL the source registry gives) lists candidate reports around the
article's date; one of them holds the statement. Navigation, tag, related-story, share and
footer links sit outside the main text and must never be fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.servers.corpus import default_corpus_dir
from tests.servers.proxy import ForwardProxy
from tests.servers.rawhttp import RawHTTPServer
from tests.servers.routes import build_response
from tests.servers.tls import TLSFiles

NEWS = "www.example-news.test"
ARTICLE_PATH = "/2026/11/20/grain-and-science.html"
ARTICLE_URL = f"http://{NEWS}{ARTICLE_PATH}"
QUANTA_URL = (
    "https://www.quantamagazine.org/tuft-cells-that-taste-danger-set-off-immune-responses-20191022/"
)
RUSSIAN_URL = "http://www.wday.ru/articles/53-letnyaya-model/"
DEAD_URL = f"http://{NEWS}/2026/11/01/removed-story.html"
ISW_REPORT_PATH = "/backgrounder/russian-offensive-campaign-assessment-november-19-2026"
BOILERPLATE = [
    "/",
    "/tag/science",
    "/world/",
    "/2026/11/19/other-story.html",
    "/about",
    "/world/jane-roe",  # an in-body topic page on a person's name
    "/info/newsletters/first-edition",  # a promo paragraph inside the article body
]

HTML = [("Content-Type", "text/html")]
ARTICLE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Cells that taste danger, and a war report | Example News</title>
<meta property="article:published_time" content="2026-11-20T09:00:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/tag/science">Science</a>
</nav></header>
<main><article>
<h1>Cells that taste danger, and a war report</h1>
<p>Researchers are finding that the body's sense of taste reaches far beyond the tongue. Scientists now think that tuft cells are an important hub for the body's defenses, <a href="{QUANTA_URL}">Quanta Magazine reported</a> in a long feature on the immune system.</p>
<p>The cells were first noticed in the lungs of mice infected with influenza, where they looked strange and were studded with taste receptors. The work is still early, and many questions about how the receptors talk to immune cells remain open.</p>
<p>The first mouse studies were run by a team around <a href="/world/jane-roe">Jane Roe</a>, a biologist who has studied the lining of the gut for two decades.</p>
<p>Sign up to <a href="/info/newsletters/first-edition">First Edition</a>, our free daily newsletter, for the day's main stories.</p>
<p>In Ukraine, Russian forces continued limited attacks near Kupiansk and made no confirmed advances, according to a report by the Institute for the Study of War published on Wednesday. The institute said Russian forces were regrouping before a new push.</p>
<p>A Russian lifestyle magazine <a href="{RUSSIAN_URL}">wrote about a model</a> who became famous in the eighties, the paper noted. An earlier story on the subject <a href="{DEAD_URL}">has since been removed</a>.</p>
</article></main>
<aside class="related"><h2>Related</h2><a href="/2026/11/19/other-story.html">Other story</a>
</aside>
<footer><a href="https://twitter.com/intent/tweet?url={ARTICLE_URL}">Share on X</a>
<a href="/about">About us</a></footer>
</body></html>"""

ISW_REPORT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Russian Offensive Campaign Assessment, November 19, 2026</title></head><body>
<article><h1>Russian Offensive Campaign Assessment, November 19, 2026</h1>
<p>Key takeaways from the Institute for the Study of War's daily assessment follow.</p>
<p>Russian forces continued limited attacks near Kupiansk and did not make any confirmed
advances on November 19. Russian forces are likely regrouping ahead of a renewed offensive
push in the area. Ukrainian officials reported continued shelling of the city.</p>
<p>Russian milbloggers claimed gains elsewhere on the front that ISW cannot confirm.</p>
</article></body></html>"""

OTHER_ISW = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>
<article><h1>{title}</h1><p>{text}</p></article></body></html>"""


def _feed(base: str) -> bytes:
    items = [
        (
            "Russian Offensive Campaign Assessment, November 19, 2026",
            base + ISW_REPORT_PATH,
            "Wed, 19 Nov 2026 22:00:00 GMT",
            "Russian forces continued limited attacks near Kupiansk.",
        ),
        (
            "Iran Update, November 18, 2026",
            base + "/backgrounder/iran-update-november-18-2026",
            "Tue, 18 Nov 2026 21:00:00 GMT",
            "Iranian officials discussed regional diplomacy.",
        ),
        (
            "China-Taiwan Weekly Update, October 2, 2026",
            base + "/backgrounder/china-taiwan-weekly-update-october-2-2026",
            "Fri, 02 Oct 2026 18:00:00 GMT",
            "Cross-strait tensions and exercises.",
        ),
    ]
    entries = "".join(
        f"<item><title>{t}</title><link>{u}</link><pubDate>{d}</pubDate>"
        f"<description>{s}</description></item>"
        for t, u, d, s in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>ISW</title><link>{base}</link><description>ISW</description>{entries}"
        "</channel></rss>"
    ).encode()


@dataclass
class NewsWeb:
    proxy: ForwardProxy
    servers: dict[str, RawHTTPServer] = field(default_factory=dict)

    def requested(self, url: str) -> bool:
        parts = urlsplit(url)
        server = self.servers[parts.hostname or ""]
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return bool(server.sent_for(target))


def _not_found() -> bytes:
    return build_response(404, HTML, b"<html><body><h1>Not found</h1></body></html>")


@contextmanager
def news_web(tls: TLSFiles, isw_feed_urls: list[str]) -> Iterator[NewsWeb]:
    """Start every host; ISW_FEED_URLS are where the source registry looks for ISW's feed."""
    corpus = Path(default_corpus_dir())
    with ExitStack() as stack:
        news = stack.enter_context(RawHTTPServer())
        quanta = stack.enter_context(RawHTTPServer(tls=tls))
        wday = stack.enter_context(RawHTTPServer())
        isw_hosts: dict[str, RawHTTPServer] = {}
        for feed in isw_feed_urls:
            parts = urlsplit(feed)
            host = parts.hostname or ""
            if host not in isw_hosts:
                server = RawHTTPServer(tls=tls if parts.scheme == "https" else None)
                isw_hosts[host] = stack.enter_context(server)
        robots = build_response(200, [("Content-Type", "text/plain")], b"User-agent: *\n")
        for server in (news, quanta, wday, *isw_hosts.values()):
            server.route("/robots.txt", robots)
        news.route(ARTICLE_PATH, build_response(200, HTML, ARTICLE.encode()))
        for path in BOILERPLATE:
            news.route(path, build_response(200, HTML, b"<html><body>boilerplate</body></html>"))
        news.route(urlsplit(DEAD_URL).path, _not_found())
        quanta.route(
            urlsplit(QUANTA_URL).path, build_response(200, HTML, (corpus / "011.html").read_bytes())
        )
        wday.route(
            urlsplit(RUSSIAN_URL).path,
            build_response(200, HTML, (corpus / "020.html").read_bytes()),
        )
        for feed in isw_feed_urls:
            parts = urlsplit(feed)
            server = isw_hosts[parts.hostname or ""]
            base = f"{parts.scheme}://{parts.netloc}"
            server.route(
                parts.path,
                build_response(200, [("Content-Type", "application/rss+xml")], _feed(base)),
            )
            server.route(ISW_REPORT_PATH, build_response(200, HTML, ISW_REPORT.encode()))
            for slug, title in (
                ("/backgrounder/iran-update-november-18-2026", "Iran Update, November 18, 2026"),
                (
                    "/backgrounder/china-taiwan-weekly-update-october-2-2026",
                    "China-Taiwan Weekly Update",
                ),
            ):
                page = OTHER_ISW.format(title=title, text="Unrelated regional analysis.")
                server.route(slug, build_response(200, HTML, page.encode()))
        host_map: dict[str, tuple[str, int]] = {
            NEWS: (news.host, news.port),
            "www.quantamagazine.org:443": (quanta.host, quanta.port),
            "www.wday.ru": (wday.host, wday.port),
        }
        for host, server in isw_hosts.items():
            key = f"{host}:443" if server.scheme == "https" else host
            host_map[key] = (server.host, server.port)
        proxy = stack.enter_context(ForwardProxy(host_map))
        servers = {NEWS: news, "www.quantamagazine.org": quanta, "www.wday.ru": wday, **isw_hosts}
        yield NewsWeb(proxy, servers)
