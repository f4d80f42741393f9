"""The source registry: defaults, user files, validation errors, name and domain look-ups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.citations.registry import Registry, RegistryError, load_registry, search_url

DEFAULT_IDS = {"telegraph", "ria", "isw", "reuters", "ap", "bbc", "tass", "interfax"}


def write(tmp_path: Path, data: object, name: str = "sources.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_defaults_cover_the_issue_publishers() -> None:
    registry = load_registry(environ={})
    assert {source.id for source in registry} == DEFAULT_IDS
    for source in registry:
        assert source.domains and source.language
        assert source.feeds or source.sitemaps, source.id
        assert source.origin.endswith("sources.json")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RIA Novosti", "ria"),
        ("RIA", "ria"),
        ("РИА Новости", "ria"),
        ("ria-novosti", "ria"),
        ("the Institute for the Study of War", "isw"),
        ("ISW", "isw"),
        ("The Daily Telegraph", "telegraph"),
        ("Associated Press", "ap"),
        ("https://hosted2.ap.org/APDEFAULT/article", "ap"),
        ("www.bbc.co.uk", "bbc"),
        ("https://feeds.bbci.co.uk/news/rss.xml", "bbc"),
        ("tass.com", "tass"),
        ("ТАСС", "tass"),
        ("interfax.ru", "interfax"),
        ("reuters", "reuters"),
        ("The New York Times", None),
        ("nytimes.com", None),
        ("", None),
    ],
)
def test_find_source(query: str, expected: str | None) -> None:
    source = load_registry(environ={}).find_source(query)
    assert (source.id if source else None) == expected


def test_find_names_in_text() -> None:
    registry = load_registry(environ={})
    text = (
        "Peskov told the RIA Novosti news agency that talks had stalled. MOSCOW (REUTERS) - "
        "The Associated Press and AP both reported it; a telegraph pole fell; "
        "Интерфаксу сообщили. Apple said nothing."
    )
    found = [(m.source_id, text[m.start : m.end]) for m in registry.find_names(text)]
    assert found == [
        ("ria", "RIA Novosti news agency"),
        ("reuters", "REUTERS"),
        ("ap", "The Associated Press"),
        ("ap", "AP"),
        ("interfax", "Интерфаксу"),
    ]


def test_feed_language_overrides_the_source_language() -> None:
    tass = load_registry(environ={}).get("tass")
    assert tass is not None and tass.language == "ru"
    languages = {feed.url: feed.language for feed in tass.feeds}
    assert languages["https://tass.com/rss/v2.xml"] == "en"
    assert languages["https://tass.ru/rss/v2.xml"] == "ru"


def test_search_url_quotes_the_query() -> None:
    bbc = load_registry(environ={}).get("bbc")
    assert bbc is not None
    assert (
        search_url(bbc, "Bakhmut & Wagner") == "https://www.bbc.co.uk/search?q=Bakhmut+%26+Wagner"
    )


def test_user_file_extends_overrides_and_removes(tmp_path: Path) -> None:
    user = write(
        tmp_path,
        {
            "sources": [
                {
                    "id": "kyivindependent",
                    "name": "The Kyiv Independent",
                    "aliases": ["Kyiv Independent"],
                    "domains": ["kyivindependent.com"],
                    "language": "en",
                    "feeds": ["https://kyivindependent.com/news-archive/rss/"],
                },
                {
                    "id": "reuters",
                    "name": "Reuters",
                    "domains": ["reuters.com"],
                    "language": "en",
                    "sitemaps": ["https://reuters.example/sitemap.xml"],
                },
                {"id": "tass", "disabled": True},
            ]
        },
    )
    registry = load_registry(environ={"PROV_SOURCES": str(user)})
    assert {s.id for s in registry} == DEFAULT_IDS - {"tass"} | {"kyivindependent"}
    reuters = registry.get("reuters")
    assert reuters is not None
    assert [s.url for s in reuters.sitemaps] == ["https://reuters.example/sitemap.xml"]
    assert reuters.origin == str(user)
    found = registry.find_source("Kyiv Independent")
    assert found is not None and found.id == "kyivindependent"
    # an explicit path wins over the environment; defaults=False reads the file alone
    alone = load_registry(user, defaults=False, environ={})
    assert {s.id for s in alone} == {"kyivindependent", "reuters"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": []}, 'expected an object {"sources": [...]}'),
        ({"sources": [{"name": "X"}]}, "sources[0]: 'id' must be a non-empty string"),
        ({"sources": [{"id": "Bad Id", "name": "X"}]}, "'id' must match"),
        ({"sources": [{"id": "x"}]}, "sources[0] (x): 'name' must be a non-empty string"),
        ({"sources": [{"id": "x", "name": "X", "feed": []}]}, "unknown key 'feed'"),
        (
            {"sources": [{"id": "x", "name": "X", "domains": ["https://x.org/"]}]},
            "give bare host names",
        ),
        (
            {"sources": [{"id": "x", "name": "X", "feeds": ["ftp://x.org/rss"]}]},
            "'feeds' holds 'ftp://x.org/rss': give absolute http(s) URLs",
        ),
        (
            {"sources": [{"id": "x", "name": "X", "search": "https://x.org/search"}]},
            "containing {query}",
        ),
        ({"sources": [{"id": "x", "name": "X", "language": "english!"}]}, "language tag"),
        (
            {"sources": [{"id": "x", "name": "X"}, {"id": "x", "name": "Y"}]},
            "sources[1] (x): duplicate id 'x'",
        ),
        ({"sources": [{"id": "x", "name": "X", "aliases": "X"}]}, "list of non-empty strings"),
    ],
)
def test_invalid_files_give_one_line_errors(tmp_path: Path, data: object, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(RegistryError) as caught:
        load_registry(path, environ={})
    text = str(caught.value)
    assert message in text and str(path) in text and "\n" not in text


def test_bad_json_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"sources": [', encoding="utf-8")
    with pytest.raises(RegistryError, match=r"broken.json: invalid JSON at line 1 column 14"):
        load_registry(broken, environ={})
    with pytest.raises(RegistryError, match="cannot read source registry"):
        load_registry(environ={"PROV_SOURCES": str(tmp_path / "missing.json")})


def test_registry_from_sources_directly() -> None:
    registry = Registry(load_registry(environ={}).sources[:2])
    assert len(registry) == 2 and registry.get("telegraph") is not None
    assert registry.with_overrides(["telegraph"]).get("telegraph") is None
