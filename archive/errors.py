"""The one base class of prov's own errors.

Every error prov raises on purpose derives from :class:`ProvError` (and, where callers expect
it, from the built-in it refines: ``ValueError`` for bad input, ``OSError`` for storage), so a
command line or a service can catch prov's errors in one place and print their one-line
message. Exceptions that only signal between two parts of prov derive from it too.
"""

from __future__ import annotations

__all__ = ["ProvError"]


class ProvError(Exception):
    """An error of prov's own; its message is one line that says what to do."""
