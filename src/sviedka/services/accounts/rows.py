"""The account tables: transactions, and users as read from their rows (with their groups)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from ...errors import Conflict
from ...model import Confidentiality
from ...model.revision import timestamp
from ...store import SqlStore
from ...store import schema as t
from ...store.engine import WRITE
from .model import Role, User

__all__ = [
    "groups_of",
    "load_user",
    "load_users",
    "read_transaction",
    "revoke_access",
    "user_of",
    "users_joined",
    "write_transaction",
]


@contextmanager
def write_transaction(store: SqlStore) -> Iterator[sa.Connection]:
    """A writing transaction on the account tables (SQLite's write lock taken at BEGIN)."""
    try:
        with store.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            with conn.begin():
                yield conn
    except sa.exc.IntegrityError as exc:
        raise Conflict("That collides with an account already stored; nothing changed.") from exc


@contextmanager
def read_transaction(store: SqlStore) -> Iterator[sa.Connection]:
    with store.engine.connect() as conn, conn.begin():
        yield conn


def load_user(conn: sa.Connection, where: Any) -> User | None:
    row = conn.execute(sa.select(t.users).where(where)).first()
    if row is None:
        return None
    return user_of(row, groups_of(conn, [row.id]).get(row.id, frozenset()))


def load_users(conn: sa.Connection) -> list[User]:
    rows = conn.execute(sa.select(t.users).order_by(t.users.c.username)).all()
    groups = groups_of(conn, [r.id for r in rows])
    return [user_of(r, groups.get(r.id, frozenset())) for r in rows]


def groups_of(conn: sa.Connection, ids: list[str]) -> dict[str, frozenset[str]]:
    g = t.user_groups.c
    found: dict[str, set[str]] = {}
    for i in range(0, len(ids), 500):
        rows = conn.execute(sa.select(g.user_id, g.group_name).where(g.user_id.in_(ids[i:][:500])))
        for user_id, group in rows:
            found.setdefault(user_id, set()).add(group)
    return {k: frozenset(v) for k, v in found.items()}


def user_of(row: Any, groups: frozenset[str]) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        clearance=Confidentiality(row.clearance),
        groups=groups,
        language=row.language,
        totp_required=bool(row.totp_required),
        totp_enabled=row.totp_secret is not None,
        disabled=bool(row.disabled),
        must_change_password=bool(row.must_change_password),
    )


def users_joined(query: sa.Select[Any], conn: sa.Connection) -> list[tuple[Any, User]]:
    """Run ``query`` (a select of some table joined to ``users``) with each user's groups
    joined in, in one round trip: the row of ``query`` and its user, once per user. For the
    lookups every request makes (its token or session)."""
    g = t.user_groups.c
    joined = query.add_columns(t.users, g.group_name).outerjoin(
        t.user_groups, g.user_id == t.users.c.id
    )
    found: dict[str, tuple[Any, set[str]]] = {}
    for row in conn.execute(joined):
        _, groups = found.setdefault(row.id, (row, set()))
        if row.group_name is not None:
            groups.add(row.group_name)
    return [(row, user_of(row, frozenset(groups))) for row, groups in found.values()]


def revoke_access(conn: sa.Connection, user_id: str) -> None:
    """End every session of the user and revoke every API token they have, for good: tokens
    stay revoked whatever happens to the account afterwards (enabling it again included)."""
    conn.execute(sa.delete(t.sessions).where(t.sessions.c.user_id == user_id))
    k = t.api_tokens.c
    live = sa.update(t.api_tokens).where(k.user_id == user_id, k.revoked_at.is_(None))
    conn.execute(live.values(revoked_at=timestamp()))
