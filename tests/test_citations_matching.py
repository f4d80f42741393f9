"""Claim to passage: exact and paraphrased matches in real articles, not-found, translation."""

from __future__ import annotations

import pytest

from archive.citations.languages import dominant_script, normalize_language
from archive.citations.matching import MATCH_THRESHOLD, match_claim
from tests.citations_data import article


def test_exact_quote_gives_its_offsets() -> None:
    text = article(51).text
    found = match_claim("Our nation is in danger", text, "en", "en")
    assert (found.status, found.method, found.score) == ("found", "exact", 1.0)
    assert found.start is not None and found.end is not None
    assert text[found.start : found.end] == "Our nation is in danger" == found.passage


def test_quote_with_ellipsis_and_curly_quotes() -> None:
    text = article(51).text
    found = match_claim(
        "There is a consensus here that this ... is alien to our culture", text, "en-US", "en"
    )
    assert found.method == "exact" and found.passage == (
        "There is a consensus here that this [attack] is alien to our culture"
    )
    # straight apostrophes in the claim, curly ones in the source
    found = match_claim("if there's fear of further attacks", text, "en", "en")
    assert found.method == "exact" and found.passage == "if there’s fear of further attacks"


@pytest.mark.parametrize(
    ("number", "statement", "expected"),
    [
        (
            51,
            "Amnesty's Tunisia director warned the government could use the attack to justify "
            "draconian measures",
            "There is worry the government will use the attack to justify some draconian measures",
        ),
        (
            51,
            "The prime minister said a museum employee and a security officer were also killed "
            "along with the foreign visitors",
            "a local museum worker and a security official were killed",
        ),
        (
            5,
            "Austria will turn the house where Hitler was born into a police station, the "
            "interior minister announced",
            "The house where Adolf Hitler was born will be turned into a police station",
        ),
        (
            12,
            "The five firms are now allowed to compete to deliver robotic payloads to the surface "
            "of the moon for NASA",
            "The five companies can now vie to deliver robotic payloads to the lunar surface",
        ),
    ],
)
def test_paraphrase_finds_the_right_passage(number: int, statement: str, expected: str) -> None:
    text = article(number).text
    found = match_claim(statement, text, "en", "en")
    assert found.status == "found" and found.method == "fuzzy", found.reason
    assert MATCH_THRESHOLD <= found.score < 1.0
    assert found.start is not None and found.end is not None
    assert found.passage == text[found.start : found.end]
    assert expected in found.passage
    assert len(found.passage) < 400  # a passage, not the article


@pytest.mark.parametrize(
    "statement",
    [
        "The central bank raised interest rates by half a percentage point to fight inflation",
        "Apple unveiled a new iPhone with a faster chip and a better camera at its annual event",
        # a real attributed statement of another article (Yonhap, shared-046)
        "The joint command post exercise that the warmongers in South Korea are conducting "
        "together with the U.S. is an outright hostile act of invading us",
    ],
)
def test_unrelated_statement_is_not_found(statement: str) -> None:
    found = match_claim(statement, article(51).text, "en", "en")
    assert found.status == "not_found" and not found.found
    assert found.passage is None and found.start is None
    assert found.score < MATCH_THRESHOLD


def test_short_common_statement_is_not_enough() -> None:
    # two ordinary words in common prove nothing
    assert match_claim("It makes you more human", article(12).text).status == "not_found"


def test_russian_source_for_english_claim_needs_translation() -> None:
    russian = article(20)
    assert normalize_language(russian.language) == "ru"
    claim = "The 53-year-old model said that what frightens her most is getting old"
    flagged = match_claim(claim, russian.text, russian.language, "en-US")
    assert flagged.status == "needs_translation" and not flagged.found
    assert flagged.reason.startswith("languages differ: ru vs en; candidate passage: ")
    # nothing is matched, but the sentence with the claim's number is pointed at
    assert flagged.passage is not None and "53" in flagged.passage
    assert flagged.passage == russian.text[flagged.start : flagged.end]
    # with no declared language, the scripts (Cyrillic vs Latin) tell
    flagged = match_claim(claim, russian.text, None, None)
    assert flagged.status == "needs_translation"
    assert flagged.reason.startswith("scripts differ: cyrillic vs latin")
    # a claim sharing nothing that survives translation gets no passage
    bare = match_claim("what frightens her most is getting old", russian.text, "ru", "en")
    assert (bare.status, bare.passage, bare.score) == ("needs_translation", None, 0.0)
    assert bare.reason == "languages differ: ru vs en"


def test_unknown_language_is_not_a_difference() -> None:
    text = article(51).text  # declares no language
    found = match_claim("Our nation is in danger", text, None, "en")
    assert found.status == "found"
    assert match_claim("Our nation is in danger", text, "en-GB", "en_US").status == "found"


def test_language_helpers() -> None:
    assert normalize_language("en-US") == "en"
    assert normalize_language("EN_gb") == "en"
    assert normalize_language("und") is None and normalize_language("") is None
    assert normalize_language("not a tag") is None
    assert dominant_script(article(20).text) == "cyrillic"
    assert dominant_script("123 !") is None


@pytest.mark.parametrize(
    ("statement", "source"),
    [
        # another language in the same script, no language declared: names and numbers only
        (
            "Habib Essid told parliament in Tunis that 17 tourists had died in the attack",
            "Ministerpräsident Habib Essid erklärte am Mittwoch in Tunis, 17 Touristen seien "
            "bei dem Anschlag ums Leben gekommen.",
        ),
        # the same language, but nothing in common beyond who, where and how many
        (
            "Peskov said Putin and Erdogan would meet in Ankara on 12 May 2024",
            "In Ankara on 12 May 2024, Peskov, Putin and Erdogan were pictured at a football game.",
        ),
    ],
)
def test_names_and_numbers_alone_never_match(statement: str, source: str) -> None:
    found = match_claim(statement, source)
    assert found.status == "not_found" and found.passage is None, found


def test_cross_language_claim_is_never_matched_even_with_names_and_numbers() -> None:
    source = "Песков заявил, что Путин и Эрдоган встретятся в Анкаре 12 мая 2024 года."
    claim = "Peskov said Putin and Erdogan would meet in Ankara on 12 May 2024"
    for languages in (("ru", "en"), (None, None), (None, "en")):
        found = match_claim(claim, source, *languages, speaker="Peskov")
        assert found.status == "needs_translation" and not found.found
        assert found.passage == source  # pointed at, not matched


def test_a_short_claim_matches_where_its_quoted_words_stand_verbatim() -> None:
    source = (
        "The harbour board met on Monday to discuss the budget for the coming year and the "
        "repairs.\nThe Ministry of Foreign Affairs of Sarovia is deeply troubled by reports of "
        "large-scale construction work on the northern pier of the disputed island.\nThe "
        "ministry calls on all parties to respect the agreements reached in earlier rounds of "
        "talks.\nReports from fishermen describe heavy vehicles on the island since October.\n"
    )
    quoted = match_claim("it was “deeply troubled” by the reports", source, "en", "en")
    assert quoted.found and quoted.passage is not None
    assert quoted.passage.startswith("The Ministry of Foreign Affairs of Sarovia is deeply")
    plain = match_claim("it was worried by the reports", source, "en", "en")
    assert not plain.found  # without the quoted words, two common words prove nothing
    elsewhere = match_claim("it was “badly shaken” by the reports", source, "en", "en")
    assert not elsewhere.found  # quoted words the source does not hold earn nothing
