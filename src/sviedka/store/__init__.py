"""Records in SQL: SQLite by default, PostgreSQL when a team outgrows one machine."""

from __future__ import annotations

from .base import (
    BlobRecord,
    Cluster,
    Journal,
    JournalSession,
    Judgement,
    NoJournal,
    Store,
    Stored,
    View,
    VocabInfo,
    Writer,
)
from .integrity import Problem
from .sql import SqlStore, open_store

__all__ = [
    "BlobRecord",
    "Cluster",
    "Journal",
    "JournalSession",
    "Judgement",
    "NoJournal",
    "Problem",
    "SqlStore",
    "Store",
    "Stored",
    "View",
    "VocabInfo",
    "Writer",
    "open_store",
]
