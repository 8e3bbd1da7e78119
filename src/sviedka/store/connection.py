"""The SQL transaction behind a view or a writer, for the store's modules of queries that take
a ``View`` (``sanctions.py``, ``import_keys.py``)."""

from __future__ import annotations

import sqlalchemy as sa

from .base import View

__all__ = ["connection"]


def connection(view: View) -> sa.Connection:
    """The open transaction of a SQL store's view or writer; ``TypeError`` for any other store."""
    conn = getattr(view, "conn", None)  # SqlView's, read by name: sql.py may import our users
    if not isinstance(conn, sa.Connection):
        raise TypeError(f"{type(view).__name__} is not a view of the SQL store")
    return conn
