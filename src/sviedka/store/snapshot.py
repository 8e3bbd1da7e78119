"""The whole database at one moment, unscoped, and copies of it: what ``verify`` reads, what a
backup copies out and what a restore copies in.

A snapshot is one read transaction that sees a single moment even while others write: WAL on
SQLite, REPEATABLE READ on PostgreSQL (whose default would show each query a new moment). It is
not scoped to a principal: only the custodian's ``verify``, ``backup`` and ``restore`` read
through it, and they ask for it by name (``SqlStore.unscoped_snapshot``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeAlias

import sqlalchemy as sa

from ..errors import Conflict
from . import schema as t
from .engine import create_engine
from .integrity import Problem, check_records, streamed
from .migrations import migrate

__all__ = [
    "Counts",
    "LedgerConnection",
    "Snapshot",
    "consistent_read",
    "copy_tables",
    "empty_database",
    "open_snapshot",
    "schema_tables",
]

# What the ledger's functions read through until its persistence moves into the store (issue 12).
LedgerConnection: TypeAlias = sa.Connection

_BATCH = 5000  # rows per INSERT when copying a table


@dataclass(frozen=True)
class Counts:
    """How many rows the archive holds of what ``verify`` reports."""

    records: int
    revisions: int
    custody_events: int
    checkpoints: int


class Snapshot:
    """One moment of the whole database, read in one transaction."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def ledger_connection(self) -> LedgerConnection:
        """The snapshot's transaction, for the ledger's reads (moving into the store, issue 12)."""
        return self._conn

    def integrity_problems(self) -> Iterator[Problem]:
        """Everything stored that no longer matches its hashes, by record id (see integrity.py)."""
        return check_records(self._conn)

    def counts(self) -> Counts:
        return Counts(
            records=self._count(t.records),
            revisions=self._count(t.revisions),
            custody_events=self._count(t.custody_events),
            checkpoints=self._count(t.ledger_checkpoints),
        )

    def _count(self, table: sa.Table) -> int:
        return int(self._conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)

    def meta(self, key: str) -> str | None:
        value = self._conn.scalar(sa.select(t.meta.c.value).where(t.meta.c.key == key))
        return None if value is None else str(value)

    def blob_hashes(self) -> list[str]:
        """The SHA-256 of every file the vault should hold."""
        return list(self._conn.scalars(sa.select(t.blobs.c.sha256)))

    def copy_into(self, url: str) -> None:
        """Copy every table into the database at ``url``, migrated first; ``Conflict`` if it holds
        an archive already. Derived indexes are left for the copy to rebuild when it is opened."""
        target = create_engine(url)
        try:
            migrate(target)
            _check_empty(target)
            copy_tables(self._conn, target)
        finally:
            target.dispose()


@contextmanager
def consistent_read(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One read transaction that sees a single moment of the database."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


@contextmanager
def open_snapshot(url: str) -> Iterator[Snapshot]:
    """A snapshot of the database at ``url``, connected for this read only (a restore's copy)."""
    engine = create_engine(url)
    try:
        with consistent_read(engine) as conn:
            yield Snapshot(conn)
    finally:
        engine.dispose()


def _check_empty(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        if conn.scalar(sa.select(sa.func.count()).select_from(t.meta)):
            raise Conflict("That database already holds an archive; give an empty database.")


def copy_tables(source: sa.Connection, target: sa.Engine) -> None:
    """Copy every table, in dependency order, in batches; the target must be freshly migrated."""
    with target.begin() as out:
        for table in schema_tables():
            with streamed(source, sa.select(table)) as rows:
                batch: list[dict[str, Any]] = []
                for row in rows:
                    batch.append(dict(row._mapping))
                    if len(batch) >= _BATCH:
                        out.execute(sa.insert(table), batch)
                        batch = []
                if batch:
                    out.execute(sa.insert(table), batch)
        if out.dialect.name == "postgresql":
            _advance_sequences(out)
        # Derived indexes (statistics, search, name keys) are data of their dialect (FTS5 tables
        # on SQLite, tsvectors on PostgreSQL): the target rebuilds them from the records at open.
        out.execute(sa.delete(t.meta).where(t.meta.c.key.like("index:%")))


def schema_tables() -> list[sa.Table]:
    """Every table of the archive in dependency order (the migrations' own table aside)."""
    return [table for table in t.metadata.sorted_tables if table is not t.migrations_table]


def _advance_sequences(conn: sa.Connection) -> None:
    # Rows were copied with their ids; move each id sequence past them so new rows do not clash.
    for table in schema_tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True:
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )


def empty_database(url: str) -> None:
    """Delete every row of every table at ``url`` (after a failed restore, so a retry works)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for table in reversed(schema_tables()):
                conn.execute(sa.delete(table))
    finally:
        engine.dispose()
