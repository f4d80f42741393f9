"""Checking the URLs users give before anything is fetched."""

from __future__ import annotations

from urllib.parse import urlsplit

SUPPORTED_SCHEMES = ("http", "https")


class BadURL(ValueError):
    """A URL prov will not fetch; the message is one line saying why."""


def check_url(url: str) -> str:
    """Return URL stripped of surrounding space, or raise :class:`BadURL`."""
    text = url.strip()
    if not text:
        raise BadURL("empty URL")
    if any(ch.isspace() for ch in text):
        raise BadURL(f"{text!r}: a URL cannot contain spaces (percent-encode them as %20)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"{text!r}: malformed URL ({exc})") from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise BadURL(f"{text!r}: no scheme; did you mean https://{text}?")
    if scheme not in SUPPORTED_SCHEMES:
        raise BadURL(f"{text!r}: unsupported scheme {scheme}: (prov fetches http and https)")
    if not parts.hostname:
        raise BadURL(f"{text!r}: no host name")
    if port == 0:
        raise BadURL(f"{text!r}: port 0 is not a valid port")
    return text
