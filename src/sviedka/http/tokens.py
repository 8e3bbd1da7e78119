"""API tokens: scoped, expiring, shown once, stored as SHA-256.

A token is ``svk_`` and 43 random URL-safe characters. It is sent as ``Authorization: Bearer
svk_…``; it acts as its user, narrowed to its scopes (``access.SCOPES``), until it expires, is
revoked, or its user is disabled.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..errors import Invalid, NotFound
from ..model.ids import new_id
from ..model.revision import timestamp
from ..services.accounts import Scope, User, find_user, users_joined, write_transaction
from ..store import SqlStore
from ..store import schema as t

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


@dataclass(frozen=True)
class TokenInfo:
    id: str
    user_id: str
    username: str
    name: str
    scopes: tuple[str, ...]
    created_at: str
    expires_at: str
    revoked_at: str | None


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
    row = {
        "id": new_id(),
        "user_id": user.id,
        "name": (name or "token")[:100],
        "token_sha256": _digest(token),
        "scopes": " ".join(wanted),
        "created_at": timestamp(now),
        "expires_at": timestamp(now + expires),
        "revoked_at": None,
    }
    with write_transaction(store) as conn:
        conn.execute(sa.insert(t.api_tokens), row)
    return token, _info(row, user.username)


def list_tokens(store: SqlStore, username: str | None = None) -> list[TokenInfo]:
    k, u = t.api_tokens.c, t.users.c
    query = sa.select(t.api_tokens, u.username).join(t.users, u.id == k.user_id)
    if username is not None:
        query = query.where(u.username == username.strip().lower())
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(k.created_at)).all()
    return [_info(dict(row._mapping), row.username) for row in rows]


def revoke_token(store: SqlStore, token_id: str) -> None:
    k = t.api_tokens.c
    with write_transaction(store) as conn:
        done = conn.execute(
            sa.update(t.api_tokens)
            .where(k.id == token_id, k.revoked_at.is_(None))
            .values(revoked_at=timestamp())
        )
    if done.rowcount == 0:
        raise NotFound(f"No active token with id {token_id}.")


def token_user(store: SqlStore, token: str) -> User | None:
    """The user a live token acts as, narrowed to its scopes; None if unknown, expired,
    revoked, or its user is disabled."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    k = t.api_tokens.c
    query = (
        sa.select(k.revoked_at, k.expires_at, k.scopes)
        .select_from(t.api_tokens)
        .join(t.users, t.users.c.id == k.user_id)
        .where(k.token_sha256 == _digest(token))
    )
    with store.engine.connect() as conn:
        found = users_joined(query, conn)
    if not found:
        return None
    row, user = found[0]
    if row.revoked_at is not None or row.expires_at <= timestamp() or user.disabled:
        return None
    return replace(user, scopes=frozenset(row.scopes.split()))


def _info(row: Mapping[str, Any], username: str) -> TokenInfo:
    return TokenInfo(
        id=row["id"],
        user_id=row["user_id"],
        username=username,
        name=row["name"],
        scopes=tuple(row["scopes"].split()),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )
