"""Choose the extractor for a payload from its MIME type."""

from __future__ import annotations

from archive.text.extraction.html import extract_html
from archive.text.extraction.model import Extraction
from archive.text.extraction.pdf import extract_pdf

__all__ = ["HTML_MIMES", "PDF_MIMES", "extract", "mime_of"]

HTML_MIMES = frozenset({"text/html", "application/xhtml+xml"})
PDF_MIMES = frozenset({"application/pdf", "application/x-pdf"})
# Types that say nothing about the content: the payload is sniffed instead.
_UNINFORMATIVE = frozenset(
    {"", "application/octet-stream", "binary/octet-stream", "unknown/unknown"}
)
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<!--", b"<meta")


def mime_of(content_type: str | None) -> str:
    """The bare, lower-case MIME type of a Content-Type value ("" when there is none)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _sniff(body: bytes) -> str:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if body[:1024].find(b"%PDF-") != -1:
        return "application/pdf"
    if head.startswith(_HTML_STARTS):
        return "text/html"
    return ""


def extract(body: bytes, url: str, content_type: str | None) -> Extraction:
    """Extract text and metadata from a payload; never raises.

    HTML and XHTML go to trafilatura, PDF to pypdf. A missing or ``application/octet-stream``
    type is sniffed from the first bytes. Anything else comes back with
    ``error="unsupported mime: <type>"``.
    """
    mime = mime_of(content_type)
    if mime in _UNINFORMATIVE:
        mime = _sniff(body) or mime
    if mime in HTML_MIMES:
        return extract_html(body, url, content_type)
    if mime in PDF_MIMES:
        return extract_pdf(body, url)
    return Extraction(text="", extractor="none", error=f"unsupported mime: {mime or 'none'}")
