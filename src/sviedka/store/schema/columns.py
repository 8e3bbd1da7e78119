"""What every table is made of: the one ``MetaData`` and the column types the subsystems share."""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "DAY",
    "HASH",
    "ID",
    "SERIAL",
    "TIME",
    "metadata",
]

metadata = sa.MetaData()

ID = sa.String(36)
HASH = sa.String(64)
TIME = sa.String(27)
# BIGINT autoincrement on PostgreSQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# A day: DATE on PostgreSQL, ISO text (YYYY-MM-DD, which sorts as dates do) on SQLite.
DAY = sa.Date
