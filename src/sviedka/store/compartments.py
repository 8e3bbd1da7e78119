"""Compartments in SQL: who a restricted record is granted to (``record_grants``), read and
changed inside a view's or a writer's transaction, so that a grant is written in the same
transaction as the record it opens and as the audit event that records it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlalchemy as sa

from ..policy import Grantee, GranteeKind
from . import schema as t
from .base import View, Writer
from .reading import connection
from .writer import SqlWriter

__all__ = ["Grant", "account_exists", "drop_grant", "grants_of", "journal", "put_grant"]


@dataclass(frozen=True)
class Grant:
    record_id: str
    grantee_kind: str  # user | group
    grantee: str  # a user id or a group name
    granted_by: str
    granted_at: str

    @property
    def to(self) -> Grantee:
        return Grantee(GranteeKind(self.grantee_kind), self.grantee)


def _one(record_id: str, grantee: Grantee) -> sa.ColumnElement[bool]:
    g = t.record_grants.c
    return sa.and_(
        g.record_id == record_id, g.grantee_kind == grantee.kind.value, g.grantee == grantee.name
    )


def grants_of(view: View, record_id: str) -> list[Grant]:
    """The grants of a record, by grantee (for whoever asks: check that it may read it)."""
    g = t.record_grants.c
    query = sa.select(t.record_grants).where(g.record_id == record_id)
    rows = connection(view).execute(query.order_by(g.grantee_kind, g.grantee))
    return [Grant(**row._mapping) for row in rows]


def put_grant(writer: Writer, grant: Grant) -> bool:
    """Store the grant; False (and nothing changed) if its grantee has it already."""
    conn = connection(writer)
    there = sa.select(t.record_grants.c.record_id).where(_one(grant.record_id, grant.to))
    if conn.execute(there).first() is not None:
        return False
    conn.execute(sa.insert(t.record_grants), asdict(grant))
    return True


def drop_grant(writer: Writer, record_id: str, grantee: Grantee) -> bool:
    """Withdraw a grant; False if there was none."""
    done = connection(writer).execute(sa.delete(t.record_grants).where(_one(record_id, grantee)))
    return bool(done.rowcount)


def account_exists(view: View, user_id: str) -> bool:
    query = sa.select(t.users.c.id).where(t.users.c.id == user_id)
    return connection(view).scalar(query) is not None


def journal(writer: Writer, kind: str, ref: str, entry: bytes) -> None:
    """Append an entry to the transparency log, in the writer's transaction."""
    assert isinstance(writer, SqlWriter)
    writer.journal.append(kind, ref, entry)
