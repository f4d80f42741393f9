"""Text, metadata and links of a PDF payload, with pypdf.

Limits: payloads over ``MAX_PDF_BYTES`` (50 MiB) are not extracted, and text is taken from the
first ``MAX_PDF_PAGES`` pages only (both recorded in ``Extraction.options``). A PDF without a
text layer (a scan) comes back with ``error`` set, as does an encrypted one that does not open
with the empty password.
"""

from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject

from archive.text.extraction.model import Extraction, Link, OptionValue

__all__ = ["MAX_PDF_BYTES", "MAX_PDF_PAGES", "extract_pdf"]

MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 1000
EXTRACTOR = "pypdf"
_OPTIONS: dict[str, OptionValue] = {
    "max_bytes": MAX_PDF_BYTES,
    "max_pages": MAX_PDF_PAGES,
    "extraction_mode": "plain",
}


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _date(reader: pypdf.PdfReader) -> str | None:
    info = reader.metadata
    if info is None:
        return None
    try:
        created: datetime | None = info.creation_date
    except (ValueError, TypeError):  # malformed D:... strings
        return None
    return created.date().isoformat() if created else None


def _language(reader: pypdf.PdfReader) -> str | None:
    root = reader.trailer.get("/Root")
    catalog = root.get_object() if root is not None else None
    if isinstance(catalog, DictionaryObject):
        return _clean(str(catalog.get("/Lang", "")))
    return None


def _page_links(page: pypdf.PageObject, url: str) -> list[Link]:
    links: list[Link] = []
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else None
    if not isinstance(annotations, ArrayObject):
        return links
    for reference in annotations:
        annotation = reference.get_object()
        if not isinstance(annotation, DictionaryObject) or annotation.get("/Subtype") != "/Link":
            continue
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if not isinstance(action, DictionaryObject) or "/URI" not in action:
            continue
        href = urljoin(url, str(action["/URI"]).strip()) if url else str(action["/URI"]).strip()
        if urlsplit(href).scheme.lower() in ("http", "https"):
            links.append((href, ""))  # a PDF link annotation has no anchor text of its own
    return links


def extract_pdf(body: bytes, url: str) -> Extraction:
    """Extract a PDF payload. Never raises: failures come back with ``error`` set."""

    def failed(error: str) -> Extraction:
        return Extraction(
            text="",
            extractor=EXTRACTOR,
            extractor_version=pypdf.__version__,
            options=dict(_OPTIONS),
            error=error,
        )

    if len(body) > MAX_PDF_BYTES:
        return failed(
            f"PDF payload of {len(body)} bytes is over the {MAX_PDF_BYTES}-byte "
            "extraction limit (archive.text.extraction.pdf.MAX_PDF_BYTES)"
        )
    if b"%PDF-" not in body[:1024]:
        return failed("not a PDF (no %PDF- header in the first 1024 bytes)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return failed("encrypted PDF: does not open with the empty password")
        pages: list[str] = []
        links: list[Link] = []
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES:
                break
            pages.append(page.extract_text().strip())
            links.extend(link for link in _page_links(page, url) if link not in links)
        info = reader.metadata
        title = _clean(info.title) if info is not None else None
        author = _clean(info.author) if info is not None else None
        date, language = _date(reader), _language(reader)
    except Exception as exc:  # pypdf raises many types on damaged files; none may escape
        return failed(f"extraction failed: {type(exc).__name__}: {exc}")
    text = "\n\n".join(page for page in pages if page)
    if not text:
        return failed("no text layer in the PDF (a scan?)")
    return Extraction(
        text=text,
        title=title,
        author=author,
        date=date,
        language=language,
        links=tuple(links),
        extractor=EXTRACTOR,
        extractor_version=pypdf.__version__,
        options=dict(_OPTIONS),
    )
