"""API tokens: scoped, expiring, shown once, stored as SHA-256.

A token is ``svk_`` and 43 random URL-safe characters. It is sent as ``Authorization: Bearer
svk_…``; it acts as its user, narrowed to its scopes (``policy.SCOPES``), until it expires, is
revoked, or its user is disabled.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ..errors import Invalid, NotFound
from ..model.ids import new_id
from ..model.revision import timestamp
from ..services.accounts import Scope, User, find_user, user_of
from ..store import SqlStore
from ..store.accounts import TokenInfo, account_tables, token_holder

__all__ = [
    "TOKEN_PREFIX",
    "TokenInfo",
    "create_token",
    "list_tokens",
    "parse_duration",
    "revoke_token",
    "token_user",
]

TOKEN_PREFIX = "svk_"
_DURATION = re.compile(r"^(\d{1,5})([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """``90m``, ``12h``, ``30d`` or ``8w``."""
    match = _DURATION.match(text.strip())
    if not match or int(match[1]) == 0:
        raise Invalid("Bad duration.", {"expires": "a number and m, h, d or w, such as 30d"})
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    store: SqlStore, username: str, scopes: Iterable[str], expires: timedelta, name: str = ""
) -> tuple[str, TokenInfo]:
    """A new token for the user; returns the token (to show once) and what is stored of it."""
    user = find_user(store, username)
    wanted = sorted(set(scopes))
    bad = [s for s in wanted if s not in Scope.__members__.values()]
    if not wanted or bad:
        raise Invalid("Bad scopes.", {"scope": f"one or more of {', '.join(Scope)}"})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    info = TokenInfo(
        id=new_id(),
        user_id=user.id,
        username=user.username,
        name=(name or "token")[:100],
        scopes=tuple(wanted),
        created_at=timestamp(now),
        expires_at=timestamp(now + expires),
        revoked_at=None,
    )
    with account_tables(store, write=True) as tables:
        tables.add_token(info, _digest(token))
    return token, info


def list_tokens(store: SqlStore, username: str | None = None) -> list[TokenInfo]:
    name = None if username is None else username.strip().lower()
    with account_tables(store) as tables:
        return tables.tokens(name)


def revoke_token(store: SqlStore, token_id: str) -> None:
    with account_tables(store, write=True) as tables:
        done = tables.revoke_token(token_id, timestamp())
    if not done:
        raise NotFound(f"No active token with id {token_id}.")


def token_user(store: SqlStore, token: str) -> User | None:
    """The user a live token acts as, narrowed to its scopes; None if unknown, expired,
    revoked, or its user is disabled."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = token_holder(store, _digest(token))
    if found is None:
        return None
    row, holder = found
    if row.revoked_at is not None or row.expires_at <= timestamp() or holder.disabled:
        return None
    return replace(user_of(holder), scopes=frozenset(row.scopes.split()))
