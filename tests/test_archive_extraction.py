"""Extraction: the public API, failure handling, PDF, and a quality gate on the shared corpus.

The gate (after trafilatura's ``tests/eval_gate.py``) extracts all pages of the shared corpus
through ``archive.text.extraction.extract`` and scores each against its ground truth:

* ``article_body_full`` / ``extractor_expected_text`` / ``expected_readability_html`` (tags
  stripped): mean token F1 (bag of lower-cased word tokens; Han and kana characters count one
  token each, as those scripts do not separate words);
* ``snippets_with_without``: share of 'with' snippets found, mean 'without' snippets leaked per
  page, and share of all rules satisfied (with found + without absent), whitespace-normalised
  substring matching as in trafilatura's evaluation;
* ``text_prefix`` (goose3): the first 60 characters of the expected text found in the text;
* titles, against ``NNN.meta.json`` (and goose3's fixture where it has one): normalised equality
  (NFKC, case-folded, typographic quotes and dashes unified, whitespace collapsed), and the
  same allowing a site-name affix on either side ("Title | Site", "Site - Title").

The floors are pinned in ``tests/quality_floor.json``; the test fails below any of them and
prints every measured figure. Run ``python -m tests.test_archive_extraction`` to print them.
Corpus: ``$PROV_CORPUS_DIR``, else ``<repo>/../shared/corpus``.
"""

from __future__ import annotations

import io
import json
import os
import re
import statistics
import unicodedata
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest
import trafilatura
from lxml import html as lxml_html

import archive.text.extraction
from archive.text.extraction import Extraction, extract, extract_html, extract_pdf
from archive.text.extraction.html import FAST_ABOVE_BYTES, MAX_HTML_BYTES, HtmlOptions

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PROV_CORPUS_DIR", str(REPO.parent / "shared" / "corpus")))
FLOORS_FILE = Path(__file__).with_name("quality_floor.json")
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "manifest.json").is_file(), reason=f"no corpus at {CORPUS} (PROV_CORPUS_DIR)"
)

# ---------------------------------------------------------------------------------- scoring

_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def token_f1(predicted: str, truth: str) -> float:
    got, want = Counter(tokens(predicted)), Counter(tokens(truth))
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def norm_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def norm_title(text: str) -> str:
    return norm_ws(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold())


_AFFIX_SEPARATORS = (" | ", " - ", " » ", " : ", " :: ", " · ")


def titles_match(got: str, expected: str, *, affixes: bool) -> bool:
    got, expected = norm_title(got), norm_title(expected)
    if got == expected:
        return bool(got)
    if not affixes or not got or not expected:
        return False
    short, long = sorted((got, expected), key=len)
    return any(
        long.startswith(short + sep) or long.endswith(sep + short) for sep in _AFFIX_SEPARATORS
    )


def html_text(markup: str) -> str:
    return " ".join(lxml_html.fromstring(markup).itertext())


def score_page(page: dict[str, Any], options: HtmlOptions | None = None) -> dict[str, Any]:
    """Extract one corpus page and score it (runs in a worker process)."""
    stem = page["file"].removesuffix(".html")
    body = (CORPUS / page["file"]).read_bytes()
    url = page.get("original_url") or page.get("url_from_page") or ""
    if options is None:
        result = extract(body, url, "text/html")  # served without charset, as the README says
    else:
        result = extract_html(body, url, "text/html", options=options)
    kind = page["truth"]["type"]
    truth_path = CORPUS / page["truth"]["file"]
    scores: dict[str, Any] = {
        "id": page["id"],
        "kind": kind,
        "error": result.error,
        "encoding": result.encoding,
    }
    text = result.text
    if kind in ("article_body_full", "extractor_expected_text"):
        scores["f1"] = token_f1(text, truth_path.read_text(encoding="utf-8"))
    elif kind == "expected_readability_html":
        scores["f1"] = token_f1(text, html_text(truth_path.read_text(encoding="utf-8")))
    elif kind == "snippets_with_without":
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        flat = norm_ws(text)
        scores["with_found"] = sum(norm_ws(s) in flat for s in truth["with"])
        scores["with_total"] = len(truth["with"])
        scores["without_leaked"] = sum(norm_ws(s) in flat for s in truth["without"])
        scores["without_total"] = len(truth["without"])
    elif kind == "text_prefix":
        expected = norm_ws(truth_path.read_text(encoding="utf-8"))[:60]
        scores["prefix_found"] = bool(expected) and expected in norm_ws(text)
    expected_title = None
    meta_path = CORPUS / f"{stem}.meta.json"
    if meta_path.is_file():
        expected_title = json.loads(meta_path.read_text(encoding="utf-8")).get("title")
    elif kind == "text_prefix":
        fixture = json.loads((CORPUS / f"{stem}.truth.json").read_text(encoding="utf-8"))
        expected_title = fixture.get("expected", {}).get("title")
    if expected_title:
        scores["title_match"] = titles_match(result.title or "", expected_title, affixes=False)
        scores["title_match_affix"] = titles_match(result.title or "", expected_title, affixes=True)
        scores["title"] = (result.title, expected_title)
    return scores


def summarize(rows: list[dict[str, Any]]) -> dict[str, float]:
    def of(kind: str) -> list[dict[str, Any]]:
        return [row for row in rows if row["kind"] == kind]

    snippets = of("snippets_with_without")
    with_found = sum(row["with_found"] for row in snippets)
    with_total = sum(row["with_total"] for row in snippets)
    leaked = sum(row["without_leaked"] for row in snippets)
    without_total = sum(row["without_total"] for row in snippets)
    titles = [row for row in rows if "title_match" in row]
    return {
        "pages": len(rows),
        "pages_with_text": sum(1 for row in rows if row["error"] is None),
        "f1_article_body_full": statistics.fmean(r["f1"] for r in of("article_body_full")),
        "f1_extractor_expected_text": statistics.fmean(
            r["f1"] for r in of("extractor_expected_text")
        ),
        "f1_expected_readability_html": statistics.fmean(
            r["f1"] for r in of("expected_readability_html")
        ),
        "snippets_with_found_ratio": with_found / with_total,
        "snippets_without_leaked_per_page": leaked / len(snippets),
        "snippet_rules_satisfied_ratio": (with_found + without_total - leaked)
        / (with_total + without_total),
        "text_prefix_found_ratio": statistics.fmean(
            1.0 if r["prefix_found"] else 0.0 for r in of("text_prefix")
        ),
        "title_match_ratio": sum(row["title_match"] for row in titles) / len(titles),
        "title_match_allowing_site_affix_ratio": sum(row["title_match_affix"] for row in titles)
        / len(titles),
    }


def measure(
    options: HtmlOptions | None = None, workers: int = 2
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    pages = [page for page in manifest["pages"] if page.get("truth")]
    # spawn, not fork: other session fixtures may run threads (servers) in this process
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        rows = list(pool.map(score_page, pages, [options] * len(pages)))
    return summarize(rows), rows


# Figures where lower is better; every other figure must stay at or above its floor.
LOWER_IS_BETTER = frozenset({"snippets_without_leaked_per_page"})


@needs_corpus
def test_quality_floor(capsys: pytest.CaptureFixture[str]) -> None:
    floors: dict[str, float] = json.loads(FLOORS_FILE.read_text(encoding="utf-8"))["floors"]
    figures, rows = measure()
    with capsys.disabled():
        print("\nextraction quality on the shared corpus:")
        for name, value in figures.items():
            floor = floors.get(name)
            kind = "ceiling" if name in LOWER_IS_BETTER else "floor"
            bound = "" if floor is None else f"  ({kind} {floor})"
            print(f"  {name:38s} {value:.4f}{bound}")
    failures = [
        f"{name}={figures[name]:.4f} vs {floor}"
        for name, floor in floors.items()
        if (figures[name] > floor if name in LOWER_IS_BETTER else figures[name] < floor)
    ]
    assert not failures, f"extraction quality regressed: {failures}; per page: {rows}"


# ---------------------------------------------------------------------------------- behaviour

ARTICLE = (
    "<!DOCTYPE html><html lang='en'><head><title>Water found on Europa</title>"
    "<link rel='canonical' href='/news/europa'>"
    "<meta property='og:site_name' content='Space Daily'>"
    "<meta name='author' content='Ada Lovelace'>"
    "<meta property='article:published_time' content='2019-11-18T10:00:00Z'></head><body>"
    "<nav><a href='/home'>Home</a> <a href='/about'>About</a></nav><article><h1>Water found on"
    " Europa</h1>{paragraphs}</article><footer><a href='/privacy'>Privacy</a></footer>"
    "</body></html>"
)
PARAGRAPH = (
    "<p>Scientists reported plumes of water vapour above the icy surface of the moon, according"
    " to <a href='{href}'>a study in Nature Astronomy</a>, which used observations from the"
    " Keck Observatory over several nights in {n}. The finding strengthens the case for a"
    " subsurface ocean that could be habitable.</p>"
)


def article(hrefs: list[str]) -> bytes:
    paragraphs = "".join(PARAGRAPH.format(href=h, n=2016 + i) for i, h in enumerate(hrefs))
    return ARTICLE.format(paragraphs=paragraphs).encode()


def test_public_api_is_explicit() -> None:
    exported = {name for name in dir(archive.text.extraction) if not name.startswith("_")}
    assert sorted(archive.text.extraction.__all__) == [
        "Extraction",
        "decode_html",
        "extract",
        "extract_html",
        "extract_pdf",
        "mime_of",
    ]
    assert set(archive.text.extraction.__all__) <= exported


def test_html_text_metadata_and_links_inside_main_text() -> None:
    body = article(["https://www.nature.com/articles/s41550", "../papers/keck.pdf", "#notes"])
    result = extract(body, "https://example.org/science/2019/europa.html", "text/html")
    assert result.error is None, result.error
    assert "plumes of water vapour" in result.text
    assert "](" not in result.text  # plain text, no markdown links
    assert result.title == "Water found on Europa"
    assert result.author == "Ada Lovelace"
    assert result.date == "2019-11-18"
    assert result.sitename == "Space Daily"
    assert result.language == "en"
    assert result.canonical_url == "https://example.org/news/europa"
    assert result.encoding == "utf-8"
    assert result.links == (
        ("https://www.nature.com/articles/s41550", "a study in Nature Astronomy"),
        ("https://example.org/science/papers/keck.pdf", "a study in Nature Astronomy"),
        ("https://example.org/science/2019/europa.html#notes", "a study in Nature Astronomy"),
    )  # relative links resolved against the page URL; nav and footer links left out
    assert (result.extractor, result.extractor_version) == ("trafilatura", trafilatura.__version__)
    assert result.options["include_links"] is True
    assert json.loads(json.dumps(result.to_dict()))["links"][0][0].startswith("https://www.")


def test_malformed_and_non_http_links_are_skipped() -> None:
    body = article(["http://[broken/x", "mailto:desk@example.org", "javascript:void(0)", "/ok"])
    result = extract(body, "https://example.org/a/b.html", "text/html")
    assert result.error is None
    assert [href for href, _ in result.links] == ["https://example.org/ok"]


def test_base_href_is_honoured() -> None:
    body = article(["keck.pdf"]).replace(b"<head>", b"<head><base href='https://cdn.example/a/'>")
    result = extract(body, "https://example.org/x/y.html", "text/html")
    assert result.links == (("https://cdn.example/a/keck.pdf", "a study in Nature Astronomy"),)


def test_non_utf8_page_text_is_decoded() -> None:
    body = ARTICLE.format(
        paragraphs=PARAGRAPH.format(href="/a", n=2019)
        .replace("Scientists", "Müller und Søren")
        .replace("</p>", " Große Straße.</p>")
        * 3
    )
    result = extract(body.encode("cp1252"), "http://example.de/a", "text/html; charset=ISO-8859-1")
    assert result.encoding == "windows-1252"
    assert "Müller und Søren" in result.text and "Große Straße" in result.text


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b"", "text/html", "empty payload"),
        (b"  \n\t ", "text/html", "empty payload"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "text/html", "binary payload"),
        (b"<html><body></body></html>", "text/html", "no main text"),
        (b'{"json": true}', "text/html", "not parseable"),
        (b"plain words", "text/plain", "unsupported mime: text/plain"),
        (b"GIF89a....", "image/gif", "unsupported mime: image/gif"),
        (b"\x00\x01", None, "unsupported mime: none"),
    ],
)
def test_failures_are_results_not_exceptions(
    body: bytes, content_type: str | None, error: str
) -> None:
    result = extract(body, "https://example.org/", content_type)
    assert isinstance(result, Extraction)
    assert result.text == ""
    assert result.error is not None and error in result.error, result.error


def test_huge_html_is_refused_not_extracted() -> None:
    body = article(["/a"]) + b"<!--" + b"x" * MAX_HTML_BYTES + b"-->"
    result = extract(body, "https://example.org/", "text/html")
    assert result.text == "" and result.error is not None and "limit" in result.error
    assert result.options["max_bytes"] == MAX_HTML_BYTES


def test_large_html_uses_fast_mode_and_records_it() -> None:
    body = article(["/a"]).replace(b"</body>", b"<!--" + b"x" * FAST_ABOVE_BYTES + b"--></body>")
    result = extract(body, "https://example.org/", "text/html")
    assert result.error is None and "plumes of water vapour" in result.text
    assert result.options["fast"] is True
    normal = extract(article(["/a"]), "https://example.org/", "text/html")
    assert normal.options["fast_first"] is True and normal.options["fast"] is True


@needs_corpus
def test_a_cut_short_fast_result_gets_the_full_cascade() -> None:
    """Fast mode finds 121 characters of corpus page 021 (a 2,500-character article): the
    full cascade runs, and the options say so."""
    body = (CORPUS / "021.html").read_bytes()
    url = "https://example.org/021.html"
    precise = HtmlOptions(fast=True, favor_precision=True)
    fast_only = extract_html(body, url, "text/html", options=precise)
    result = extract(body, url, "text/html")
    assert len(fast_only.text) < 500 < 2000 < len(result.text)
    assert result.options["fast_first"] is True and result.options["fast"] is False


def test_exceptions_inside_trafilatura_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("trafilatura.bare_extraction", explode)
    result = extract(article(["/a"]), "https://example.org/", "text/html")
    assert result.error == "extraction failed: RuntimeError: boom"
    assert result.encoding == "utf-8"


def test_mime_dispatch_and_sniffing() -> None:
    for content_type in ("application/octet-stream", None, "TEXT/HTML; Charset=UTF-8"):
        html_result = extract(article(["/a"]), "https://example.org/", content_type)
        assert html_result.extractor == "trafilatura" and html_result.error is None
    xhtml = extract(article(["/a"]), "https://example.org/", "application/xhtml+xml; charset=utf-8")
    assert xhtml.error is None
    pdf_result = extract(make_pdf(["Hello"]), "https://example.org/a.pdf", None)
    assert pdf_result.extractor == "pypdf"


# ---------------------------------------------------------------------------------- PDF


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(
    page_texts: list[str],
    title: str | None = None,
    link: str | None = None,
    lang: str | None = "en-GB",
) -> bytes:
    """A minimal valid PDF (Helvetica text, one page per string), written by hand."""
    objects: list[str] = []
    n_pages = len(page_texts)
    font_id = 3 + 2 * n_pages
    info_id = font_id + 1
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    catalog = "<< /Type /Catalog /Pages 2 0 R" + (f" /Lang {_pdf_string(lang)}" if lang else "")
    objects.append(catalog + " >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>")
    for i, text in enumerate(page_texts):
        annots = ""
        if link and i == 0:
            annots = (
                f" /Annots [<< /Type /Annot /Subtype /Link /Rect [72 700 300 730]"
                f" /A << /S /URI /URI {_pdf_string(link)} >> >>]"
            )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            f" /Contents {4 + 2 * i} 0 R"
            f" /Resources << /Font << /F1 {font_id} 0 R >> >>{annots} >>"
        )
        stream = f"BT /F1 14 Tf 72 720 Td {_pdf_string(text)} Tj ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    info = "<< /Producer (prov tests) /CreationDate (D:20240131120000Z)"
    info += f" /Title {_pdf_string(title)} /Author (Jane Roe)" if title else ""
    objects.append(info + " >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info_id} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def test_pdf_text_title_and_links() -> None:
    body = make_pdf(
        ["Europa has plumes of water.", "Second page (with parentheses)."],
        title="Plumes on Europa",
        link="https://www.nature.com/articles/s41550",
    )
    result = extract_pdf(body, "https://example.org/paper.pdf")
    assert result.error is None, result.error
    assert "Europa has plumes of water." in result.text
    assert "Second page (with parentheses)." in result.text
    assert result.text.index("Europa") < result.text.index("Second page")
    assert result.title == "Plumes on Europa"
    assert result.author == "Jane Roe"
    assert result.date == "2024-01-31"
    assert result.language == "en-GB"
    assert result.links == (("https://www.nature.com/articles/s41550", ""),)
    assert result.extractor == "pypdf" and result.extractor_version
    assert extract(body, "https://example.org/paper.pdf", "application/pdf") == result


def test_pdf_without_metadata_or_text() -> None:
    no_title = extract_pdf(make_pdf(["Just text."], lang=None), "")
    assert (no_title.error, no_title.title, no_title.language) == (None, None, None)
    empty = extract_pdf(make_pdf([""]), "")
    assert empty.error is not None and "no text layer" in empty.error


@pytest.mark.parametrize(
    ("body", "error"),
    [(b"", "not a PDF"), (b"<html></html>", "not a PDF"), (b"%PDF-1.4\ngarbage", "failed")],
)
def test_pdf_failures(body: bytes, error: str) -> None:
    result = extract_pdf(body, "https://example.org/a.pdf")
    assert result.text == "" and result.error is not None and error in result.error


if __name__ == "__main__":
    for name, value in measure()[0].items():
        print(f"{name:38s} {value:.4f}")


@needs_corpus
def test_lean_metadata_finds_what_trafilatura_finds() -> None:
    """page_metadata leaves out categories, tags and licence and prunes the tree it is given
    for the author: title, author, date and site name stay those of extract_metadata."""
    from copy import deepcopy

    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    from archive.text.extraction.metadata import page_metadata

    fields = ("title", "author", "date", "sitename")
    compared = 0
    for path in sorted(CORPUS.glob("[0-9][0-9][0-9].html")):
        text, _ = archive.text.extraction.decode_html(path.read_bytes(), "text/html")
        tree = load_html(text)
        if tree is None:
            continue
        url = f"https://example.org/{path.name}"
        for extensive in (True, False):
            expected = extract_metadata(deepcopy(tree), url, None, extensive)
            found = page_metadata(deepcopy(tree), url, extensive=extensive)
            assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
            compared += 1
    assert compared >= 120
