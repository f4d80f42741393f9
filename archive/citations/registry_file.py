"""Read and validate source registry files (format: see ``archive.citations.registry``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.citations.languages import normalize_language
from archive.errors import ProvError

__all__ = [
    "ENV_VAR",
    "Endpoint",
    "RegistryError",
    "Source",
    "default_registry_path",
    "parse_sources",
    "read_sources",
]

ENV_VAR = "PROV_SOURCES"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*$")
_KEYS = frozenset(
    {
        "id",
        "name",
        "aliases",
        "domains",
        "language",
        "feeds",
        "sitemaps",
        "search",
        "notes",
        "disabled",
        "$comment",
    }
)


class RegistryError(ProvError, ValueError):
    """A registry file that cannot be used; the message is one line saying what to fix."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A feed or sitemap URL, with the language of the articles it lists (None: unknown)."""

    url: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A publisher that articles cite: its names, hosts and discovery endpoints."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    language: str | None = None
    feeds: tuple[Endpoint, ...] = ()
    sitemaps: tuple[Endpoint, ...] = ()
    search: str | None = None
    origin: str = ""  # the file it was read from

    @property
    def names(self) -> tuple[str, ...]:
        """The name first, then the aliases."""
        return (self.name, *self.aliases)


def default_registry_path() -> Path:
    """``settings/sources.json`` of this installation."""
    return Path(__file__).resolve().parents[2] / "settings" / "sources.json"


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str) or value != value.strip():
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class _Entry:
    """Validation of one entry, raising errors that name the file and the entry."""

    def __init__(self, origin: str, index: int, data: dict[str, Any]) -> None:
        self.data = data
        self.origin = origin
        label = data.get("id") if isinstance(data.get("id"), str) else None
        self.where = f"{origin}: sources[{index}]" + (f" ({label})" if label else "")

    def fail(self, problem: str) -> RegistryError:
        return RegistryError(f"{self.where}: {problem}")

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"'{key}' must be a non-empty string")
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            raise self.fail(f"'{key}' must be a list of non-empty strings")
        return tuple(item.strip() for item in value)

    def language(self, value: object, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or normalize_language(value) is None:
            raise self.fail(f"'{key}' must be a language tag such as \"en\" or null")
        return value

    def domains(self) -> tuple[str, ...]:
        domains = tuple(item.lower().removeprefix("www.") for item in self.strings("domains"))
        for domain in domains:
            if not _HOST.match(domain):
                raise self.fail(f"'domains' holds {domain!r}: give bare host names (bbc.co.uk)")
        return domains

    def endpoints(self, key: str, default_language: str | None) -> tuple[Endpoint, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f'\'{key}\' must be a list of URLs or {{"url", "language"}} objects')
        endpoints: list[Endpoint] = []
        for item in value:
            url: object = item.get("url") if isinstance(item, dict) else item
            if isinstance(item, dict) and set(item) - {"url", "language"}:
                raise self.fail(f'\'{key}\' objects take only "url" and "language"')
            if not _is_http_url(url):
                raise self.fail(f"'{key}' holds {url!r}: give absolute http(s) URLs")
            language = item.get("language") if isinstance(item, dict) else None
            language = self.language(language, f"{key}.language") or default_language
            endpoints.append(Endpoint(str(url), language))
        return tuple(endpoints)

    def search(self) -> str | None:
        template = self.text("search")
        if template is not None and (
            "{query}" not in template or not _is_http_url(template.replace("{query}", "q"))
        ):
            raise self.fail("'search' must be an http(s) URL template containing {query}")
        return template

    def source(self) -> Source:
        unknown = sorted(set(self.data) - _KEYS)
        if unknown:
            raise self.fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
        source_id = self.text("id", required=True) or ""
        if not _ID.match(source_id):
            raise self.fail("'id' must match [a-z0-9][a-z0-9_-]* (e.g. \"ria\")")
        language = self.language(self.data.get("language"), "language")
        return Source(
            id=source_id,
            name=self.text("name", required=True) or "",
            aliases=self.strings("aliases"),
            domains=self.domains(),
            language=language,
            feeds=self.endpoints("feeds", language),
            sitemaps=self.endpoints("sitemaps", language),
            search=self.search(),
            origin=self.origin,
        )


def parse_sources(data: object, origin: str, *, allow_disabled: bool) -> list[Source | str]:
    """Sources of a parsed registry document (a ``str`` is the id of a disabled entry)."""
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise RegistryError(f'{origin}: expected an object {{"sources": [...]}}')
    parsed: list[Source | str] = []
    seen: set[str] = set()
    for index, item in enumerate(data["sources"]):
        if not isinstance(item, dict):
            raise RegistryError(f"{origin}: sources[{index}]: each source must be an object")
        entry = _Entry(origin, index, item)
        if item.get("disabled") is True:
            if not allow_disabled:
                raise entry.fail("'disabled' is for user files that remove a default source")
            source_id = entry.text("id", required=True) or ""
            parsed.append(source_id)
            continue
        if "disabled" in item and item["disabled"] is not False:
            raise entry.fail("'disabled' must be true or false")
        source = entry.source()
        if source.id in seen:
            raise entry.fail(f"duplicate id {source.id!r}")
        seen.add(source.id)
        parsed.append(source)
    return parsed


def read_sources(path: Path, *, allow_disabled: bool) -> list[Source | str]:
    """Sources of a registry file; ``RegistryError`` (one line) when it is missing or bad."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read source registry: {exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RegistryError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    return parse_sources(data, str(path), allow_disabled=allow_disabled)
