"""Each discovery endpoint gives a listing or a reason; one failing never stops the others."""

from __future__ import annotations

from datetime import UTC, datetime

from archive.citations.discovery import date_window
from archive.citations.feeds import Candidate, FeedListing
from archive.citations.listings import candidates_of, child_sitemaps, read_listing

FEED = b"""<rss version="2.0"><channel><item><title>A</title>
<link>https://a.test/1</link></item></channel></rss>"""


def test_failures_are_reasons() -> None:
    assert read_listing("https://a.test/f", FEED).ok
    reasons = {
        "https://a.test/empty": read_listing("https://a.test/empty", b"  \n").failure,
        "https://a.test/500": read_listing("https://a.test/500", FEED, status=500).failure,
        "https://a.test/dtd": read_listing(
            "https://a.test/dtd", b'<!DOCTYPE rss [<!ENTITY a "b">]><rss/>'
        ).failure,
        "https://a.test/bad": read_listing("https://a.test/bad", b"<rss><channel>").failure,
        "https://a.test/gz": read_listing("https://a.test/gz", b"\x1f\x8b nope").failure,
        "https://a.test/none": read_listing("https://a.test/none", None, status=None).failure,
    }
    assert reasons["https://a.test/empty"] == "empty body"
    assert reasons["https://a.test/500"] == "HTTP 500"
    assert (reasons["https://a.test/dtd"] or "").startswith("unsafe XML: ")
    assert (reasons["https://a.test/bad"] or "").startswith(
        "not a feed or sitemap: not well-formed"
    )
    assert (reasons["https://a.test/gz"] or "").startswith("not a feed or sitemap: bad gzip")
    assert reasons["https://a.test/none"] == "no response"


def test_candidates_merged_with_endpoint_language() -> None:
    good = read_listing("https://a.test/f", FEED, language="ru")
    again = read_listing("https://a.test/g", FEED, language="en")
    broken = read_listing("https://a.test/x", b"garbage")
    merged = candidates_of([broken, good, again])
    assert [(c.url, c.language) for c in merged] == [("https://a.test/1", "ru")]


def test_child_sitemaps_around_the_date() -> None:
    def month(number: int) -> Candidate:
        return Candidate(
            f"https://a.test/sitemap-2024-{number:02d}.xml",
            published=datetime(2024, number, 28, tzinfo=UTC),
        )

    undated = Candidate("https://a.test/sitemap-latest.xml")
    index = FeedListing("sitemapindex", sitemaps=(month(1), month(2), month(3), month(4), undated))
    # March's sitemap (last modified on the 28th) lists the 14th; February's ended before
    chosen = [c.url for c in child_sitemaps(index, date_window("2024-03-14"), limit=3)]
    assert chosen == [month(3).url, month(4).url, undated.url]
    assert [c.url for c in child_sitemaps(index, None, limit=1)] == [month(4).url]
