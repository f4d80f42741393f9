"""Charset precedence of ``extraction.charset.decode_html``, on synthetic bytes and the corpus.

Order: BOM > HTTP Content-Type charset > <meta> (then <?xml encoding>) > detection; a declared
encoding the body is not valid in is skipped (except predominantly-UTF-8 bodies declared UTF-8).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from archive.text.extraction import charset, decode_html, extract
from archive.text.extraction.charset import META_SCAN_BYTES, detect_encoding, looks_cyrillic
from archive.text.extraction.labels import from_python_codec, normalize_label

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PROV_CORPUS_DIR", str(REPO.parent / "shared" / "corpus")))
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "manifest.json").is_file(), reason=f"no corpus at {CORPUS} (PROV_CORPUS_DIR)"
)

RUSSIAN = (
    "Полина Поризкова рассказала, почему старение её ужасает. Модель призналась, что больше"
    " всего боится потерять красоту, и рассказала про свои комплексы и страхи."
)
GERMAN = (
    "Der wieder aufgeflammte Streit zwischen VW-Chef Herbert Diess und mehreren Mitgliedern"
    " des Aufsichtsrats verschärft sich; Grüße aus München, schöne Straße, übermäßig."
)
POLISH = (
    "Zażółć gęślą jaźń. Łódź jest piękna, świat się zmienia, a własny dom to marzenie"
    " wielu ludzi. Żółw płynął przez rzekę, ślimak spał, źrebię biegło po łące."
)


def page(text: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"
    )


# ------------------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("ISO-8859-1", "windows-1252"),
        ("latin1", "windows-1252"),
        ("us-ascii", "windows-1252"),
        (' "UTF8" ', "utf-8"),
        ("x-cp1251", "windows-1251"),
        ("cp1251", "windows-1251"),
        ("gb2312", "gbk"),
        ("Shift_JIS", "shift_jis"),
        ("ks_c_5601-1987", "euc-kr"),
        ("iso-8859-9", "windows-1254"),
        ("tis-620", "windows-874"),
        ("utf-16", "utf-16le"),
        ("x-user-defined", None),
        ("iso-2022-kr", None),
        ("klingon", None),
        ("", None),
    ],
)
def test_whatwg_labels(label: str, name: str | None) -> None:
    assert normalize_label(label) == name


@pytest.mark.parametrize(
    ("codec", "name"),
    [
        ("cp1251", "windows-1251"),
        ("mac_cyrillic", "x-mac-cyrillic"),
        ("euc_jis_2004", "euc-jp"),
        ("cp949", "euc-kr"),
        ("latin_1", "windows-1252"),
        ("iso8859_5", "iso-8859-5"),
        ("koi8_r", "koi8-r"),
        ("big5hkscs", "big5"),
        ("no-such-codec", None),
    ],
)
def test_python_codec_names_map_to_whatwg(codec: str, name: str | None) -> None:
    assert from_python_codec(codec) == name


# ------------------------------------------------------------------------------ precedence


def test_bom_beats_header_and_meta() -> None:
    body = b"\xef\xbb\xbf" + page("Привет", '<meta charset="windows-1251">').encode()
    text, encoding = decode_html(body, "text/html; charset=windows-1251")
    assert encoding == "utf-8" and "Привет" in text and not text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("codec", "bom", "name"),
    [("utf-16-le", b"\xff\xfe", "utf-16le"), ("utf-16-be", b"\xfe\xff", "utf-16be")],
)
def test_utf16_bom(codec: str, bom: bytes, name: str) -> None:
    text, encoding = decode_html(bom + page(RUSSIAN).encode(codec), "text/html; charset=utf-8")
    assert (encoding, text) == (name, page(RUSSIAN))


def test_header_beats_meta() -> None:
    body = page(RUSSIAN, '<meta charset="iso-8859-1">').encode("cp1251")
    assert decode_html(body, "text/html; charset=windows-1251") == (
        page(RUSSIAN, '<meta charset="iso-8859-1">'),
        "windows-1251",
    )


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html;charset=KOI8-R",
        'text/html; charset="koi8-r"',
        "text/html; foo=bar; charset=koi8-r",
    ],
)
def test_header_charset_forms(content_type: str) -> None:
    assert decode_html(page(RUSSIAN).encode("koi8_r"), content_type) == (page(RUSSIAN), "koi8-r")


def test_unknown_header_label_falls_through_to_meta() -> None:
    body = page(GERMAN, '<meta charset="windows-1252">').encode("cp1252")
    assert decode_html(body, "text/html; charset=klingon")[1] == "windows-1252"


def test_latin1_label_means_windows_1252() -> None:
    # 0x80 is the euro sign in windows-1252, a C1 control in real ISO-8859-1
    text, encoding = decode_html(page("5 \x80").encode("latin-1"), "text/html; charset=ISO-8859-1")
    assert encoding == "windows-1252" and "5 €" in text


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="windows-1251">',
        "<meta charset=windows-1251>",
        "<META CHARSET='x-cp1251'>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
        '<meta content="text/html;charset=windows-1251" http-equiv="content-type">',
    ],
)
def test_meta_declarations(head: str) -> None:
    assert decode_html(page(RUSSIAN, head).encode("cp1251"), "text/html")[1] == "windows-1251"


def test_commented_out_meta_is_ignored() -> None:
    head = '<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">'
    assert decode_html(page(RUSSIAN, head).encode("cp1251"), None)[1] == "windows-1251"


def test_meta_is_read_within_the_scan_window_only() -> None:
    meta = "<meta charset='koi8-r'>"
    late = page("é", "<script>" + "/" * META_SCAN_BYTES + "</script>" + meta)
    early = page("é", "<script>" + "/" * (META_SCAN_BYTES // 2) + "</script>" + meta)
    assert decode_html(early.encode("koi8_r", "replace"), None)[1] == "koi8-r"
    assert decode_html(late.encode("cp1252"), None)[1] == "windows-1252"  # detected instead


def test_meta_utf16_means_utf8() -> None:
    assert decode_html(page("Grüße", '<meta charset="utf-16">').encode(), None) == (
        page("Grüße", '<meta charset="utf-16">'),
        "utf-8",
    )


def test_xml_declaration_is_a_declaration() -> None:
    body = ('<?xml version="1.0" encoding="ISO-8859-15"?>' + page("Prix: 5 €")).encode("iso8859_15")
    assert decode_html(body, "application/xhtml+xml") == (body.decode("iso8859_15"), "iso-8859-15")


def test_undefined_windows_bytes_decode_as_c1_controls() -> None:
    # 0x81 is unassigned in Python's cp1252 but U+0081 in the Encoding Standard
    body = page("Caf\xe9 \x81").encode("latin-1")
    assert decode_html(body, "text/html; charset=windows-1252") == (
        page("Café \x81"),
        "windows-1252",
    )


# ------------------------------------------------------------------------------ the trap


def test_header_utf8_on_a_windows_1252_body_falls_back_to_meta() -> None:
    body = page(GERMAN, '<meta charset="windows-1252">').encode("cp1252")
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert encoding == "windows-1252" and "Grüße aus München" in text and "\ufffd" not in text


def test_header_utf8_on_a_windows_1252_body_without_meta_is_detected() -> None:
    body = page(GERMAN * 3).encode("cp1252")
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert encoding == "windows-1252" and "schöne Straße" in text


def test_meta_utf8_on_a_windows_1251_body_is_detected() -> None:
    body = page(RUSSIAN * 3, '<meta charset="utf-8">').encode("cp1251")
    text, encoding = decode_html(body, "text/html")
    assert encoding == "windows-1251" and RUSSIAN in text


def test_predominantly_utf8_body_declared_utf8_keeps_utf8() -> None:
    body = page(GERMAN * 3).encode() + b"<p>stray \xe9 byte</p>"
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert encoding == "utf-8" and "Grüße aus München" in text and "stray \ufffd byte" in text


# ------------------------------------------------------------------------------ detection


def test_undeclared_utf8() -> None:
    assert decode_html(page(RUSSIAN).encode(), "text/html") == (page(RUSSIAN), "utf-8")


def test_empty_and_ascii() -> None:
    assert decode_html(b"", None) == ("", "utf-8")
    assert decode_html(b"<p>plain</p>", "text/html") == ("<p>plain</p>", "utf-8")


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        (RUSSIAN, "cp1251", "windows-1251"),
        (RUSSIAN, "koi8_r", "koi8-r"),
        (GERMAN, "cp1252", "windows-1252"),
        (POLISH, "cp1250", "windows-1250"),
    ],
)
def test_undeclared_8bit(text: str, codec: str, name: str) -> None:
    body = page(text * 3).encode(codec)
    assert decode_html(body, "text/html") == (page(text * 3), name)


def test_short_cyrillic_uses_the_heuristic() -> None:
    # too few bytes for charset-normalizer (it answers Big5 for these six letters)
    assert decode_html(page("Привет").encode("cp1251"), "text/html") == (
        page("Привет"),
        "windows-1251",
    )


def test_looks_cyrillic_heuristic() -> None:
    assert looks_cyrillic(page(RUSSIAN).encode("cp1251"))
    assert not looks_cyrillic(page(GERMAN).encode("cp1252"))
    assert not looks_cyrillic(b"<p>ascii only</p>")
    assert not looks_cyrillic("Où est la bibliothèque? À côté de l'église.".encode("cp1252"))


def test_detection_without_charset_normalizer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charset, "_normalizer_guess", lambda body: None)
    assert detect_encoding(page(RUSSIAN * 3).encode("cp1251")) == "windows-1251"
    assert detect_encoding(page(GERMAN * 3).encode("cp1252")) == "windows-1252"
    assert detect_encoding(page(RUSSIAN).encode()) == "utf-8"


# ------------------------------------------------------------------------------ corpus


def manifest() -> list[dict[str, Any]]:
    if not (CORPUS / "manifest.json").is_file():
        return []
    pages: list[dict[str, Any]] = json.loads(
        (CORPUS / "manifest.json").read_text(encoding="utf-8")
    )["pages"]
    return pages


@needs_corpus
@pytest.mark.parametrize("entry", manifest(), ids=lambda entry: entry["file"])
def test_corpus_page_decodes_as_declared(entry: dict[str, Any]) -> None:
    body = (CORPUS / entry["file"]).read_bytes()
    text, encoding = decode_html(body, "text/html")  # served without charset
    if entry["declared_charset"]:
        assert encoding == normalize_label(entry["declared_charset"])
    elif entry["valid_utf8"]:
        assert encoding == "utf-8"
    assert "\ufffd" not in text or "\ufffd".encode() in body


NON_UTF8 = [entry for entry in manifest() if not entry["valid_utf8"]]


@needs_corpus
@pytest.mark.parametrize("entry", NON_UTF8, ids=lambda entry: entry["file"])
@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=utf-8"])
def test_corpus_non_utf8_pages(entry: dict[str, Any], content_type: str) -> None:
    assert len(NON_UTF8) >= 2  # 040 (windows-1252) and 041 (iso-8859-1)
    body = (CORPUS / entry["file"]).read_bytes()
    text, encoding = decode_html(body, content_type)  # also under a lying utf-8 header
    assert encoding == "windows-1252"
    assert re.search("[äöüß]", text) and "\ufffd" not in text
    truth = json.loads((CORPUS / entry["truth"]["file"]).read_text(encoding="utf-8"))
    extracted = " ".join(extract(body, entry["original_url"], content_type).text.split())
    found = [" ".join(s.split()) in extracted for s in truth["with"]]
    assert sum(found) >= 1, truth["with"]


@needs_corpus
def test_russian_windows_1251_page_without_any_charset() -> None:
    """The wday.ru page in windows-1251, its <meta charset> removed, served as text/html."""
    source = (CORPUS / "020.html").read_text(encoding="utf-8")
    source = re.sub(r"<meta[^>]*charset[^>]*>", "", source, flags=re.IGNORECASE)
    body = source.encode("cp1251", errors="xmlcharrefreplace")
    assert b"charset" not in body.lower()
    text, encoding = decode_html(body, "text/html")
    assert encoding == "windows-1251"
    assert text == body.decode("cp1251")
    result = extract(body, "http://www.wday.ru/articles/53-letnyaya-model/", "text/html")
    assert result.error is None and result.encoding == "windows-1251"
    assert result.title is not None and result.title.startswith("53-летняя модель")
    truth = (CORPUS / "020.truth.txt").read_text(encoding="utf-8")
    first_sentence = " ".join(truth.split()[:8])
    assert first_sentence in " ".join(result.text.split())
