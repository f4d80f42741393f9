"""An English article citing a Russian agency by name: its feed ranked, decoys below, passages.

The feed, the news sitemap and the two source articles are invented but written as RIA
Novosti writes (Russian, Moscow time, transliterated slugs or bare ids). Decoys: the same
speaker on another topic the same day (B), another speaker on the same topic the same day (C),
the same speaker on another day (E), an item sharing only a number (G), and the right topic
six days before the article, outside the window (H).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.citations.attributions import Attribution, find_attributions
from archive.citations.discovery import RankedCandidate, date_window, rank_candidates
from archive.citations.listings import candidates_of, read_listing
from archive.citations.matching import match_claim
from archive.citations.registry import Source, load_registry

ARTICLE = (
    "Kremlin spokesman Dmitry Peskov told the RIA Novosti news agency: “Russia will not take "
    "part in the conference in Switzerland, which was organised without taking Moscow's "
    "position into account.” "
    "He said the invitations had gone out to 92 countries, most of which had not confirmed "
    "they would attend.\n"
)
PUBLISHED = datetime(2024, 3, 14, tzinfo=UTC)

RIGHT = "https://ria.ru/20240314/shveytsariya-1933012345.html"
SAME_SPEAKER = "https://ria.ru/20240314/zaderzhanie-1933045678.html"
OTHER_SPEAKER = "https://ria.ru/20240314/zakharova-1933023456.html"
OTHER_DAY = "https://ria.ru/20240312/sovbez-1932654321.html"
NUMBER_ONLY = "https://ria.ru/20240314/opros-1933000111.html"
TOO_EARLY = "https://ria.ru/20240308/konferentsiya-1932000999.html"

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>РИА Новости</title><link>https://ria.ru/</link><language>ru</language>
<item><title>Лавров обсудил с Фиданом ситуацию на Ближнем Востоке</title>
  <link>https://ria.ru/20240315/lavrov-1933200001.html</link>
  <pubDate>Fri, 15 Mar 2024 11:15:00 +0300</pubDate>
  <description>Министр иностранных дел России Сергей Лавров провел телефонный разговор с
  главой МИД Турции Хаканом Фиданом, сообщили в российском внешнеполитическом ведомстве.
  </description></item>
<item><title>Песков прокомментировал задержание журналиста в Екатеринбурге</title>
  <link>{SAME_SPEAKER}</link>
  <pubDate>Thu, 14 Mar 2024 15:40:00 +0300</pubDate>
  <description>Кремль не вмешивается в работу следствия, заявил журналистам пресс-секретарь
  президента Дмитрий Песков, отвечая на вопрос о задержании корреспондента.</description></item>
<item><title>Захарова: встреча в Швейцарии без России не имеет смысла</title>
  <link>{OTHER_SPEAKER}</link>
  <pubDate>Thu, 14 Mar 2024 12:20:00 +0300</pubDate>
  <description>Официальный представитель МИД России Мария Захарова заявила, что конференция
  в Бюргенштоке, на которую пригласили 92 страны, бессмысленна без участия Москвы.
  </description></item>
<item><title>Песков: Россия не будет участвовать в конференции в Швейцарии</title>
  <link>{RIGHT}</link>
  <pubDate>Thu, 14 Mar 2024 10:05:00 +0300</pubDate>
  <description>Россия не примет участия в конференции в Швейцарии, поскольку она организована
  без учета позиции Москвы, заявил РИА Новости пресс-секретарь президента Дмитрий Песков.
  По его словам, приглашения разосланы в 92 страны.</description></item>
<item><title>Опрос: 92 процента россиян намерены прийти на выборы</title>
  <link>{NUMBER_ONLY}</link>
  <pubDate>Thu, 14 Mar 2024 08:00:00 +0300</pubDate>
  <description>Социологи опросили 1 600 человек в 80 регионах.</description></item>
<item><title>Шойгу проверил ход учений группировки войск «Центр»</title>
  <link>https://ria.ru/20240313/ucheniya-1932800002.html</link>
  <pubDate>Wed, 13 Mar 2024 09:00:00 +0300</pubDate>
  <description>Министр обороны России Сергей Шойгу проинспектировал полигон.</description></item>
<item><title>Песков: Путин проведет совещание с постоянными членами Совбеза</title>
  <link>{OTHER_DAY}</link>
  <pubDate>Tue, 12 Mar 2024 18:30:00 +0300</pubDate>
  <description>Президент России Владимир Путин в пятницу обсудит с членами Совета
  безопасности вопросы внутренней политики, сообщил Дмитрий Песков.</description></item>
<item><title>Песков: Россию не приглашали на конференцию в Швейцарии</title>
  <link>{TOO_EARLY}</link>
  <pubDate>Fri, 08 Mar 2024 14:00:00 +0300</pubDate>
  <description>Приглашения на конференцию Россия не получала, заявил Дмитрий Песков.
  </description></item>
</channel></rss>""".encode()

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>""".format(
    urls="\n".join(
        f"""<url><loc>{url}</loc><news:news>
  <news:publication><news:name>РИА Новости</news:name><news:language>ru</news:language>
  </news:publication>
  <news:publication_date>{when}</news:publication_date>
  <news:title>{title}</news:title><news:keywords>{keywords}</news:keywords>
</news:news></url>"""
        for url, when, title, keywords in [
            (
                RIGHT,
                "2024-03-14T10:05:00+03:00",
                "Песков: Россия не будет участвовать в конференции в Швейцарии",
                "Дмитрий Песков, Швейцария, конференция, Россия",
            ),
            (
                SAME_SPEAKER,
                "2024-03-14T15:40:00+03:00",
                "Песков прокомментировал задержание журналиста в Екатеринбурге",
                "Дмитрий Песков, Кремль, Екатеринбург",
            ),
            (
                OTHER_SPEAKER,
                "2024-03-14T12:20:00+03:00",
                "Захарова: встреча в Швейцарии без России не имеет смысла",
                "Мария Захарова, МИД России, Швейцария",
            ),
            (
                "https://ria.ru/20240313/nebenzya-1932900003.html",
                "2024-03-13T21:00:00+03:00",
                "Небензя: Совбез ООН обсудит ситуацию в Газе",
                "Василий Небензя, ООН, Газа",
            ),
            (
                OTHER_DAY,
                "2024-03-12T18:30:00+03:00",
                "Песков: Путин проведет совещание с постоянными членами Совбеза",
                "Дмитрий Песков, Владимир Путин, Совбез",
            ),
            (
                "https://ria.ru/20240315/lavrov-1933200001.html",
                "2024-03-15T11:15:00+03:00",
                "Лавров обсудил с Фиданом ситуацию на Ближнем Востоке",
                "Сергей Лавров, Хакан Фидан, Турция",
            ),
        ]
    )
).encode()

RIGHT_TEXT = (
    "МОСКВА, 14 мар — РИА Новости. Россия не примет участия в конференции в Швейцарии, "
    "заявил РИА Новости пресс-секретарь президента Дмитрий Песков.\n"
    "«Россия не будет участвовать в конференции, которая организована без учета позиции "
    "Москвы», — сказал Песков.\n"
    "По его словам, приглашения были разосланы в 92 страны, однако большинство из них пока не "
    "подтвердили участие.\n"
    "Конференция пройдет в Бюргенштоке в июне."
)
SAME_SPEAKER_TEXT = (
    "МОСКВА, 14 мар — РИА Новости. Кремль не вмешивается в работу следствия, заявил "
    "журналистам пресс-секретарь президента Дмитрий Песков.\n"
    "«Это прерогатива правоохранительных органов», — сказал Песков, отвечая на вопрос о "
    "задержании корреспондента в Екатеринбурге.\n"
    "Суд избрал меру пресечения на 2 месяца."
)


@pytest.fixture(scope="module")
def ria() -> Source:
    source = load_registry(environ={}).get("ria")
    assert source is not None
    return source


@pytest.fixture(scope="module")
def quotes(ria: Source) -> list[Attribution]:
    found = find_attributions(ARTICLE, load_registry(environ={}))
    assert len(found) == 2 and found[0].source_id == "ria"
    return found


def _rank(
    found: Attribution, source: Source, body: bytes, speaker: str | None = None
) -> list[RankedCandidate]:
    listing = read_listing(f"https://ria.ru/{len(body)}.xml", body)
    assert listing.ok, listing.failure
    return rank_candidates(
        found.statement,
        found.names,
        candidates_of([listing]),
        date_window(PUBLISHED),
        speaker=speaker or found.speaker,
        source=source,
        article_language="en",
        published=PUBLISHED,
    )


@pytest.mark.parametrize("body", [RSS, NEWS_SITEMAP], ids=["rss", "news-sitemap"])
def test_right_item_first_with_reasons(quotes: list[Attribution], ria: Source, body: bytes) -> None:
    ranked = _rank(quotes[0], ria, body)
    urls = [r.candidate.url for r in ranked]
    best = ranked[0]
    assert best.candidate.url == RIGHT, [(r.candidate.url, r.reason) for r in ranked[:3]]
    assert best.across_languages
    assert "speaker Peskov matched Песков (transliterated)" in best.reasons
    assert any(reason.startswith("within 1 day") for reason in best.reasons)
    assert "publisher RIA Novosti" in best.reasons
    assert best.reason == "; ".join(best.reasons)
    assert SAME_SPEAKER in urls and ranked[urls.index(SAME_SPEAKER)].score < best.score
    assert TOO_EARLY not in urls  # the right topic, six days before: outside the window
    if OTHER_SPEAKER in urls:  # the sitemap's keywords share nothing with the quote: unranked
        zakharova = ranked[urls.index(OTHER_SPEAKER)]
        assert zakharova.score < best.score
        assert "speaker Dmitry Peskov not named" in zakharova.reasons


def test_numbers_count_and_numbers_alone_do_not(quotes: list[Attribution], ria: Source) -> None:
    second = quotes[1]  # "He said the invitations had gone out to 92 countries..."
    he = quotes[0].speaker  # attributions leaves this "He" unresolved: "spokesman" is lower case
    ranked = _rank(second, ria, RSS, he)
    urls = [r.candidate.url for r in ranked]
    assert urls[0] == RIGHT, [(r.candidate.url, r.reason) for r in ranked[:3]]
    assert "shares numbers 92" in ranked[0].reasons
    zakharova = ranked[urls.index(OTHER_SPEAKER)]
    assert "shares numbers 92" in zakharova.reasons
    poll = ranked[urls.index(NUMBER_ONLY)]
    assert "shares numbers 92" in poll.reasons and "no name in common" in poll.reasons
    assert poll.score < min(r.score for r in ranked if "Песков" in (r.candidate.title or ""))


def test_feed_and_sitemap_merged_and_broken_endpoints_reported(
    quotes: list[Attribution], ria: Source
) -> None:
    outcomes = [
        read_listing("https://ria.ru/export/rss2/archive/index.xml", RSS, language="ru"),
        read_listing("https://ria.ru/sitemap_news.xml", NEWS_SITEMAP),
        read_listing("https://ria.ru/gone.xml", b"<html>Not Found</html>", status=404),
        read_listing("https://ria.ru/garbage.xml", b"<html><body>Oops</body></html>"),
        read_listing("https://ria.ru/down.xml", None, status=None, error="DNS lookup failed"),
    ]
    assert [o.failure for o in outcomes] == [
        None,
        None,
        "HTTP 404",
        "not a feed or sitemap: root element <html>",
        "fetch failed: DNS lookup failed",
    ]
    candidates = candidates_of(outcomes)
    assert len(candidates) == len({c.url for c in candidates}) == 9
    ranked = rank_candidates(
        quotes[0].statement,
        quotes[0].names,
        candidates,
        date_window(PUBLISHED),
        speaker=quotes[0].speaker,
        source=ria,
        article_language="en",
        published=PUBLISHED,
    )
    assert ranked[0].candidate.url == RIGHT


def test_translation_needed_with_the_likely_passage(quotes: list[Attribution]) -> None:
    quote = quotes[0]
    right = match_claim(
        quote.statement, RIGHT_TEXT, "ru", "en", speaker=quote.speaker, names=quote.names
    )
    assert right.status == "needs_translation" and not right.found
    assert right.passage is not None and right.start is not None and right.end is not None
    assert right.passage == RIGHT_TEXT[right.start : right.end]
    assert right.passage.startswith("«Россия не будет участвовать в конференции")  # the quote
    assert "speaker Peskov matched Песков (transliterated)" in right.reason
    other = match_claim(
        quote.statement, SAME_SPEAKER_TEXT, "ru", "en", speaker=quote.speaker, names=quote.names
    )
    assert other.status == "needs_translation"
    assert right.score > other.score  # the right article's passage carries more of the claim
    numbers = match_claim(quotes[1].statement, RIGHT_TEXT, "ru", "en", speaker=quote.speaker)
    assert numbers.passage is not None and "92" in numbers.passage
    assert "shares numbers 92" in numbers.reason
