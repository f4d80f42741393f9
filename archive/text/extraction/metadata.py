"""Title, author, date and site name of a page: trafilatura's metadata extraction, lean.

``trafilatura.metadata.extract_metadata`` also looks for categories, tags and a licence, which
prov does not keep (a quarter of its cost), and its author search prunes a deep copy of the
whole tree. ``page_metadata`` makes the same calls for the fields prov keeps, in an order that
gives the same results, and prunes the tree itself for the author search, last: the tree must
not be read afterwards. These are trafilatura's internals (it is pinned to 2.3.x);
tests/test_archive_extraction.py checks the results against ``extract_metadata`` on every page
of the shared corpus.
"""

from __future__ import annotations

import logging
from typing import Any

from htmldate import find_date
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_metainfo,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

__all__ = ["page_metadata"]

logger = logging.getLogger(__name__)


def _author_pruning(tree: Any) -> str | None:
    """trafilatura's ``extract_author``, on TREE itself rather than on a deep copy of it."""
    author: str | None = extract_metainfo(
        prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS), AUTHOR_XPATHS, len_limit=120
    )
    return normalize_authors(None, author) if author else author


def page_metadata(tree: Any, url: str, *, extensive: bool) -> Document:
    """The metadata ``extract_metadata(tree, url, None, extensive)`` finds for title, author,
    date (EXTENSIVE: htmldate's extensive search) and site name. Prunes TREE."""
    metadata: Document = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as exc:  # as trafilatura: bugs in its JSON-LD reading are skipped
        logger.debug("JSON metadata of %s not read: %s", url, exc)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    date_config = set_date_params(extensive)
    date_config["url"] = metadata.url
    metadata.date = find_date(tree, **date_config)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")  # a Twitter handle
        if metadata.sitename and "." not in metadata.sitename and not (
            metadata.sitename[0].isupper()
        ):
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        found = META_URL.match(metadata.url)
        if found:
            metadata.sitename = found[1]
    if not metadata.author:
        metadata.author = _author_pruning(tree)  # last: it prunes the tree
    metadata.clean_and_trim()
    return metadata
