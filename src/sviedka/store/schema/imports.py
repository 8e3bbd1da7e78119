"""Imports: which record an imported dataset's row became."""

from __future__ import annotations

import sqlalchemy as sa

from .columns import HASH, ID, metadata

__all__ = [
    "import_keys",
]

# Which record an imported dataset's row became (RuPEP has no ids of its own: the key is made from
# the row), with the digest of what the row said, so that re-importing an unchanged row reads one
# row here and writes nothing.
import_keys = sa.Table(
    "import_keys",
    metadata,
    sa.Column("dataset", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("record_id", ID, nullable=False),
    sa.Column("digest", HASH, nullable=False),
)
