"""The SQL that SQLite and PostgreSQL spell differently, beside why: JSON path filters and
upserts. Engine set-up is in ``engine.py``; each search backend has its own module."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import Invalid
from . import schema as t

__all__ = ["batched", "json_text", "upsert"]

_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


def json_text(dialect: str, path: str) -> Any:
    """The text value at a dotted JSON path in a record's data, for equality filters."""
    if not _PATH.match(path):
        raise Invalid("Bad filter.", {path: "use a dotted field path such as custom.party"})
    if dialect == "postgresql":  # JSON functions differ by dialect; the meaning is the same
        data = sa.cast(t.records.c.data, postgresql.JSONB)
        return sa.func.jsonb_extract_path_text(data, *path.split("."))
    return sa.cast(sa.func.json_extract(t.records.c.data, f"$.{path}"), sa.Text)


def upsert(conn: sa.Connection, table: sa.Table, row: Mapping[str, Any], keys: list[str]) -> None:
    """Insert ``row`` or, if its key exists, update it (both dialects spell this the same way)."""
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)
    stmt = insert.values(**row)
    changes = {k: stmt.excluded[k] for k in row if k not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changes))


def batched(conn: sa.Connection, size: int) -> dict[str, Any]:
    """Execution options to read rows ``size`` at a time where the connection can: PostgreSQL
    keeps a server-side cursor only inside a transaction, so a read in autocommit (the store's
    views there) gets its rows at once."""
    if getattr(conn.connection.driver_connection, "autocommit", False) is True:
        return {}
    return {"yield_per": size}
