"""The result of extracting text from one captured payload."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Anchor", "Extraction", "Link", "OptionValue"]

# (absolute href, anchor text) of a link found inside the main text
Link = tuple[str, str]
# (absolute href, start, end): one occurrence of a link, its anchor at text[start:end]
Anchor = tuple[str, int, int]
OptionValue = bool | int | str | None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Main text and metadata of a page, with what produced them (for provenance).

    A failed extraction is still an ``Extraction``: ``error`` says why, ``text`` is empty, and
    the extractor, its version and options are recorded all the same.
    """

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) of publication, when found
    sitename: str | None = None
    language: str | None = None  # as declared by the page (html lang, ...), e.g. "en-US"
    canonical_url: str | None = None  # <link rel=canonical> / og:url, made absolute
    links: tuple[Link, ...] = ()  # links inside the main text, in document order
    # every link occurrence with its anchor's offsets in ``text``, in document order; None
    # when the extractor could not tell (PDFs, older records): anchors are then searched for
    anchors: tuple[Anchor, ...] | None = None
    encoding: str | None = None  # WHATWG name of the encoding the payload was decoded with
    extractor: str = ""
    extractor_version: str = ""
    options: Mapping[str, OptionValue] = field(default_factory=dict, hash=False)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (links as [href, text] lists)."""
        return {
            "text": self.text,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "sitename": self.sitename,
            "language": self.language,
            "canonical_url": self.canonical_url,
            "links": [[href, anchor] for href, anchor in self.links],
            "anchors": None if self.anchors is None else [list(a) for a in self.anchors],
            "encoding": self.encoding,
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "options": dict(self.options),
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Extraction:
        """The ``Extraction`` of a ``to_dict()`` result."""
        anchors = data.get("anchors")
        return cls(
            text=data.get("text") or "",
            title=data.get("title"),
            author=data.get("author"),
            date=data.get("date"),
            sitename=data.get("sitename"),
            language=data.get("language"),
            canonical_url=data.get("canonical_url"),
            links=tuple((str(href), str(anchor)) for href, anchor in data.get("links") or ()),
            anchors=None
            if anchors is None
            else tuple((str(href), int(start), int(end)) for href, start, end in anchors),
            encoding=data.get("encoding"),
            extractor=data.get("extractor") or "",
            extractor_version=data.get("extractor_version") or "",
            options=dict(data.get("options") or {}),
            error=data.get("error"),
        )
