"""The audit trail as stored: entries of kind ``audit`` in the transparency log's table, read
back in log order for ``services.archive.audit``."""

from __future__ import annotations

import sqlalchemy as sa

from . import schema as t
from .sql import SqlStore, _translated

__all__ = ["audit_entries"]


def audit_entries(store: SqlStore, kind: str, *, ref: str | None = None) -> list[tuple[int, str]]:
    """``(index, entry)`` of every log entry of ``kind`` (about ``ref``, if given), oldest first;
    what waits in the log's queue is appended first, so that every stored event is listed."""
    store.sequence(if_waiting=True)
    e = t.ledger_entries.c
    query = sa.select(e.idx, e.entry).where(e.kind == kind)
    if ref is not None:
        query = query.where(e.ref == ref)
    with _translated(), store.engine.connect() as conn, conn.begin():  # a NUL in ref: Invalid
        return [(int(row.idx), str(row.entry)) for row in conn.execute(query.order_by(e.idx))]
