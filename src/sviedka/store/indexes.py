"""Derived indexes: tables computed from records and kept current in the writer's transaction.

Statistics (detention spells) and search (name and text index) read tables that are a function of
the current records. The writer hands every record it adds or changes to each index before the
transaction commits, so an index is never behind the records it was made from. When an index's
``version`` changes (new columns, new rules), ``bring_up_to_date`` rebuilds it from the records
once, at open; the version built is kept in ``meta`` under ``index:<name>``. The indexes a store
keeps are listed in ``sql.default_indexes``; the writer sees them only through ``Index``.

An index is derived data: it holds nothing that is not in the records, is not hashed or logged,
and can always be dropped and rebuilt.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import ClassVar

import sqlalchemy as sa

from ..model import Record
from . import schema as t
from .rows import record_of, state_of

__all__ = ["Index", "bring_up_to_date", "records_of_kinds", "stale"]

_BATCH = 2000


class Index(ABC):
    """One derived index. ``kinds`` are the record kinds whose changes it needs to see."""

    name: ClassVar[str]
    version: ClassVar[int]
    kinds: ClassVar[frozenset[str]]

    @abstractmethod
    def refresh(self, conn: sa.Connection, records: Sequence[Record]) -> None:
        """Replace whatever the index holds for these records by what they say now."""

    @abstractmethod
    def clear(self, conn: sa.Connection) -> None:
        """Remove everything (before a rebuild)."""


def records_of_kinds(conn: sa.Connection, kinds: frozenset[str]) -> Iterator[list[Record]]:
    """All current records of ``kinds``, in batches by id (for rebuilds; memory stays flat)."""
    columns = (t.records.c.id, t.records.c.kind, t.records.c.data, t.records.c.sensitive)
    last = ""
    while True:
        query = (
            sa.select(*columns)
            .where(t.records.c.kind.in_(sorted(kinds)), t.records.c.id > last)
            .order_by(t.records.c.id)
            .limit(_BATCH)
        )
        rows = conn.execute(query).all()
        if not rows:
            return
        yield [record_of(r.kind, r.id, state_of(r.data, r.sensitive)) for r in rows]
        last = rows[-1].id


def stale(conn: sa.Connection, indexes: Sequence[Index]) -> list[Index]:
    """The indexes whose stored version differs from their code's."""
    keys = [f"index:{index.name}" for index in indexes]
    query = sa.select(t.meta.c.key, t.meta.c.value).where(t.meta.c.key.in_(keys))
    built = dict(conn.execute(query).all())
    return [i for i in indexes if built.get(f"index:{i.name}") != str(i.version)]


def bring_up_to_date(conn: sa.Connection, indexes: Sequence[Index]) -> list[str]:
    """Rebuild every stale index from the records; return their names."""
    rebuilt = []
    for index in stale(conn, indexes):
        key = f"index:{index.name}"
        index.clear(conn)
        for batch in records_of_kinds(conn, index.kinds):
            index.refresh(conn, batch)
        conn.execute(sa.delete(t.meta).where(t.meta.c.key == key))
        conn.execute(sa.insert(t.meta), {"key": key, "value": str(index.version)})
        rebuilt.append(index.name)
    return rebuilt
