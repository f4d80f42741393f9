"""Parse untrusted XML (feeds, sitemaps) into an ElementTree, refusing DTDs and entities.

The stdlib's expat parser expands internal entities, so a document with a DTD can blow up in
memory ("billion laughs") or, with external entities, reach for other resources. Like
``defusedxml``, this parser refuses any ``<!DOCTYPE``, entity declaration or external entity
reference outright; feeds and sitemaps never need them. Gzip bodies (``sitemap.xml.gz``) are
decompressed, up to ``max_bytes``.
"""

from __future__ import annotations

import gzip
import io
import zlib
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from archive.errors import ProvError

__all__ = ["MAX_XML_BYTES", "UnsafeXMLError", "XMLError", "parse_xml"]

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit for one file


class XMLError(ProvError, ValueError):
    """The document is not well-formed XML (or is too large)."""


class UnsafeXMLError(XMLError):
    """The document declares a DTD or entities, which are refused."""


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise XMLError(f"bad gzip body: {exc}") from None
    if len(data) > max_bytes:
        raise XMLError(f"XML larger than {max_bytes} bytes once decompressed")
    return data


def _refuse(what: str) -> None:
    raise UnsafeXMLError(f"XML with {what} refused (feeds and sitemaps need no DTD)")


def parse_xml(body: bytes, max_bytes: int = MAX_XML_BYTES) -> Element:
    """The root element of ``body``; tags are ``{namespace}local`` as in ElementTree."""
    data = _gunzip(body, max_bytes)
    if len(data) > max_bytes:
        raise XMLError(f"XML larger than {max_bytes} bytes")
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def start(tag: str, attributes: dict[str, str]) -> None:
        builder.start(_qualified(tag), {_qualified(k): v for k, v in attributes.items()})

    def end(tag: str) -> None:
        builder.end(_qualified(tag))

    def doctype(name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
        _refuse(f"a DOCTYPE ({name})")

    def entity(name: str, *_: object) -> None:
        _refuse(f"an entity declaration ({name})")

    def external(
        context: str, base: str | None, system_id: str | None, public_id: str | None
    ) -> int:
        _refuse("an external entity reference")
        return 0

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XMLError(f"not well-formed XML: {exc}") from None
    return builder.close()


def _qualified(tag: str) -> str:
    return "{" + tag if "}" in tag else tag
