"""The one base class of prov's own errors.

Every error prov raises on purpose derives from :class:`ProvError` (and, where callers expect
it, from the built-in it refines: ``ValueError`` for bad input, ``OSError`` for storage), so a
command line or a service can catch prov's errors in one place and print their one-line
message. Exceptions that only signal between two parts of prov derive from it too.
"""

from __future__ import annotations

__all__ = ["ProvError", "error_line"]


class ProvError(Exception):
    """An error of prov's own; its message is one line that says what to do."""


def error_line(exc: BaseException) -> str:
    """EXC as one line, ``Type: reason`` (a database error's driver message, an OSError's
    strerror), for reports that must never show a traceback."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    lines = str(getattr(exc, "orig", None) or exc).splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines and lines[0] else type(exc).__name__
