"""The account tables in SQL: users and their groups, login sessions, API tokens, failed logins
and the lockout secret (``services/accounts``, ``http/sessions.py``, ``http/tokens.py``).

Everything is read and written through ``AccountTables``, one transaction of the account tables
(``account_tables(store, write=True)``), so that a change and what it takes away commit together:
a password reset, a lower role or a disabled account end the user's sessions and revoke their
tokens (``revoke_access``) in the transaction of the change. A write that collides with a stored
row (a name taken twice, a secret made twice) raises ``Conflict``.

The two lookups every request makes, its API token and its session with the user and the
user's groups, are one statement each, built once at import (``token_holder``,
``session_holder``), sent on PostgreSQL without a BEGIN and ROLLBACK around it (``_lookup``).
Secrets are never stored: session ids and tokens arrive here as SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from typing import Any

import sqlalchemy as sa

from ..errors import Conflict
from .engine import WRITE
from .schema import api_tokens, login_failures, meta, sessions, user_groups, users
from .sql import SqlStore

__all__ = [
    "AccountTables",
    "SessionRow",
    "TokenInfo",
    "TokenRow",
    "UserRow",
    "account_tables",
    "session_holder",
    "token_holder",
]


@dataclass(frozen=True)
class UserRow:
    """A user as stored, with its secrets (the services make a ``User`` of it)."""

    id: str
    username: str
    password_hash: str
    role: str
    clearance: str
    language: str | None
    totp_secret: str | None
    totp_pending: str | None
    totp_last: int | None
    totp_required: bool
    disabled: bool
    must_change_password: bool
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SessionRow:
    seen_at: str
    expires_at: str


@dataclass(frozen=True)
class TokenRow:
    revoked_at: str | None
    expires_at: str
    scopes: str  # space-separated


@dataclass(frozen=True)
class TokenInfo:
    """An API token as lists show it (never the token itself)."""

    id: str
    user_id: str
    username: str
    name: str
    scopes: tuple[str, ...]
    created_at: str
    expires_at: str
    revoked_at: str | None


_U, _G, _S, _K = users.c, user_groups.c, sessions.c, api_tokens.c
_USER = [getattr(_U, f.name) for f in fields(UserRow) if f.name != "groups"]
_WITH_GROUPS = users.outerjoin(user_groups, _G.user_id == _U.id)

_USER_WITH_GROUPS = sa.select(*_USER, _G.group_name).select_from(_WITH_GROUPS)
_TOKEN_HOLDER = (
    sa.select(_K.revoked_at, _K.expires_at, _K.scopes, *_USER, _G.group_name)
    .select_from(api_tokens.join(_WITH_GROUPS, _U.id == _K.user_id))
    .where(_K.token_sha256 == sa.bindparam("digest"))
)
_SESSION_HOLDER = (
    sa.select(_S.seen_at, _S.expires_at, *_USER, _G.group_name)
    .select_from(sessions.join(_WITH_GROUPS, _U.id == _S.user_id))
    .where(_S.id_sha256 == sa.bindparam("digest"))
)


def token_holder(store: SqlStore, digest: str) -> tuple[TokenRow, UserRow] | None:
    """The token stored under ``digest`` and its user, in one statement; None if unknown."""
    rows = _lookup(store, _TOKEN_HOLDER, digest)
    if not rows:
        return None
    token = TokenRow(rows[0].revoked_at, rows[0].expires_at, rows[0].scopes)
    return token, _user_of(rows[0], _groups(rows))


def session_holder(store: SqlStore, digest: str) -> tuple[SessionRow, UserRow] | None:
    """The session stored under ``digest`` and its user, in one statement; None if unknown."""
    rows = _lookup(store, _SESSION_HOLDER, digest)
    if not rows:
        return None
    return SessionRow(rows[0].seen_at, rows[0].expires_at), _user_of(rows[0], _groups(rows))


def _lookup(store: SqlStore, statement: sa.Select[Any], digest: str) -> Sequence[sa.Row[Any]]:
    """The rows of one SELECT, through the store's reads (in autocommit on PostgreSQL: one
    statement sees one moment anyway, and a BEGIN and ROLLBACK around it would be two more round
    trips on every request)."""
    with store.read_connection() as conn:
        return conn.execute(statement, {"digest": digest}).all()


@contextmanager
def account_tables(store: SqlStore, *, write: bool = False) -> Iterator[AccountTables]:
    """One transaction of the account tables; ``write`` takes SQLite's write lock at BEGIN."""
    try:
        with store.engine.connect() as conn:
            if write:
                conn = conn.execution_options(**{WRITE: True})
            with conn.begin():
                yield AccountTables(conn)
    except sa.exc.IntegrityError as exc:
        raise Conflict("That collides with an account already stored; nothing changed.") from exc


class AccountTables:
    """The account tables inside one transaction (``account_tables``)."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    # -- users and groups

    def user(self, user_id: str) -> UserRow | None:
        return self._user(_U.id == user_id)

    def user_named(self, username: str) -> UserRow | None:
        """The user of this name, as stored (lower case)."""
        return self._user(_U.username == username)

    def has_user_named(self, username: str) -> bool:
        return self.conn.scalar(sa.select(_U.id).where(_U.username == username)) is not None

    def users(self) -> list[UserRow]:
        rows = self.conn.execute(sa.select(*_USER).order_by(_U.username)).all()
        groups = self._groups_of([r.id for r in rows])
        return [_user_of(r, groups.get(r.id, frozenset())) for r in rows]

    def add_user(self, user: UserRow, at: str) -> None:
        """Store a new user (``user.groups`` are added with ``add_group``)."""
        row = {k: v for k, v in asdict(user).items() if k != "groups"}
        self.conn.execute(sa.insert(users), {**row, "created_at": at, "updated_at": at})

    def update_user(self, user_id: str, **values: Any) -> bool:
        """Set columns of the user's row; False if there is no such user."""
        done = self.conn.execute(sa.update(users).where(_U.id == user_id).values(**values))
        return bool(done.rowcount)

    def add_group(self, user_id: str, group: str) -> None:
        self.conn.execute(sa.insert(user_groups), {"user_id": user_id, "group_name": group})

    def remove_group(self, user_id: str, group: str) -> None:
        self.conn.execute(
            sa.delete(user_groups).where(_G.user_id == user_id, _G.group_name == group)
        )

    def revoke_access(self, user_id: str, at: str) -> None:
        """End every session of the user and revoke every API token they have, for good: tokens
        stay revoked whatever happens to the account afterwards (enabling it again included)."""
        self.conn.execute(sa.delete(sessions).where(_S.user_id == user_id))
        live = sa.update(api_tokens).where(_K.user_id == user_id, _K.revoked_at.is_(None))
        self.conn.execute(live.values(revoked_at=at))

    def _user(self, where: sa.ColumnElement[bool]) -> UserRow | None:
        """One statement, whether the user exists or not: a login by an unknown name costs
        what a login by a known one does (``services/accounts/login.py``)."""
        rows = self.conn.execute(_USER_WITH_GROUPS.where(where)).all()
        return _user_of(rows[0], _groups(rows)) if rows else None

    def _groups_of(self, ids: Sequence[str]) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for i in range(0, len(ids), 500):  # SQLite's and drivers' limits on bound values
            query = sa.select(_G.user_id, _G.group_name).where(_G.user_id.in_(ids[i : i + 500]))
            for user_id, group in self.conn.execute(query):
                found.setdefault(user_id, set()).add(group)
        return {k: frozenset(v) for k, v in found.items()}

    # -- sessions

    def add_session(self, digest: str, user_id: str, at: str, expires_at: str) -> None:
        row = {"id_sha256": digest, "user_id": user_id, "created_at": at, "seen_at": at}
        self.conn.execute(sa.insert(sessions), {**row, "expires_at": expires_at})

    def end_session(self, digest: str) -> None:
        self.conn.execute(sa.delete(sessions).where(_S.id_sha256 == digest))

    def end_stale_sessions(self, now: str, idle_since: str) -> None:
        """Sessions expired by ``now`` or not seen since ``idle_since``."""
        stale = sa.or_(_S.expires_at <= now, _S.seen_at <= idle_since)
        self.conn.execute(sa.delete(sessions).where(stale))

    def touch_session(self, digest: str, seen_at: str) -> None:
        query = sa.update(sessions).where(_S.id_sha256 == digest)
        self.conn.execute(query.values(seen_at=seen_at))

    # -- API tokens

    def add_token(self, token: TokenInfo, digest: str) -> None:
        row = {k: v for k, v in asdict(token).items() if k != "username"}
        row["scopes"] = " ".join(token.scopes)
        self.conn.execute(sa.insert(api_tokens), {**row, "token_sha256": digest})

    def tokens(self, username: str | None = None) -> list[TokenInfo]:
        """Every token (of the user of this stored name), oldest first."""
        query = sa.select(api_tokens, _U.username).join(users, _U.id == _K.user_id)
        if username is not None:
            query = query.where(_U.username == username)
        rows = self.conn.execute(query.order_by(_K.created_at)).all()
        return [_token_info(row) for row in rows]

    def revoke_token(self, token_id: str, at: str) -> bool:
        """Revoke a live token; False if there is no live token with this id."""
        live = sa.update(api_tokens).where(_K.id == token_id, _K.revoked_at.is_(None))
        return bool(self.conn.execute(live.values(revoked_at=at)).rowcount)

    # -- failed logins and the archive's secrets in ``meta``

    def meta(self, key: str) -> str | None:
        value = self.conn.scalar(sa.select(meta.c.value).where(meta.c.key == key))
        return None if value is None else str(value)

    def add_meta(self, key: str, value: str) -> None:
        """``Conflict`` (at the end of the transaction) if the key is there already."""
        self.conn.execute(sa.insert(meta), {"key": key, "value": value})

    def failures(self, key: str, since: str) -> int:
        """How many failed logins are counted under ``key`` since ``since``."""
        f = login_failures.c
        query = sa.select(sa.func.count()).where(f.key == key, f.at >= since)
        return int(self.conn.scalar(query) or 0)

    def add_failures(self, keys: Iterable[str], at: str) -> None:
        self.conn.execute(sa.insert(login_failures), [{"key": k, "at": at} for k in keys])

    def forget_failures(self, key: str) -> None:
        self.conn.execute(sa.delete(login_failures).where(login_failures.c.key == key))

    def forget_failures_before(self, at: str) -> None:
        self.conn.execute(sa.delete(login_failures).where(login_failures.c.at < at))


def _groups(rows: Sequence[Any]) -> frozenset[str]:
    return frozenset(row.group_name for row in rows if row.group_name is not None)


def _user_of(row: Any, groups: frozenset[str]) -> UserRow:
    return UserRow(
        id=row.id,
        username=row.username,
        password_hash=row.password_hash,
        role=row.role,
        clearance=row.clearance,
        language=row.language,
        totp_secret=row.totp_secret,
        totp_pending=row.totp_pending,
        totp_last=row.totp_last,
        totp_required=bool(row.totp_required),
        disabled=bool(row.disabled),
        must_change_password=bool(row.must_change_password),
        groups=groups,
    )


def _token_info(row: Any) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        user_id=row.user_id,
        username=row.username,
        name=row.name,
        scopes=tuple(row.scopes.split()),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )
