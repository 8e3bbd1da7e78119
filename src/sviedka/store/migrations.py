"""Numbered schema migrations, recorded in ``schema_migrations`` and safe to re-run.

Each migration is idempotent on its own (it checks before it creates or alters), so that a fresh
database, created from the current ``schema/`` by migration 1, and an old one, migrated step by
step, end in the same state. Concurrent ``migrate`` calls on one archive are serialised:
PostgreSQL by an advisory lock keyed by the archive's schema (archives in other schemas of the
database do not wait), SQLite by its single writer. Add a migration by appending to
``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from ..model.revision import timestamp
from . import schema

__all__ = ["MIGRATIONS", "Migration", "migrate"]

_LOCK_KEY = 0x5F1EDCA  # arbitrary, fixed: PostgreSQL advisory lock for migrations
# two-key form: (this lock, the archive's schema); coalesce, as a NULL key would lock nothing
_LOCK = sa.text("SELECT pg_advisory_xact_lock(:k, hashtext(coalesce(current_schema(), '')))")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sa.Connection], None]


def _create_missing(conn: sa.Connection) -> None:
    """Create every table and index of ``schema/`` that does not exist yet (a migration that
    only adds tables or indexes is exactly this)."""
    tables = [t for t in schema.metadata.sorted_tables if t is not schema.migrations_table]
    existing = set(sa.inspect(conn).get_table_names())
    schema.metadata.create_all(conn, tables=tables, checkfirst=True)
    for table in (t for t in tables if t.name in existing):
        for index in table.indexes:
            index.create(conn, checkfirst=True)


def _add_password_reset_flag(conn: sa.Connection) -> None:
    """``users.must_change_password``, false for every existing account."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns("users")}
    if "must_change_password" not in columns:
        conn.execute(
            sa.text(
                "ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE"
            )
        )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial tables", _create_missing),
    Migration(2, "custody events, the transparency log, revisions by hash", _create_missing),
    Migration(3, "derived indexes: detention spells for statistics", _create_missing),
    Migration(4, "derived indexes: search", _create_missing),
    Migration(5, "accounts, sessions, tokens, access and audit", _create_missing),
    Migration(6, "sanctions lists and screening", _create_missing),
    # 3-6 shipped in development builds before all their tables existed: this creates the rest
    Migration(7, "name keys, import keys and the tables 3-6 came without", _create_missing),
    Migration(
        8, "users: must change password (after an administrator's reset)", _add_password_reset_flag
    ),
    Migration(9, "the log's queue: audit events waiting to be sequenced", _create_missing),
)


def migrate(engine: sa.Engine) -> list[int]:
    """Apply what is missing; return the versions applied now."""
    applied_now: list[int] = []
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(_LOCK, {"k": _LOCK_KEY})
        schema.migrations_table.create(conn, checkfirst=True)
        done = set(conn.scalars(sa.select(schema.migrations_table.c.version)))
        for step in MIGRATIONS:
            if step.version in done:
                continue
            step.apply(conn)
            row = {"version": step.version, "name": step.name, "applied_at": timestamp()}
            conn.execute(sa.insert(schema.migrations_table), row)
            applied_now.append(step.version)
    return applied_now
