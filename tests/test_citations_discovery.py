"""Feeds and sitemaps parsed safely into candidates, ranked against an attributed statement."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from archive.citations.discovery import (
    Candidate,
    date_window,
    parse_date,
    parse_feed,
    rank_candidates,
)
from archive.citations.xmlsafe import UnsafeXMLError, XMLError

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>ISW</title><link>https://www.understandingwar.org/</link>
<item>
  <title>Russian Offensive Campaign Assessment, May 20, 2023</title>
  <link>https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-may-20-2023</link>
  <pubDate>Sat, 20 May 2023 22:15:00 +0000</pubDate>
  <description><![CDATA[<p>Wagner Group financier Yevgeny Prigozhin claimed that Wagner forces
  captured Bakhmut on May 20. Ukrainian forces still hold positions in the western outskirts.</p>]]></description>
</item>
<item>
  <title>Iran Update, May 19, 2023</title>
  <link>https://www.understandingwar.org/backgrounder/iran-update-may-19-2023</link>
  <pubDate>Fri, 19 May 2023 20:00:00 +0000</pubDate>
  <description>Iranian officials discussed regional security with Saudi counterparts.</description>
</item>
<item>
  <title>Russian Offensive Campaign Assessment, May 20, 2022</title>
  <link>https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-may-20-2022</link>
  <pubDate>Fri, 20 May 2022 21:00:00 +0000</pubDate>
  <description>Wagner forces advanced near Bakhmut and Popasna.</description>
</item>
<item><guid isPermaLink="true">https://www.understandingwar.org/backgrounder/no-link-element</guid>
  <title>Guid only</title><dc:date>2023-05-21T08:00:00Z</dc:date></item>
<item><title>No URL at all</title></item>
</channel></rss>"""  # noqa: E501

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://tass.com/">
  <title>TASS</title>
  <entry>
    <title type="html">Air defences down 12 drones over Belgorod region &#8212; ministry</title>
    <link rel="alternate" href="/defense/1620000"/>
    <link rel="enclosure" href="https://cdn.tass.com/photo.jpg"/>
    <published>2023-05-21T06:10:00+03:00</published>
    <summary>The Russian Defence Ministry said air defence systems destroyed 12 drones.</summary>
  </entry>
  <entry>
    <title>Grain deal talks to resume</title>
    <link href="https://tass.com/economy/1620001"/>
    <updated>2023-05-21T09:00:00Z</updated>
  </entry>
</feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://ria.ru/20230521/peskov-1873000000.html</loc>
    <news:news>
      <news:publication><news:name>RIA Novosti</news:name><news:language>ru</news:language></news:publication>
      <news:publication_date>2023-05-21T11:30:00+03:00</news:publication_date>
      <news:title>Peskov: Moscow has received no proposals from Kyiv</news:title>
      <news:keywords>Kremlin, Peskov, Ukraine, negotiations</news:keywords>
    </news:news>
  </url>
  <url><loc>https://ria.ru/20230521/weather-1873000001.html</loc>
    <lastmod>2023-05-21</lastmod></url>
</urlset>"""  # noqa: E501

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.reuters.com/arc/outboundfeeds/news-sitemap/?outputType=xml</loc>
    <lastmod>2023-05-21T10:00:00.000Z</lastmod></sitemap>
  <sitemap><loc>https://www.reuters.com/arc/outboundfeeds/news-sitemap/?outputType=xml&amp;from=100</loc></sitemap>
</sitemapindex>"""


def test_rss() -> None:
    listing = parse_feed(RSS)
    assert listing.kind == "rss"
    urls = [c.url for c in listing.candidates]
    assert len(urls) == 4  # the item without any URL is skipped
    first = listing.candidates[0]
    assert first.title == "Russian Offensive Campaign Assessment, May 20, 2023"
    assert first.published == datetime(2023, 5, 20, 22, 15, tzinfo=UTC)
    assert first.description is not None and first.description.startswith(
        "Wagner Group financier Yevgeny Prigozhin claimed"
    )
    assert "<p>" not in first.description
    guid_only = listing.candidates[3]
    assert guid_only.url.endswith("/no-link-element")
    assert guid_only.published == datetime(2023, 5, 21, 8, 0, tzinfo=UTC)


def test_atom_with_base_and_entities() -> None:
    listing = parse_feed(ATOM)
    assert listing.kind == "atom"
    first, second = listing.candidates
    assert first.url == "https://tass.com/defense/1620000"  # xml:base, not the enclosure
    assert first.title == "Air defences down 12 drones over Belgorod region \u2014 ministry"
    assert first.published == datetime(2023, 5, 21, 3, 10, tzinfo=UTC)
    assert second.published == datetime(2023, 5, 21, 9, 0, tzinfo=UTC)


def test_news_sitemap_gzip_and_index() -> None:
    listing = parse_feed(gzip.compress(NEWS_SITEMAP))
    assert listing.kind == "sitemap"
    news, plain = listing.candidates
    assert news.title == "Peskov: Moscow has received no proposals from Kyiv"
    assert news.description == "Kremlin, Peskov, Ukraine, negotiations"
    assert news.published == datetime(2023, 5, 21, 8, 30, tzinfo=UTC)
    assert plain.title is None and plain.published == datetime(2023, 5, 21, tzinfo=UTC)
    index = parse_feed(SITEMAP_INDEX)
    assert index.kind == "sitemapindex" and index.candidates == ()
    first, second = index.sitemaps
    assert first.published == datetime(2023, 5, 21, 10, 0, tzinfo=UTC)
    assert second.url.endswith("outputType=xml&from=100") and second.published is None


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<rss><channel><item><title>&lol2;</title></item></channel></rss>",
        b'<!DOCTYPE rss SYSTEM "http://attacker.example/evil.dtd"><rss/>',
        b'<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><urlset>&xxe;</urlset>',
    ],
)
def test_dtds_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises(UnsafeXMLError, match="refused"):
        parse_feed(body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<rss><channel><item></channel></rss>", "not well-formed"),
        (b"<html><body>Not found</body></html>", "not a feed or sitemap: root element <html>"),
        (b"\x1f\x8b not really gzip", "bad gzip body"),
        (b"", "not well-formed"),
    ],
)
def test_bad_documents(body: bytes, message: str) -> None:
    with pytest.raises(XMLError, match=message):
        parse_feed(body)


def test_parse_date() -> None:
    assert parse_date("Sat, 20 May 2023 22:15:00 GMT") == datetime(2023, 5, 20, 22, 15, tzinfo=UTC)
    assert parse_date("2023-05-20T22:15:00.000Z") == datetime(2023, 5, 20, 22, 15, tzinfo=UTC)
    assert parse_date("2023-05-20") == datetime(2023, 5, 20, tzinfo=UTC)
    assert parse_date("yesterday") is None and parse_date(None) is None


def test_date_window() -> None:
    start, end = date_window("2023-05-21")
    assert start == datetime(2023, 5, 18, tzinfo=UTC)
    assert end == datetime(2023, 5, 22, 23, 59, 59, 999999, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a date"):
        date_window("soon")


def test_rank_isw_report_against_statement() -> None:
    statement = (
        "Wagner forces likely captured Bakhmut, though Ukrainian forces still hold positions "
        "in the western outskirts of the city"
    )
    names = ("Wagner", "Bakhmut", "Yevgeny Prigozhin")
    ranked = rank_candidates(
        statement, names, parse_feed(RSS).candidates, date_window("2023-05-21")
    )
    best = ranked[0]
    assert best.candidate.url.endswith("russian-offensive-campaign-assessment-may-20-2023")
    assert best.score > 0.6
    assert "names 3/3 (Wagner, Bakhmut, Yevgeny Prigozhin)" in best.reason
    assert "published 2023-05-20 22:15 UTC" in best.reason
    # last year's assessment is outside the window; the Iran update shares nothing
    assert all("2022" not in r.candidate.url and "iran" not in r.candidate.url for r in ranked)


def test_rank_prefers_title_and_slug_and_handles_undated() -> None:
    window = date_window("2023-05-21")
    candidates = [
        Candidate("https://ria.ru/20230521/peskov-kyiv-proposals-1.html", None, None, None),
        Candidate(
            "https://ria.ru/20230521/x.html",
            "Peskov says Kyiv sent no proposals",
            datetime(2023, 5, 21, 9, tzinfo=UTC),
            None,
        ),
        Candidate(
            "https://ria.ru/20230521/y.html",
            "Weather",
            datetime(2023, 5, 21, tzinfo=UTC),
            "Moscow expects proposals of rain from Kyiv",
        ),
    ]
    ranked = rank_candidates(
        "Moscow had not received any proposals from Kyiv",
        ("Dmitry Peskov", "Kyiv"),
        candidates,
        window,
    )
    assert [r.candidate.url[-6:] for r in ranked] == ["x.html", "1.html", "y.html"]
    assert "undated" in ranked[1].reason
    assert ranked[0].score > ranked[1].score > ranked[2].score > 0
    assert rank_candidates("Moscow had not received proposals", (), candidates, limit=1)[0].score
    assert rank_candidates("unrelated words entirely", (), candidates) == []


def test_declared_language_and_publisher() -> None:
    news = parse_feed(NEWS_SITEMAP).candidates[0]
    assert (news.language, news.publisher) == ("ru", "RIA Novosti")
    assert parse_feed(NEWS_SITEMAP).candidates[1].language is None
    rss = RSS.replace(b"<title>ISW</title>", b"<title>ISW</title><language>en-us</language>")
    assert {c.language for c in parse_feed(rss).candidates} == {"en-us"}
    base = b'xml:base="https://tass.com/"'
    atom = ATOM.replace(base, base + b' xml:lang="en"')
    assert [c.language for c in parse_feed(atom).candidates] == ["en", "en"]


def test_rank_same_language_speaker_and_topic_decoys() -> None:
    day = datetime(2023, 5, 21, 9, tzinfo=UTC)
    right = Candidate(
        "https://tass.com/politics/1",
        "Kremlin has received no proposals from Kyiv on resuming talks, Peskov says",
        day,
    )
    other_speaker = Candidate(
        "https://tass.com/politics/2",
        "Zakharova: Kyiv has sent no proposals on resuming talks",
        day,
    )
    other_topic = Candidate(
        "https://tass.com/politics/3", "Peskov says Putin has no plans to visit the Far East", day
    )
    ranked = rank_candidates(
        "Moscow has not received any proposals from Kyiv on resuming talks",
        ("Moscow", "Kyiv", "Kremlin", "Dmitry Peskov"),
        [other_topic, other_speaker, right],
        date_window("2023-05-21"),
        speaker="Kremlin spokesman Dmitry Peskov",
        article_language="en",
        source_language="en",
        published=datetime(2023, 5, 21, tzinfo=UTC),
    )
    assert [r.candidate.url[-1] for r in ranked] == ["1", "2", "3"]
    assert not ranked[0].across_languages
    assert "speaker Peskov matched Peskov (same spelling)" in ranked[0].reasons
    assert "speaker Dmitry Peskov not named" in ranked[1].reasons
    assert ranked[0].score > ranked[1].score > ranked[2].score
