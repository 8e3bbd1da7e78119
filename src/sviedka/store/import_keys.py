"""Import keys: for a dataset that gives its rows no ids (RuPEP), which record each row's key
became and a digest of what the row said, so that re-importing an unchanged row writes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from . import schema as t
from .base import View, Writer
from .connection import connection

__all__ = ["add_import_key", "import_keys", "set_import_digest"]

K = t.import_keys.c


def import_keys(view: View, dataset: str) -> dict[str, tuple[str, str]]:
    """``{key: (record id, digest)}`` of every key of ``dataset``."""
    query = sa.select(K.key, K.record_id, K.digest).where(K.dataset == dataset)
    return {row.key: (row.record_id, row.digest) for row in connection(view).execute(query)}


def add_import_key(writer: Writer, dataset: str, key: str, record_id: str, digest: str) -> None:
    row = {"dataset": dataset, "key": key, "record_id": record_id, "digest": digest}
    connection(writer).execute(sa.insert(t.import_keys), row)


def set_import_digest(writer: Writer, dataset: str, key: str, digest: str) -> None:
    """What the row of a known key says now."""
    where = (K.dataset == dataset) & (K.key == key)
    connection(writer).execute(sa.update(t.import_keys).where(where).values(digest=digest))
