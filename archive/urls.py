"""Checking the URLs users give before anything is fetched."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from archive.errors import ProvError

__all__ = [
    "URL_MAX_LENGTH",
    "BadURL",
    "check_url",
    "split_userinfo",
    "too_long",
    "without_userinfo",
]

SUPPORTED_SCHEMES = ("http", "https")
URL_MAX_LENGTH = 2083  # Scrapy's URLLENGTH_LIMIT (Internet Explorer's old limit)
_USERINFO = re.compile(r"//[^/?#]*@")


class BadURL(ProvError, ValueError):
    """A URL prov will not fetch; the message is one line saying why."""


def check_url(url: str, *, userinfo: bool = False) -> str:
    """Return URL stripped of surrounding space, or raise :class:`BadURL`.

    ``user:password@`` is refused unless USERINFO (proxy URLs, whose credentials go into the
    proxy's header alone): in a URL to archive it would be written into the WARC.
    """
    text = url.strip()
    shown = _USERINFO.sub("//", text)  # messages never repeat a password
    if not text:
        raise BadURL("empty URL")
    if any(ch.isspace() for ch in text):
        raise BadURL(f"{shown!r}: a URL cannot contain spaces (percent-encode them as %20)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"{shown!r}: malformed URL ({exc})") from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise BadURL(f"{shown!r}: no scheme; did you mean https://{shown}?")
    if scheme not in SUPPORTED_SCHEMES:
        raise BadURL(f"{shown!r}: unsupported scheme {scheme}: (prov fetches http and https)")
    if not parts.hostname:
        raise BadURL(f"{shown!r}: no host name")
    if port == 0:
        raise BadURL(f"{shown!r}: port 0 is not a valid port")
    if not userinfo and (parts.username is not None or parts.password is not None):
        raise BadURL(
            f"{shown!r} with user:password@: credentials in a URL would be"
            " written into the WARC; prov archives what is public"
        )
    return text


def too_long(url: str, limit: int = URL_MAX_LENGTH) -> str | None:
    """Why URL is not fetched for its length (over LIMIT characters; 0: no limit), or None."""
    if not limit or len(url) <= limit:
        return None
    return f"URL is {len(url)} characters long, over the limit of {limit}: not fetched"


def without_userinfo(url: str) -> str:
    """URL with any ``user:password@`` removed (a bare ``host:port`` proxy gets ``http://``)."""
    return split_userinfo(url)[0]


def split_userinfo(url: str) -> tuple[str, str | None]:
    """(URL without ``user:password@``, the decoded ``user:password`` or None).

    For proxy and webhook URLs, whose credentials go into a header and must never be stored
    or printed with the URL.
    """
    parts = urlsplit(url if "://" in url else "http://" + url)
    if parts.username is None and parts.password is None:
        return urlunsplit(parts), None
    host = parts.hostname or ""
    shown = f"[{host}]" if ":" in host else host
    netloc = f"{shown}:{parts.port}" if parts.port else shown
    userinfo = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
    return urlunsplit(parts._replace(netloc=netloc)), userinfo
