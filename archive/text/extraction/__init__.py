"""Text extraction from captured payloads: HTML (trafilatura) and PDF (pypdf).

``extract(body, url, content_type)`` is the one entry point the rest of ``archive`` needs: it
picks the extractor from the MIME type and never raises; a failure is an ``Extraction`` whose
``error`` says why.
"""

from __future__ import annotations

from archive.text.extraction.charset import decode_html
from archive.text.extraction.dispatch import extract, mime_of
from archive.text.extraction.html import extract_html
from archive.text.extraction.model import Extraction
from archive.text.extraction.pdf import extract_pdf

__all__ = ["Extraction", "decode_html", "extract", "extract_html", "extract_pdf", "mime_of"]
