"""Main text, metadata and cited links of an HTML page, with trafilatura.

The payload is decoded by ``charset.decode_html`` (so a page reads as in a browser, whatever
trafilatura's own guessing would do), parsed once, the targets of its ``<a>`` and ``<link>``
elements made absolute against the page URL and any ``<base href>`` (only those: trafilatura
reads no other link of the page, and rewriting every link, styles and scripts included, cost a
fifth of the extraction), and the tree handed to ``trafilatura.bare_extraction`` with links
kept and no text rendering of its own. The text is rendered once from trafilatura's
main-content tree with the links unwrapped (plain text, no markdown link syntax), in place; the
links come from the same tree, so they are exactly the ones inside the main text.

Size guards (measured on this machine with synthetic pages built around a 1.4 MB CNN page):

* ``MAX_HTML_BYTES`` (10 MiB): larger payloads are not extracted; the ``Extraction`` says so in
  ``error``. Real article pages are well under 2 MiB (the largest in the shared corpus is
  1.4 MB); 10 MiB of HTML is a dump, a feed or a trap, not a citable article. At the limit
  extraction still takes 11-14 s and up to 1.1 GB of memory.
* ``fast_first`` (the default): trafilatura's ``fast`` mode first (no comparison with its
  readability and jusText fallbacks, which cost a quarter of an extraction); the full cascade
  runs only when the fast text looks cut short by trafilatura's own test for that (its recall
  escalation: under ``ESCALATION_MAX_LENGTH`` characters and under ``ESCALATION_PAGE_SHARE`` of
  the page's text). On the shared corpus that re-runs 7 of 63 pages and gives the full
  cascade's results on every page (``fast`` alone loses 4 pages and fails the quality floors).
* ``FAST_ABOVE_BYTES`` (2 MiB): larger payloads are extracted in trafilatura's ``fast`` mode.
  The default mode's fallback (jusText) is quadratic in the number of paragraphs: 1.5 s at
  2 MB, 13 s at 3 MB, 24 s at 5 MB and 140 s at 10 MB of article paragraphs. The options
  recorded in the ``Extraction`` are the ones actually used (``fast: true``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from trafilatura.core import ESCALATION_MAX_LENGTH, ESCALATION_PAGE_SHARE
from trafilatura.settings import Document
from trafilatura.utils import load_html

from archive.text.extraction.anchors import render_text
from archive.text.extraction.charset import decode_html
from archive.text.extraction.json_ld import (
    BODY_FACTOR,
    MIN_BODY_CHARS,
    article_body,
    ld_blocks,
)
from archive.text.extraction.metadata import page_metadata
from archive.text.extraction.model import Anchor, Extraction, Link, OptionValue

__all__ = [
    "DEFAULT_HTML_OPTIONS",
    "FAST_ABOVE_BYTES",
    "MAX_HTML_BYTES",
    "HtmlOptions",
    "extract_html",
]

MAX_HTML_BYTES = 10 * 1024 * 1024
FAST_ABOVE_BYTES = 2 * 1024 * 1024
EXTRACTOR = "trafilatura"
_LINK_SCHEMES = frozenset({"http", "https"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# An absolute http(s) URL that urljoin would give back unchanged: a host, and a query and a
# fragment that are not empty (urljoin drops an empty "?" or "#"), no tab or line break.
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[^/?#\t\r\n]+(?:/[^?#\t\r\n]*)?(?:\?[^#\t\r\n]+)?(?:#[^\t\r\n]+)?"
)
_SPACE_RUN = re.compile(r"[ \t\r\n\f\v]*[\r\n][ \t\r\n\f\v]*")
_etree: Any = etree  # lxml ships no type information: its trees are ``Any`` here


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    """The trafilatura options that change what text comes out (recorded with each result)."""

    fast: bool = False
    fast_first: bool = False  # fast mode, and the full cascade only for a cut-short result
    favor_precision: bool = False
    favor_recall: bool = False
    include_comments: bool = False
    include_tables: bool = True
    include_formatting: bool = False

    def record(self) -> dict[str, OptionValue]:
        recorded: dict[str, OptionValue] = dict(asdict(self))
        # fixed by this module: links are needed for citations, metadata for the index
        recorded.update(
            include_links=True,
            with_metadata=True,
            max_bytes=MAX_HTML_BYTES,
            fast_above_bytes=FAST_ABOVE_BYTES,
        )
        return recorded


# Chosen on the shared corpus (tests/test_archive_extraction.py measures them and pins the
# floors): favor_precision beat the balanced default and favor_recall on every measure but one
# (F1 on the Readability pages, 0.968 vs 0.974), and is the only mode that satisfies 90% of the
# with/without snippet rules. fast_first gives the same figures as the full cascade at 0.8 of
# its CPU (``fast`` alone: 0.77 of it, but F1 0.936 on full-body pages and 81% of the snippet
# rules, below the floors). Comments are not main text. Tables are kept (dropping them loses
# snippets). trafilatura's ``deduplicate`` is not offered: its cache is process-wide, so a page's
# text would depend on the pages extracted before it.
DEFAULT_HTML_OPTIONS = HtmlOptions(fast_first=True, favor_precision=True)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _is_http(url: str) -> bool:
    try:
        return urlsplit(url).scheme.lower() in _LINK_SCHEMES
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False


def _http_url(value: str | None, base: str) -> str | None:
    if not value or not value.strip():
        return None
    try:
        absolute = urljoin(base, value.strip()) if base else value.strip()
    except ValueError:
        return None
    return absolute if _is_http(absolute) else None


def _first(tree: Any, xpath: str) -> str | None:
    found: Any = tree.xpath(xpath)
    for value in found if isinstance(found, list) else ():
        text = _clean(str(value))
        if text:
            return text
    return None


def _language(tree: Any) -> str | None:
    declared = (
        _clean(tree.get("lang"))
        or _clean(tree.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or _first(
            tree,
            "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')"
            "='content-language']/@content",
        )
        or _first(tree, "//meta[@property='og:locale']/@content")
    )
    return declared.split(",")[0].strip().replace("_", "-") if declared else None


def _resolver(tree: Any, url: str) -> Callable[[str], str]:
    """HREF -> absolute URL against URL and the page's ``<base href>`` (the last one wins, as
    in lxml's ``resolve_base_href``); an unparseable HREF comes back as it is."""
    base: str | None = None
    for element in tree.iter("base"):
        base = element.get("href") or base

    def resolve(href: str) -> str:
        if _PLAIN_ABSOLUTE.fullmatch(href):
            return href  # half the links of a page: urljoin is the costly part
        try:
            return urljoin(url, urljoin(base, href) if base else href)
        except ValueError:
            return href

    return resolve


def _absolute_links(tree: Any, url: str) -> None:
    """The targets of ``<a>`` and ``<link>`` made absolute, in place (trafilatura reads these)."""
    resolve = _resolver(tree, url)
    for element in tree.iter("a", "link"):
        href = element.get("href")
        if href is not None:
            element.set("href", resolve(href.strip()))


def _canonical(tree: Any, url: str) -> str | None:
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel:
            found = _http_url(link.get("href"), url)
            if found:
                return found
    return _http_url(_first(tree, "//meta[@property='og:url']/@content"), url)


def _links(body: Any) -> tuple[Link, ...]:
    seen: set[Link] = set()
    links: list[Link] = []
    for ref in body.iter("ref"):
        href = ref.get("target")
        if not href or not _is_http(href):
            continue
        link = (href, " ".join("".join(ref.itertext()).split()))
        if link not in seen:
            seen.add(link)
            links.append(link)
    return tuple(links)


def _collapse_space(body: Any) -> None:
    """White space in the page's own text collapsed as a browser does: a line break inside a
    paragraph of the HTML source ("willing to assist Tunisian authorities in\n      the
    investigation") is a space; paragraphs are told apart by their elements, not by the
    source's line breaks. Code keeps its white space (a ``<code>`` element is not entered)."""
    stack = [body]
    while stack:
        element = stack.pop()
        if element.tag == "code":
            continue
        if element.text:
            element.text = _SPACE_RUN.sub(" ", element.text)
        if element.tail:
            element.tail = _SPACE_RUN.sub(" ", element.tail)
        stack.extend(element)


def _bare_extraction(tree: Any, url: str, options: HtmlOptions, *, fast: bool) -> Any:
    """trafilatura on a copy of TREE (it copies a tree it is given): the main-content tree, no
    text rendering (that is done here, once), and no metadata when there is a URL (that is
    ``page_metadata``'s, on TREE itself, once the extraction is done)."""
    return trafilatura.bare_extraction(
        tree,
        url=url or None,
        output_format="txt",
        fast=fast,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        include_comments=options.include_comments,
        include_tables=options.include_tables,
        include_formatting=options.include_formatting,
        include_links=True,
        with_metadata=not url,  # without a URL trafilatura resolves links against its own
    )


_DROPPED = ("script", "style", "aside", "footer", "svg", "template")  # html2txt drops these
_UNDER_DROPPED = " or ".join(f"ancestor::{tag}" for tag in _DROPPED)
_OUTERMOST_DROPPED = _etree.XPath(
    "|".join(f".//{tag}[not({_UNDER_DROPPED})]" for tag in _DROPPED)
)


def _page_text_bound(tree: Any) -> int:
    """An upper bound of ``len(trafilatura.html2txt(tree))``, at a fraction of its cost (no
    copy of the tree): the body's text outside the elements html2txt drops (it drops more,
    and collapses white space), plus the two spaces it may add around each element."""
    total = 0
    for body in list(tree.iter("body")) or [tree]:  # html2txt reads a tree without body whole
        total += len(body.text_content()) + 2 * sum(1 for _ in body.iter())
        total -= sum(len(element.text_content()) for element in _OUTERMOST_DROPPED(body))
    return total


def _cut_short(document: Any, tree: Any) -> bool:
    """trafilatura's own test for an extraction that covers too little of the page."""
    if not isinstance(document, Document) or document.body is None:
        return True
    extracted = len(document.raw_text or "")
    if extracted >= ESCALATION_MAX_LENGTH:
        return False
    if extracted >= ESCALATION_PAGE_SHARE * _page_text_bound(tree):
        return False  # a share of more than the whole page's text
    return extracted < ESCALATION_PAGE_SHARE * len(trafilatura.html2txt(tree))


def extract_html(
    body: bytes,
    url: str,
    content_type: str | None,
    *,
    options: HtmlOptions = DEFAULT_HTML_OPTIONS,
) -> Extraction:
    """Extract an HTML payload. Never raises: failures come back with ``error`` set."""
    if len(body) > FAST_ABOVE_BYTES and not options.fast:
        options = replace(options, fast=True)
    recorded = options.record()

    def failed(error: str, encoding: str | None = None) -> Extraction:
        return Extraction(
            text="",
            encoding=encoding,
            extractor=EXTRACTOR,
            extractor_version=trafilatura.__version__,
            options=recorded,
            error=error,
        )

    if len(body) > MAX_HTML_BYTES:
        return failed(
            f"HTML payload of {len(body)} bytes is over the {MAX_HTML_BYTES}-byte "
            "extraction limit (archive.text.extraction.html.MAX_HTML_BYTES)"
        )
    if not body.strip():
        return failed("empty payload")
    encoding: str | None = None
    try:
        text, encoding = decode_html(body, content_type)
        if "\x00" in text[:4096]:
            return failed("binary payload, not HTML", encoding)
        tree = load_html(_XML_DECLARATION.sub("", text, count=1))
        if tree is None:
            return failed("not parseable as HTML", encoding)
        if url:
            _absolute_links(tree, url)
        language, canonical = _language(tree), _canonical(tree, url)
        blocks = ld_blocks(tree)  # read before trafilatura cleans the tree
        document = _bare_extraction(tree, url, options, fast=options.fast or options.fast_first)
        fast = options.fast or options.fast_first
        if options.fast_first and not options.fast and _cut_short(document, tree):
            document = _bare_extraction(tree, url, options, fast=False)
            fast = False
        recorded["fast"] = fast
        main_text = ""
        links: tuple[Link, ...] = ()
        anchors: tuple[Anchor, ...] | None = ()
        if isinstance(document, Document) and document.body is not None:
            _collapse_space(document.body)
            links = _links(document.body)
            main_text, anchors = render_text(document.body, options.include_formatting)
        wanted = max(MIN_BODY_CHARS, BODY_FACTOR * len(main_text))
        declared = article_body(blocks, at_least=wanted) if blocks else None
        if declared and len(declared) >= wanted:  # a body the browser renders
            main_text, anchors, links = declared, (), ()
            recorded["main_text"] = "json-ld articleBody"
        if not isinstance(document, Document):
            document = None
        # trafilatura's metadata search is "extensive" exactly in its fast mode
        metadata = page_metadata(tree, url, extensive=fast) if url or document is None else document
    except Exception as exc:  # lxml and trafilatura raise many types; none may escape
        return failed(f"extraction failed: {type(exc).__name__}: {exc}", encoding)
    if not main_text:
        return failed("trafilatura found no main text", encoding)
    return Extraction(
        text=main_text,
        title=_clean(metadata.title),
        author=_clean(metadata.author),
        date=_clean(metadata.date),
        sitename=_clean(metadata.sitename),
        language=language,
        canonical_url=canonical,
        links=links,
        anchors=anchors,
        encoding=encoding,
        extractor=EXTRACTOR,
        extractor_version=trafilatura.__version__,
        options=recorded,
    )
