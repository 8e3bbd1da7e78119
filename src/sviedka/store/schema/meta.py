"""The archive's own bookkeeping: applied migrations (``migrations.py``) and the ``meta``
key-value table."""

from __future__ import annotations

import sqlalchemy as sa

from .columns import TIME, metadata

__all__ = [
    "meta",
    "migrations_table",
]

migrations_table = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("applied_at", TIME, nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
