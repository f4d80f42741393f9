"""API tokens of ``prov serve`` in the index: only a SHA-256 of each token is stored.

A token may ``write`` (ask for captures, manage watches: the default) or only ``read``
(lookups, texts, search, replay links): give researchers who only look things up a read token.

A token is 32 random bytes (``prov_`` and 43 URL-safe characters), so a plain SHA-256 is
enough to make the stored value useless to whoever reads the database; a slow password hash
would only slow every request down.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from archive.errors import ProvError
from archive.index.serve_tables import api_tokens
from archive.timestamps import utcnow, warc_date

__all__ = ["SCOPES", "ApiToken", "TokenError", "TokenIndex", "new_token", "token_digest"]

TOKEN_PREFIX = "prov_"
SCOPES = ("read", "write")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class TokenError(ProvError, ValueError):
    """A token that cannot be created or revoked; the message says why."""


@dataclass(frozen=True)
class ApiToken:
    name: str
    prefix: str
    created: str
    revoked: str | None
    scope: str = "write"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "prefix": self.prefix,
            "created": self.created,
            "revoked": self.revoked,
            "scope": self.scope,
        }


def _scope(stored: str | None) -> str:
    """A token's scope as stored; a token made before scopes existed may write."""
    return stored or "write"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, name: str, scope: str = "write") -> str:
        """A new token named NAME with SCOPE (``read`` or ``write``); the token itself is
        returned once and never stored."""
        if not _NAME.fullmatch(name):
            raise TokenError(
                f"token name {name!r}: use 1 to 64 letters, digits, '.', '_' or '-'"
            )
        if scope not in SCOPES:
            raise TokenError(f"token scope {scope!r}: use read or write")
        token = new_token()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(api_tokens).values(
                        name=name,
                        digest=token_digest(token),
                        prefix=token[: len(TOKEN_PREFIX) + 4],
                        created=warc_date(utcnow()),
                        scope=scope,
                    )
                )
        except IntegrityError:
            raise TokenError(
                f"a token named {name!r} exists (revoke it or pick another name)"
            ) from None
        return token

    def listing(self) -> list[ApiToken]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_tokens).order_by(api_tokens.c.id)).mappings()
            return [
                ApiToken(r["name"], r["prefix"], r["created"], r["revoked"], _scope(r["scope"]))
                for r in rows
            ]

    def revoke(self, name: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(api_tokens)
                .where(api_tokens.c.name == name, api_tokens.c.revoked.is_(None))
                .values(revoked=warc_date(utcnow()))
            )
        if done.rowcount != 1:
            raise TokenError(f"no active token named {name!r} (prov token list shows them)")

    def find(self, token: str) -> tuple[str, str] | None:
        """The name and scope of TOKEN if it is active (looked up by its digest)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(api_tokens.c.name, api_tokens.c.scope).where(
                    api_tokens.c.digest == token_digest(token), api_tokens.c.revoked.is_(None)
                )
            ).first()
        return None if row is None else (row.name, _scope(row.scope))
