"""Citation links: main-text links minus boilerplate, located in the text with their sentence."""

from __future__ import annotations

from archive.citations.link_context import promo_call
from archive.citations.link_shapes import is_dated, is_document, is_numbered, name_like, topic_page
from archive.citations.links import citation_links, classify_links, same_site
from archive.citations.registry import load_registry
from archive.text.extraction import Extraction
from tests.citations_data import article, page_url


def reasons(number: int) -> dict[str, set[str]]:
    """Kind of decision -> anchors, for corpus page ``number``."""
    found: dict[str, set[str]] = {}
    for decision in classify_links(article(number), page_url(number)):
        found.setdefault(decision.kind, set()).add(decision.link.anchor)
    return found


def test_washington_post_article_citations_with_sentences() -> None:
    registry = load_registry(environ={})
    links = citation_links(article(51), page_url(51), registry)
    by_anchor = {link.anchor: link for link in links}
    # the link to the article itself is not a citation
    assert "stormed the Bardo National Museum" not in by_anchor
    ap = by_anchor["condemned the attack"]
    assert ap.url.startswith("http://hosted2.ap.org/APDEFAULT/")
    assert ap.source_id == "ap" and not ap.same_site
    assert "White House press secretary Josh Earnest condemned the attack" in ap.sentence
    assert article(51).text[ap.start : ap.end] == "condemned the attack"
    # the BBC link was split by inline markup into two pieces: one citation
    bbc = [link for link in links if link.url == "http://www.bbc.com/news/world-africa-23452979"]
    assert len(bbc) == 1 and bbc[0].source_id == "bbc"
    assert bbc[0].anchor.startswith("The government outlawed the group")
    assert bbc[0].anchor.endswith("of two leftist politicians")
    assert len(links) == 6


def test_boilerplate_of_real_pages_is_rejected() -> None:
    space = reasons(12)
    assert space["related"] >= {"Moon Rush: Private Lunar Lander Plans"}
    assert {"@tariqjmalik", "@Spacedotcom", "Facebook", "", "."} <= space["anchor"]
    assert "said in a statement" in space["citation"]  # NASA's press release
    hill = reasons(6)
    assert "MORE" in hill["navigation"]  # thehill.com/people/kristi-noem
    # the "related stories" hover card inlined in the first sentence
    assert "South Dakota drops pipeline protest laws after lawsuit" in hill["related"]
    assert "according to the Sioux Falls Argus Leader" in hill["citation"]
    assert any(anchor.startswith("South Dakota governor doubles down") for anchor in hill["self"])
    assert reasons(50)["taxonomy"] == {"Sudan", "South Sudan"}  # topics.nytimes.com
    assert reasons(50)["self"] == {"Continue reading the main story"}  # ...#whats-next
    assert reasons(47)["navigation"] >= {"Boko Haram", "Ramadan"}  # same-site search pages
    assert reasons(63)["taxonomy"] == {"USA", "Brasilien"}  # wiwo.de/themen/...
    liberation = reasons(62)
    assert "78 commentaires" in liberation["anchor"]
    assert "Une haute responsable de l'ETA arrêtée en France" in liberation["related"]


def test_links_of_every_corpus_page_are_located() -> None:
    located = total = 0
    for number in (1, 2, 3, 10, 14, 17, 45, 51):
        for link in citation_links(article(number), page_url(number)):
            total += 1
            if link.start >= 0:
                located += 1
                assert link.sentence_start <= link.start < link.end <= link.sentence_end
    assert total > 100 and located / total > 0.97


def test_hand_written_boilerplate() -> None:
    text = (
        "The ministry said on Monday that 12 drones were shot down, according to a statement.\n"
        "Share this article\nRead more\nFollow @newsdesk\nWar in Ukraine\n"
        "Our correspondent Jane Doe reported from Kyiv."
    )
    base = "https://news.example.com/2024/03/04/drones"
    extraction = Extraction(
        text=text,
        links=(
            ("https://mil.example.gov/statements/1234", "a statement"),
            ("https://www.facebook.com/sharer/sharer.php?u=" + base, "Share this article"),
            ("https://twitter.com/intent/tweet?url=" + base, "Share this article"),
            ("https://news.example.com/2024/03/04/other-story", "Read more"),
            ("https://twitter.com/newsdesk", "Follow @newsdesk"),
            ("https://news.example.com/tag/ukraine/", "War in Ukraine"),
            ("https://news.example.com/author/jane-doe", "Jane Doe"),
            ("mailto:tips@news.example.com", "tips"),
            ("javascript:void(0)", "print"),
            (base + "#comments", "comments"),
            ("https://www.news.example.com/", "Home"),
        ),
    )
    decisions = classify_links(extraction, base)
    assert [(d.kind, d.link.anchor) for d in decisions] == [
        ("citation", "a statement"),
        ("share", "Share this article"),
        ("share", "Share this article"),
        ("anchor", "Read more"),
        ("anchor", "Follow @newsdesk"),
        ("taxonomy", "War in Ukraine"),
        ("taxonomy", "Jane Doe"),
        ("scheme", "tips"),
        ("scheme", "print"),
        ("self", "comments"),
        ("homepage", "Home"),
    ]
    (kept,) = citation_links(extraction, base)
    assert kept.sentence.startswith("The ministry said on Monday") and kept.start > 0


def test_same_site() -> None:
    assert same_site("https://www.bbc.co.uk/news/1", "https://feeds.bbc.co.uk/x")
    assert not same_site("https://bbc.co.uk/", "https://co.uk/")
    assert same_site("http://topics.nytimes.com/top", "https://www.nytimes.com/2017/01/13/x")
    assert not same_site("https://nytimes.com/", "https://nytimes.co.uk/")


def kinds(text: str, article_url: str, links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(kind, anchor) of every decision on a hand-written page."""
    decisions = classify_links(Extraction(text=text, links=tuple(links)), article_url)
    return [(d.kind, d.link.anchor) for d in decisions]


def test_url_shapes() -> None:
    assert is_dated("https://a.example/world/2019/nov/18/x") and is_dated(
        "https://a.example/x-20191115/"
    )
    assert is_dated("https://a.example/story/2019-11-19/x") and not is_dated(
        "https://a.example/2019-budget"
    )
    assert is_numbered("https://a.example/news/471033-south-dakota") and is_numbered(
        "https://a.example/a-8f2c1d7e"
    )
    assert not is_numbered("https://a.example/best-inventions-2023/")
    assert is_document("https://a.example/files/report.PDF") and not is_document(
        "https://a.example/x.html"
    )
    assert topic_page("https://a.example/world/jane-roe", "Jane Roe’s")
    assert topic_page("https://a.example/by/jane-roe-h1b2c3", "Jane Roe")
    assert topic_page("https://a.example/environment/climate-crisis", "climate crisis")
    assert not topic_page("https://a.example/world/2024/may/01/jane-roe", "Jane Roe")  # dated
    assert not topic_page(
        "https://a.example/world/jane-roe-interview", "Jane Roe"
    )  # not just the name
    assert not topic_page("https://a.example/reports/jane-roe.pdf", "Jane Roe")  # a document
    assert name_like("Leah C. Stokes") and name_like("Jakob von Moltke")
    assert (
        not name_like("Worth Your Time")
        and not name_like("climate crisis")
        and not name_like("Sudan")
    )


def test_topic_and_person_pages_of_the_site() -> None:
    base = "https://www.herald.example/world/2024/may/02/minister-resigns"
    text = (
        "The minister, Jane Roe, resigned after a row over the budget, as the Herald reported in "
        "April. Her rival John Smith told the Courier she had to go, and the climate crisis split "
        "the cabinet, says the Treasury's report. More in our royal news coverage."
    )
    links = [
        ("https://www.herald.example/world/jane-roe", "Jane Roe"),
        (
            "https://www.herald.example/politics/2024/apr/25/jane-roe-budget-row",
            "reported in April",
        ),
        # another site's short page named after the person: their profile, not a document
        ("https://www.courier.example/john-smith", "John Smith"),
        ("https://www.herald.example/environment/climate-crisis", "climate crisis"),
        ("https://www.treasury.example/media/spending-review.pdf", "report"),
        ("https://www.herald.example/uk/royal-news", "royal news coverage"),
    ]
    decisions = classify_links(Extraction(text=text, links=tuple(links)), base)
    assert [d.kind for d in decisions] == [
        "person-topic",
        "citation",
        "profile",
        "taxonomy",
        "citation",
        "navigation",
    ]
    assert decisions[0].reason == "person-topic: same-site /world/jane-roe named by its anchor"
    assert "dated" in decisions[1].reason and "John Smith's own page" in decisions[2].reason
    assert "unlike the article's URL" in decisions[5].reason
    # on a site whose own article URL is undated, a short path is not ruled out by its shape
    undated = "https://www.herald.example/minister-resigns-after-a-row-over-the-budget"
    assert kinds(text, undated, links[-1:]) == [("citation", "royal news coverage")]


def test_promo_calls() -> None:
    assert (
        promo_call("Sign up to Morning Briefing, our free daily newsletter – at 7am") == "Sign up"
    )
    assert promo_call("- Want weekly recs? Sign Up for Worth Your Time") == "Sign Up"
    assert promo_call("Follow us on Twitter and Facebook.") == "Follow us"
    assert promo_call("Get the day's news in your inbox with our morning newsletter.")
    assert promo_call("Abonnez-vous à notre newsletter.") == "Abonnez-vous"
    assert promo_call("Abonnieren Sie hier die Morgenlage.") == "Abonnieren Sie"
    assert promo_call("Half of the farmers signed up for the scheme, the ministry said.") is None
    assert promo_call("“Support our troops,” the senator said.") is None  # speech, not a call
    assert promo_call("Politico's Playbook newsletter reported the move on Monday.") is None
    assert promo_call("The plan works as follows: donors subscribe to a fund.") is None


def test_promo_paragraph_inside_the_body() -> None:
    base = "https://www.herald.example/uk-news/2024/may/02/strike"
    text = (
        "Rail workers will strike on Friday, the union said in a statement.\n"
        "Sign up to First Post, our free daily newsletter\n"
        "Follow our live coverage on Instagram."
    )
    links = [
        ("https://www.union.example/news/2024/05/strike-notice", "said in a statement"),
        ("https://www.herald.example/info/2016/feb/15/first-post-sign-up", "First Post"),
        ("https://www.instagram.com/herald", "live coverage on Instagram"),
    ]
    decisions = classify_links(Extraction(text=text, links=tuple(links)), base)
    assert [d.kind for d in decisions] == ["citation", "promo", "promo"]
    assert decisions[1].reason == "promo: 'Sign up' call in its sentence"


def test_headlines_lead_ins_and_closing_bio() -> None:
    base = "https://www.daily.example/news/2024/05/06/teachers-strike-5123456"
    site = "https://www.daily.example/news/2024/"
    text = (
        "Teachers walked out on Monday. The premier said in March the state could not pay more.\n"
        "Read also: Premier rejects union demands\n"
        "Schools | Unions | Budget\n"
        "More from Education\n"
        "  Teachers vote to strike\n"
        "  Why casual teachers leave\n"
        "Jane Roe is our education reporter. She wrote The Classroom Crisis."
    )
    links = [
        (site + "03/12/premier-pay-rise-5100001", "said in March"),
        (site + "05/05/premier-rejects-union-demands-5122222", "Premier rejects union demands"),
        ("https://www.daily.example/schools", "Schools"),
        ("https://www.daily.example/unions", "Unions"),
        ("https://www.daily.example/budget", "Budget"),
        (site + "04/20/teachers-vote-to-strike-5111111", "Teachers vote to strike"),
        (site + "04/01/casual-teachers-5100000", "casual teachers"),
        ("https://www.daily.example/author/jane-roe", "Jane Roe"),
        ("https://books.example/the-classroom-crisis", "The Classroom Crisis"),
    ]
    decisions = classify_links(Extraction(text=text, links=tuple(links)), base)
    reasons = [d.reason for d in decisions]
    assert reasons[0].startswith("citation")
    assert reasons[1] == "related: after the lead-in 'Read also:'"
    assert {r.split(":")[0] for r in reasons[2:5]} <= {"taxonomy", "related"}
    assert reasons[5] == "related: same-site headline on a line of its own"
    assert reasons[6] == "related: one of a list of short same-site link lines"
    assert reasons[7].startswith("taxonomy")
    assert reasons[8] == "bio: in the closing bio after /author/jane-roe"
