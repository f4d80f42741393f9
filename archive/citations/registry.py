"""The source registry: publishers, the names they are cited by, and how to find their articles.

The defaults live in ``settings/sources.json``; a user file named by ``PROV_SOURCES`` (several
files separated by ``os.pathsep``) or passed to ``load_registry`` extends them. Format::

    {"sources": [
      {"id": "ria",                              # required: [a-z0-9][a-z0-9_-]*, unique
       "name": "RIA Novosti",                    # required: the name shown in reports
       "aliases": ["RIA", "РИА Новости"],        # other names it is cited by
       "domains": ["ria.ru"],                    # its hosts (subdomains included)
       "language": "ru",                         # BCP 47 tag of its articles, or null
       "feeds": ["https://ria.ru/export/rss2/archive/index.xml"],   # RSS or Atom
       "sitemaps": [{"url": "https://...", "language": "en"}],     # news sitemaps
       "search": "https://ria.ru/search/?query={query}",           # {query} is URL-quoted
       "notes": "free text"}
    ]}

A feed or sitemap is a URL or ``{"url": ..., "language": ...}`` when its articles are in
another language than the source's. In a user file an entry whose ``id`` is already known
replaces it whole, and ``{"id": "tass", "disabled": true}`` removes it. Any error (bad JSON,
missing or mistyped field, unknown key, duplicate id) raises ``RegistryError`` with one line
naming the file, the entry and the fix.

Names are found in text case-sensitively (as they are written: "Reuters", "AP", "РИА
Новости"), also in capitals ("REUTERS" in datelines), a leading "The" in either case, and with
up to two letters of Russian case ending after a Cyrillic name ("Интерфаксу").
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

from archive.citations.registry_file import (
    ENV_VAR,
    Endpoint,
    RegistryError,
    Source,
    default_registry_path,
    read_sources,
)

__all__ = [
    "ENV_VAR",
    "Endpoint",
    "NameMatch",
    "Registry",
    "RegistryError",
    "Source",
    "host_of",
    "load_registry",
    "search_url",
]


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A registered source named in a text: which source, by which alias, where."""

    source_id: str
    alias: str
    start: int
    end: int


def host_of(url_or_host: str) -> str:
    """The lower-case host of a URL or bare host name, without ``www.`` and port."""
    value = url_or_host.strip()
    host = urlsplit(value).hostname if "://" in value else value.split("/", 1)[0]
    host = (host or "").lower().split(":", 1)[0].rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _key(name: str) -> str:
    """A name as compared by ``find_source``: case-folded, one space, no leading "the"."""
    folded = re.sub(r"[\s\-‐–]+", " ", name.casefold()).strip()
    return folded[4:] if folded.startswith("the ") else folded


def _alias_pattern(alias: str) -> str:
    parts = [re.escape(part) for part in re.split(r"[\s\-]+", alias.strip()) if part]
    if parts and parts[0] in ("The", "the"):
        parts[0] = "[Tt]he"
    body = r"[\s\-]+".join(parts)
    upper = r"[\s\-]+".join(re.escape(part.upper()) for part in alias.split())
    ending = r"[а-яё]{0,2}" if re.search(r"[а-яёА-ЯЁ]$", alias) else ""
    return rf"(?<!\w)(?:{body}|{upper}){ending}(?!\w)"


def search_url(source: Source, query: str) -> str | None:
    """The source's site-search URL for ``query`` (None when it has no search template)."""
    if source.search is None:
        return None
    return source.search.replace("{query}", quote_plus(query))


class Registry:
    """An ordered set of sources, looked up by id, name, alias, domain or URL."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self.sources: tuple[Source, ...] = tuple(sources)
        self._by_id = {source.id: source for source in self.sources}
        self._by_name = {
            _key(name): source for source in reversed(self.sources) for name in source.names
        }
        self._patterns = [
            (source, alias, re.compile(_alias_pattern(alias)))
            for source in self.sources
            for alias in sorted(source.names, key=len, reverse=True)
        ]

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self) -> Iterator[Source]:
        return iter(self.sources)

    def get(self, source_id: str) -> Source | None:
        """The source with this id, or None."""
        return self._by_id.get(source_id)

    def find_source(self, name_or_domain: str) -> Source | None:
        """The source named, aliased, identified or hosting ``name_or_domain`` (a URL works)."""
        value = name_or_domain.strip()
        if not value:
            return None
        if value in self._by_id:
            return self._by_id[value]
        by_name = self._by_name.get(_key(value))
        if by_name is not None:
            return by_name
        if "://" in value or ("." in value and " " not in value):
            return self.source_for_host(host_of(value))
        return None

    def source_for_host(self, host: str) -> Source | None:
        """The source whose domain is ``host`` or a parent domain of it."""
        host = host_of(host)
        best: Source | None = None
        best_length = -1
        for source in self.sources:
            for domain in source.domains:
                if (host == domain or host.endswith("." + domain)) and len(domain) > best_length:
                    best, best_length = source, len(domain)
        return best

    def find_names(self, text: str, start: int = 0, end: int | None = None) -> list[NameMatch]:
        """Registered names in ``text[start:end]``, in order, longest first where they overlap."""
        stop = len(text) if end is None else end
        found = [
            NameMatch(source.id, alias, match.start(), match.end())
            for source, alias, pattern in self._patterns
            for match in pattern.finditer(text, start, stop)
        ]
        found.sort(key=lambda match: (match.start, match.start - match.end))
        kept: list[NameMatch] = []
        for match in found:
            if not kept or match.start >= kept[-1].end:
                kept.append(match)
        return kept

    def with_overrides(self, overrides: Iterable[Source | str]) -> Registry:
        """A registry where each override replaces the source of its id (a str id removes it)."""
        sources = dict(self._by_id)
        for override in overrides:
            if isinstance(override, str):
                sources.pop(override, None)
            else:
                sources[override.id] = override
        return Registry(sources.values())


def load_registry(
    path: str | Path | None = None,
    *,
    defaults: bool = True,
    environ: Mapping[str, str] | None = None,
) -> Registry:
    """The default registry extended by ``path`` (else by the files in ``$PROV_SOURCES``).

    ``defaults=False`` reads only the given file. Raises ``RegistryError`` (one line) when a
    file is missing or invalid.
    """
    env = os.environ if environ is None else environ
    registry = Registry(())
    if defaults:
        base = read_sources(default_registry_path(), allow_disabled=False)
        registry = registry.with_overrides(base)
    if path is not None:
        extra: list[Path] = [Path(path)]
    else:
        extra = [Path(item) for item in env.get(ENV_VAR, "").split(os.pathsep) if item.strip()]
    for file in extra:
        registry = registry.with_overrides(read_sources(file, allow_disabled=True))
    return registry
