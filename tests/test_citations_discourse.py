"""Discourse-level attribution: speakers and sources resolved across sentences and paragraphs.

The articles are invented (names, places and outlets), written the way wire and newspaper
reports are: a speaker introduced with a source, then "Roe said", "She said", "It said"...
"""

from __future__ import annotations

import pytest

from archive.citations.attributions import Attribution, find_attributions
from archive.citations.links import CitationLink
from archive.citations.registry import load_registry
from archive.citations.registry_file import read_sources
from archive.citations.sentences import sentence_spans
from tests.citations_eval import FRESH_DIR

_FARO = FRESH_DIR / "sources.json"  # Agencia Faro, a registered agency

BORDER = """VALDORA — The defence minister of Valdora, Piotr Halvik, said on Tuesday that the army had pushed back three assaults near the river town of Brenn.
The minister's remarks followed an interview given to the Morning Ledger by Jane Roe, the deputy head of the State Border Service.
Roe said the border guards had recorded a sharp rise in crossings since March.
She said the figures would be published in full next week.
She denied that the service had lost control of the northern sector.
But she acknowledged that morale among new recruits was low.
A research institute in the capital published a report on Monday. It said satellite images strongly suggested “the artillery had been moved closer to the town in the past fortnight.”
The report also found that supply lines to the front had been cut twice in October.
Halvik, speaking at a news conference, said the government would not comment on the report.
Maria Lenz, a nurse at the district hospital in Brenn, has treated the wounded since August. She told the Example news agency: “We have not slept for three days, and the shelling gets closer every night.”
"""  # noqa: E501


def sentence_of(text: str, fragment: str) -> int:
    """The index of the sentence holding ``fragment``."""
    offset = text.index(fragment)
    return next(i for i, (s, e) in enumerate(sentence_spans(text)) if s <= offset < e)


def claim(found: list[Attribution], start: str) -> Attribution:
    matches = [a for a in found if a.statement.startswith(start)]
    assert len(matches) == 1, [a.statement for a in found]
    return matches[0]


@pytest.fixture(scope="module")
def border() -> list[Attribution]:
    found = find_attributions(BORDER, load_registry(environ={}))
    for attribution in found:
        assert BORDER[attribution.start : attribution.end] == attribution.statement
        assert 0.0 <= attribution.confidence <= 1.0
    return found


def test_interview_source_carried_to_the_speakers_later_statements(
    border: list[Attribution],
) -> None:
    interview = sentence_of(BORDER, "an interview given to the Morning Ledger")
    chain = [
        claim(border, "the border guards had recorded"),  # Roe said
        claim(border, "the figures would be published"),  # She said
        claim(border, "the service had lost control"),  # She denied
        claim(border, "morale among new recruits"),  # But she acknowledged
    ]
    assert [a.speaker for a in chain] == ["Jane Roe"] * 4
    assert [a.speaker_text for a in chain] == ["Roe", "She", "She", "she"]
    assert [a.speaker_resolution for a in chain] == ["surname", "pronoun", "pronoun", "pronoun"]
    assert [a.verb for a in chain] == ["said", "said", "denied", "acknowledged"]
    for attribution in chain:
        assert attribution.source is not None and attribution.source.kind == "outlet"
        assert attribution.source.name == "the Morning Ledger"
        assert attribution.resolution == f"carried from sentence {interview}"
        assert attribution.carried_from == interview
        assert attribution.source_name == "the Morning Ledger" and attribution.source_id is None
    # the longer the carry, the lower the confidence; a named speaker beats a pronoun
    confidences = [a.confidence for a in chain]
    assert confidences == sorted(confidences, reverse=True)
    assert confidences[0] < claim(border, "the army had pushed back").confidence


def test_it_is_the_report_not_the_subject_after_the_verb(border: list[Attribution]) -> None:
    published = sentence_of(BORDER, "published a report on Monday")
    # reported speech holding a quotation is one claim: "It said satellite images strongly
    # suggested “the artillery had been moved ...”"
    quote = claim(border, "satellite images strongly suggested “the artillery")
    assert quote.kind == "reported"
    assert quote.speaker == "A research institute"  # not "satellite images"
    assert (quote.speaker_text, quote.speaker_resolution) == ("It", "pronoun")
    assert quote.source is not None
    assert (quote.source.kind, quote.source.name) == ("document", "a report")
    assert quote.source.publisher == "A research institute"
    assert quote.resolution == f"carried from sentence {published}"
    # "found" reports a document's finding; "The report" refers back to it
    finding = claim(border, "supply lines to the front")
    assert (finding.verb, finding.speaker_resolution) == ("found", "description")
    assert finding.source == quote.source


def test_an_occasion_without_outlet_is_no_source(border: list[Attribution]) -> None:
    conference = claim(border, "the government would not comment")
    assert (conference.speaker, conference.speaker_text) == ("Piotr Halvik", "Halvik")
    assert conference.source is None and conference.resolution is None


def test_she_is_the_nearest_woman_and_the_unregistered_agency_is_the_source(
    border: list[Attribution],
) -> None:
    nurse = claim(border, "We have not slept for three days")
    assert (nurse.speaker, nurse.speaker_text) == ("Maria Lenz", "She")  # not Jane Roe
    assert nurse.source is not None
    assert (nurse.source.kind, nurse.source.name) == ("outlet", "the Example news agency")
    assert nurse.resolution == "named" and nurse.carried_from is None


WIRE = """MIRANO (Reuters) - Kremlin spokesman Dmitry Peskov told the RIA Novosti news agency that Moscow had received no new proposals for a ceasefire.
Peskov said a meeting of negotiators could still take place before the end of the month.
"We will not negotiate under pressure," Peskov told reporters later on Monday.
He added that the delegation had not yet been chosen.
The Coastal Herald reported that two ferries had been diverted to the northern port. The paper said the harbour had been closed to civilian traffic.
"""  # noqa: E501


def test_registered_source_carried_until_an_occasion_with_none() -> None:
    found = find_attributions(WIRE, load_registry(environ={}))
    first = claim(found, "Moscow had received no new proposals")
    assert (first.source_id, first.resolution) == ("ria", "named")
    carried = claim(found, "a meeting of negotiators")
    assert (carried.speaker, carried.source_id, carried.carried_from) == (
        "Dmitry Peskov",
        "ria",
        0,
    )
    reporters = claim(found, "We will not negotiate under pressure")
    assert reporters.source is None  # "told reporters": another occasion, no outlet
    added = claim(found, "the delegation had not yet been chosen")
    assert (added.speaker, added.speaker_text) == ("Dmitry Peskov", "He")
    assert added.source is None  # nothing is carried past the occasion


def test_outlet_named_by_reported_and_the_paper_refers_back_to_it() -> None:
    found = find_attributions(WIRE)
    herald = claim(found, "two ferries had been diverted")
    assert herald.source is not None and herald.source.name == "The Coastal Herald"
    paper = claim(found, "the harbour had been closed")
    assert (paper.speaker, paper.speaker_resolution) == ("The Coastal Herald", "description")
    assert paper.source == herald.source
    assert paper.resolution == f"carried from sentence {herald.sentence_index}"


LINKED = """Ines Varga, an economist at the Pellinor Institute, set out her forecast in a blog post on Thursday.
Varga said inflation would fall below 3 percent by the spring.
She argued that the central bank had raised rates too quickly.
The bank said in a statement that it would keep rates unchanged.
"""  # noqa: E501


def test_link_in_the_sentence_and_link_carried_from_the_introducing_sentence() -> None:
    anchor = LINKED.index("a blog post")
    url = "https://blog.example.org/forecast"
    spans = [(anchor, anchor + len("a blog post"), url)]
    found = find_attributions(LINKED, links=spans)
    forecast = claim(found, "inflation would fall")
    assert forecast.source is not None
    assert (forecast.source.kind, forecast.source.url) == ("link", url)
    assert (forecast.resolution, forecast.carried_from) == ("carried from sentence 0", 0)
    argued = claim(found, "the central bank had raised")
    assert (argued.speaker, argued.verb) == ("Ines Varga", "argued")
    assert argued.source == forecast.source
    bank = claim(found, "it would keep rates unchanged")
    assert bank.source is None
    # a link in the claim's own sentence: resolution "link"; CitationLink objects work too
    own = LINKED.index("in a statement")
    link = CitationLink(
        url="https://bank.example/statement",
        anchor="in a statement",
        sentence="",
        start=own,
        end=own + len("in a statement"),
        sentence_start=0,
        sentence_end=0,
        same_site=False,
    )
    statement = claim(find_attributions(LINKED, links=[link]), "it would keep rates")
    assert statement.source is not None and statement.source.url == link.url
    assert statement.resolution == "link"


QUOTED = """Tomas Brandt, the mayor of Ostfeld, spoke at the opening of the new school on Friday.
“We promised the families of this district a school, and today we have kept that promise,” Brandt said. “The building cost less than planned.
“It was finished two months early, and it will serve more than eight hundred children.
“Nobody thought we could do it in one year.”
“The second school will open in the north of the city next autumn.
“It will be paid for by the same fund,” he added.
"""  # noqa: E501


def test_quotation_over_several_paragraphs_keeps_its_speaker() -> None:
    found = find_attributions(QUOTED)
    for start in (
        "The building cost less than planned",
        "It was finished two months early",
        "Nobody thought we could do it in one year",
    ):
        assert claim(found, start).speaker == "Tomas Brandt"
    # a quotation whose frame comes in its last paragraph: the first paragraph is his too
    north = claim(found, "The second school will open")
    assert (north.speaker, north.speaker_resolution) == ("Tomas Brandt", "continuation")
    assert claim(found, "It will be paid for by the same fund").speaker_text == "he"


UNRESOLVED = """The bridge over the Lenn river was closed on Monday after inspectors found cracks in two of its pillars.
Engineers began repairs overnight.
She said the work would take at least three weeks.
Paul Ferrand, a retired engineer, said the closure was a precaution.
She told the Valley Echo newspaper that drivers should expect long delays.
Ferrand has crossed the bridge every morning for forty years. It said the bridge carried 20,000 vehicles a day.
"""  # noqa: E501


def test_a_pronoun_with_no_compatible_antecedent_has_no_speaker() -> None:
    found = find_attributions(UNRESOLVED)
    first = claim(found, "the work would take at least three weeks")
    assert first.speaker is None and first.speaker_text == "She"  # nobody to refer to
    assert first.confidence < 0.5
    ferrand = claim(found, "the closure was a precaution")
    assert ferrand.speaker == "Paul Ferrand, a retired engineer"
    delays = claim(found, "drivers should expect long delays")
    assert delays.speaker is None  # the only person is a man: no "she" to be had
    assert delays.source is not None and delays.source.name == "the Valley Echo newspaper"
    vehicles = claim(found, "the bridge carried")
    assert vehicles.speaker is None  # "It": only a person just before, no organisation


GENDER = """Anna Keller met Jonas Weber, the deputy mayor, at the town hall on Friday.
He said the council would vote on the budget next month.
Keller said she would oppose any cut to the library's opening hours.
"""


def test_pronoun_agrees_with_the_gender_of_the_given_name() -> None:
    found = find_attributions(GENDER)
    budget = claim(found, "the council would vote")
    assert (budget.speaker, budget.speaker_resolution) == ("Jonas Weber", "pronoun")
    library = claim(found, "she would oppose")
    assert (library.speaker, library.speaker_resolution) == ("Anna Keller", "surname")


def test_another_source_replaces_the_carried_one() -> None:
    text = (
        "Lena Sorrow told the Harbour Times that the port would reopen in May.\n"
        "Sorrow said the dredging had already begun.\n"
        "In an interview with the Evening Courier, Sorrow said the costs had doubled.\n"
        "She said the ministry had promised to cover the difference.\n"
    )
    found = find_attributions(text)
    names = [a.source.name if a.source else None for a in found]
    assert names == ["the Harbour Times", "the Harbour Times", "the Evening Courier"] * 1 + [
        "the Evening Courier"
    ]
    assert [a.resolution for a in found] == [
        "named",
        "carried from sentence 0",
        "named",
        "carried from sentence 2",
    ]


COLUMN = """Karin Holm, a former finance minister, wrote in the Northern Gazette on Sunday that the budget would leave a gap of two billion crowns.
She insisted that the government had hidden the true cost of the new railway.
The ruling party's newspaper said the figures were invented.
Officials at the treasury confirmed that a review of the accounts was under way.
They estimated that it would be finished by the end of the year.
A study by the Institute for the Study of War concluded that the railway had been planned for military use.
"""  # noqa: E501


def test_wrote_in_owned_outlet_they_and_a_registered_document() -> None:
    found = find_attributions(COLUMN, load_registry(environ={}))
    insisted = claim(found, "the government had hidden")
    assert (insisted.speaker, insisted.verb) == ("Karin Holm", "insisted")
    assert insisted.source is not None and insisted.source.name == "the Northern Gazette"
    party = claim(found, "the figures were invented")
    assert party.source is not None and party.source.name == "The ruling party's newspaper"
    assert party.resolution == "named"
    estimate = claim(found, "it would be finished")
    assert (estimate.speaker, estimate.speaker_text) == ("Officials", "They")
    study = claim(found, "the railway had been planned")
    assert study.source is not None
    assert (study.source.kind, study.source.name, study.source.source_id) == (
        "document",
        "A study",
        "isw",
    )
    assert study.source_id == "isw"


PRESS = """Officials in Tarnow said the new bridge would open in May.
“The crossing will halve journey times for thousands of commuters,” the city engineer Ada Brisk said in a statement.
Brisk, who has worked on the project since 2019, took over the works from a private contractor last year.
“The steel arrived late, but we have made up the time,” the deputy mayor Tom Ferris said in the statement.
Ferris told reporters that the toll would be dropped after ten years.
"""  # noqa: E501


def _linked(text: str, anchor: str, url: str) -> tuple[int, int, str]:
    start = text.index(anchor)
    return (start, start + len(anchor), url)


def test_the_statement_recalls_the_linked_statement_and_a_name_link_is_no_source() -> None:
    release = "https://tarnow.example/press/2026/bridge-opening"
    profile = "https://tarnow.example/people/ada-brisk"
    links = [_linked(PRESS, "said in a statement", release), _linked(PRESS, "Brisk", profile)]
    found = find_attributions(PRESS, links=links)
    first = claim(found, "The crossing will halve")
    assert first.source is not None and first.source.url == release
    recalled = claim(found, "The steel arrived late")
    assert recalled.source is not None and recalled.source.url == release
    assert recalled.speaker is not None and recalled.speaker.endswith("Tom Ferris")
    toll = claim(found, "the toll would be dropped")
    assert toll.source is None or toll.source.url != profile
    assert all(a.source is None or a.source.url != profile for a in found)


def test_an_anchor_whose_next_word_names_the_occasion_is_the_statements_source() -> None:
    text = (
        "In her first Facebook post of the year, Mara Quell noted that the ferry fares "
        "would rise in the spring.\n"
    )
    found = find_attributions(text, links=[_linked(text, "her first Facebook", "https://fb.test/p/1")])
    (claim,) = found
    assert claim.statement == "the ferry fares would rise in the spring"
    assert claim.source is not None and claim.source.url == "https://fb.test/p/1"


def test_a_time_is_no_speaker_and_the_subject_before_the_verb_is() -> None:
    text = (
        "Ola Brant is a climate scientist.\n"
        "Today, in a new paper published in a climate journal, he brings a new warning: "
        "glaciers are melting faster than models predicted.\n"
    )
    speakers = {a.speaker for a in find_attributions(text)}
    assert "Today" not in speakers


def test_the_researchers_findings_come_from_their_linked_study_not_a_later_interview() -> None:
    text = (
        "A wrist alert missed most cases, according to a study published on Wednesday.\n"
        "The researchers estimated that the alert caught about 35 percent of true cases.\n"
        "“People see a green tick and assume they are fine,” said Hanna Ode, a professor who "
        "led the study.\n"
        "Rafa Domin, a doctor who was not involved in the research, said the lab test set the "
        "bar too high.\n"
    )
    url = "https://journal.test/study-1"
    found = {a.statement: a for a in find_attributions(text, links=[_linked(text, "a study", url)])}
    estimated = found["the alert caught about 35 percent of true cases"]
    assert estimated.source is not None and estimated.source.url == url
    for statement in ("People see a green tick and assume they are fine",
                      "the lab test set the bar too high"):
        claim = found[statement]
        assert claim.source is None or claim.source.url != url, claim  # their own words


def test_apposed_name_registered_agency_told_parliament_and_it_said() -> None:
    registry = load_registry(environ={}).with_overrides(
        read_sources(_FARO, allow_disabled=True)
    )
    text = (
        "In a blog post published on Monday, the company’s chief medical officer, Dr. Colm "
        "Weir, wrote that the tests had used an old version of the software.\n"
        "“The band is a wellness device, not a diagnostic one,” Weir wrote.\n"
        "Ramon Ezquerra, the energy minister, told the Ondorian news agency Agencia Faro on "
        "Sunday that the utility would look seriously at any stake.\n"
        "Weir told parliament in April that the company had no plans to sell any shares.\n"
        "The ministry issued new rules on Monday.\n"
        "No single investor would be allowed to hold more than 10% of the company, it said.\n"
    )
    links = [_linked(text, "a blog post", "https://pw.test/b")]
    found = {a.statement: a for a in find_attributions(text, registry, links=links)}
    quoted = found["The band is a wellness device, not a diagnostic one"]
    assert quoted.source is not None and quoted.source.url == "https://pw.test/b"
    assert found["the utility would look seriously at any stake"].source_id == "agenciafaro"
    assert found["the company had no plans to sell any shares"].source is None  # parliament
    capped = found["No single investor would be allowed to hold more than 10% of the company"]
    assert capped.speaker == "The ministry"


def test_the_data_come_from_the_source_linked_just_before_and_after_x_confirmed() -> None:
    text = (
        "Bus journeys fell by a fifth, according to figures published by the Office for "
        "Regional Statistics in April.\n"
        "The data show that evening travel has recovered more slowly than any other part of "
        "the week, and that passengers aged 65 and over now make a quarter of all journeys.\n"
        "The council says it will spend £280,000 to keep three routes running, after Redbank "
        "Buses confirmed it will withdraw every service after 7pm.\n"
    )
    url = "https://ors.test/bulletin"
    links = [_linked(text, "Office for Regional Statistics", url)]
    found = {a.statement: a for a in find_attributions(text, links=links)}
    for statement in (
        "evening travel has recovered more slowly than any other part of the week",
        "passengers aged 65 and over now make a quarter of all journeys",
    ):
        assert found[statement].source is not None and found[statement].source.url == url
    assert found["it will spend £280,000 to keep three routes running"].speaker == "The council"
    assert found["it will withdraw every service after 7pm"].speaker == "Redbank Buses"


def test_a_month_before_a_role_and_name_is_no_speaker() -> None:
    text = (
        "Brevania will sell part of the grid before the end of October, the finance minister, "
        "Irena Kovalt, has said.\n"
        "Kovalt set out the timetable in an interview with the Lisk Tribune on Sunday.\n"
        "She said the sale would be split between a listing and a placement.\n"
    )
    found = find_attributions(text, links=[_linked(text, "an interview", "https://lt.test/i")])
    lede = found[0]
    assert lede.statement == "Brevania will sell part of the grid before the end of October"
    assert lede.speaker == "the finance minister, Irena Kovalt"
    assert lede.source is not None and lede.source.url == "https://lt.test/i"  # told after


def test_told_a_full_council_meeting_is_an_occasion_of_its_own() -> None:
    text = (
        "In a press release, councillor Ayla Brent said the funding buys only eight months.\n"
        "Brent told a full council meeting in March that subsidies were a matter for the county.\n"
    )
    links = [_linked(text, "a press release", "https://c.test/r")]
    found = {a.statement: a for a in find_attributions(text, links=links)}
    assert found["the funding buys only eight months"].source is not None
    assert found["subsidies were a matter for the county"].source is None
