"""robots.txt Sitemap: lines read for discovery: news sitemaps and indexes first, bounded."""

from __future__ import annotations

import pytest

from archive.citations.listings import discovery_endpoints
from archive.citations.registry import load_registry
from archive.citations.robots_sitemaps import (
    MAX_ROBOTS_BYTES,
    RobotsSitemap,
    robots_sitemaps,
    robots_url,
)

ROBOTS = b"""\xef\xbb\xbfUser-agent: *
Disallow: /search/
Disallow: /services/

# sitemaps
Sitemap: https://ria.ru/sitemap_article_index.xml
sitemap:https://ria.ru/sitemap_video.xml
SITEMAP : /sitemap_news.xml   # relative, resolved against robots.txt
Sitemap: https://ria.ru/sitemap_article_index.xml
Sitemap: https://static.ria.ru/sitemaps/sitemap_2024_03.xml
Sitemap: https://tracker.example.net/sitemap.xml
Sitemap: ftp://ria.ru/sitemap.xml
Sitemap: https://ria.ru/newsletter-sitemap.xml
Sitemap:
Host: ria.ru
"""


def test_sitemaps_ranked_news_then_index_then_others() -> None:
    found = robots_sitemaps(ROBOTS, "https://ria.ru/robots.txt")
    assert found == [
        RobotsSitemap("https://ria.ru/sitemap_news.xml", "news"),
        RobotsSitemap("https://ria.ru/sitemap_article_index.xml", "index"),
        RobotsSitemap("https://static.ria.ru/sitemaps/sitemap_2024_03.xml", "sitemap"),
        RobotsSitemap("https://ria.ru/newsletter-sitemap.xml", "sitemap"),
        RobotsSitemap("https://ria.ru/sitemap_video.xml", "media"),
    ]  # another site's sitemap, an ftp URL, a duplicate and an empty line are dropped


def test_bounded_and_other_domains_allowed_explicitly() -> None:
    assert len(robots_sitemaps(ROBOTS, "https://ria.ru/robots.txt", limit=2)) == 2
    assert robots_sitemaps(ROBOTS, "https://ria.ru/robots.txt", limit=0) == []
    wider = robots_sitemaps(ROBOTS, "https://ria.ru/robots.txt", domains=["example.net"], limit=10)
    assert "https://tracker.example.net/sitemap.xml" in [s.url for s in wider]
    many = b"".join(b"Sitemap: https://a.test/s%d.xml\n" % i for i in range(1000))
    assert len(robots_sitemaps(many, "https://a.test/robots.txt")) == 5


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body>404 Not Found</body></html>", b"\xff\xfe\x00garbage\x00", b"Sitemap"],
)
def test_garbage_gives_nothing(body: bytes) -> None:
    assert robots_sitemaps(body, "https://ria.ru/robots.txt") == []


def test_only_the_first_bytes_are_read() -> None:
    body = b"#" * MAX_ROBOTS_BYTES + b"\nSitemap: https://a.test/late.xml\n"
    assert robots_sitemaps(body, "https://a.test/robots.txt") == []


def test_robots_url() -> None:
    assert robots_url("https://ria.ru/20240314/x.html?y=1") == "https://ria.ru/robots.txt"
    assert robots_url("http://user:pw@www.a.test:8080/p") == "http://www.a.test:8080/robots.txt"
    with pytest.raises(ValueError, match="not an http"):
        robots_url("ftp://a.test/")


def test_endpoints_merge_registry_and_robots() -> None:
    ria = load_registry(environ={}).get("ria")
    assert ria is not None
    robots = robots_sitemaps(ROBOTS, "https://ria.ru/robots.txt")
    endpoints = discovery_endpoints(ria, robots)
    urls = [e.url for e in endpoints]
    assert urls[: len(ria.feeds) + len(ria.sitemaps)] == [
        e.url for e in (*ria.feeds, *ria.sitemaps)
    ]
    assert "https://ria.ru/sitemap_news.xml" in urls
    assert len(urls) == len(set(urls))  # the index the registry lists too appears once
