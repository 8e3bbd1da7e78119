"""The search index: the words of every record's names and texts, kept current in the writer's
transaction (see ``indexes.py``), beside the kind, confidentiality, status and dates that search
filters on, so that matching, filtering, ranking and counting happen in the database.

* SQLite (``search_sqlite.py``): an FTS5 table ``search_fts`` over ``search_docs`` (columns
  ``names``, ``keys``, ``body``, ``tags``; ``unicode61 remove_diacritics 2``) and an FTS5
  ``trigram`` table ``search_grams`` for text in scripts written without spaces.
* PostgreSQL (``search_postgres.py``): a ``tsvector`` column (``to_tsvector('simple', …)``;
  names weighted A, keys B, the rest D) with a GIN index, and a ``pg_trgm`` GIN index on the
  ``grams`` column when the extension exists or can be created.

``schema.search_docs`` holds one row per record in both. ``keys`` are the script-independent
``search_keys`` of each word of each name form, so that Бяляцкі, Беляцкий and Bialiatski meet.
What a record contributes is ``search_text.document``: never a person's sensitive fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import ClassVar

import sqlalchemy as sa

from ..model import KINDS, Record
from ..names import KEYS_VERSION, search_keys
from . import schema as t
from .indexes import Index
from .search_base import CHUNK, RESTRICTED, Entry
from .search_postgres import Postgres
from .search_query import Filters, Hits, RawHit, SearchTexts, Term
from .search_sqlite import Sqlite
from .search_text import document, is_unspaced, words

__all__ = [
    "Filters",
    "Hits",
    "RawHit",
    "SearchIndex",
    "SearchTexts",
    "Term",
    "search_hits",
    "search_texts",
]

KeyFunction = Callable[[str], list[str]]
_FORMAT = 5  # what is indexed and how: change it, and every index is rebuilt at the next open
D = t.search_docs.c


class SearchIndex(Index):
    """Names, keys and texts of every record kind. ``keys`` turns one word into its
    script-independent search keys (default: ``sviedka.names.search_keys``)."""

    name: ClassVar[str] = "search"
    # Keys are derived from sviedka.names' rules: when they change, the index is rebuilt too.
    version: ClassVar[int] = _FORMAT * 1000 + KEYS_VERSION
    kinds: ClassVar[frozenset[str]] = frozenset(KINDS)

    def __init__(self, keys: KeyFunction = search_keys) -> None:
        self._keys = lru_cache(maxsize=200_000)(self._cached_keys)
        self._key_function = keys

    def _cached_keys(self, word: str) -> tuple[str, ...]:
        return tuple(k for k in self._key_function(word) if words(k))

    def word_keys(self, word: str) -> tuple[str, ...]:
        """The search keys of one word (cached: names repeat)."""
        return self._keys(word)

    def entry(self, record: Record) -> Entry:
        doc = document(record)
        keys: dict[str, None] = {}
        for word in (w for name in doc.names for w in words(name)):
            keys.update((k, None) for k in self.word_keys(word))
        grams = [text for text in (*doc.names, *doc.texts) if is_unspaced(text)]
        return Entry(doc, " ".join(keys), "\n".join(grams) or None)

    def refresh(self, conn: sa.Connection, records: Sequence[Record]) -> None:
        backend = _backend(conn)
        backend.ensure(conn)
        entries = [self.entry(r) for r in records]
        for i in range(0, len(entries), CHUNK):
            backend.replace(conn, entries[i : i + CHUNK])

    def clear(self, conn: sa.Connection) -> None:
        _backend(conn).create(conn, fresh=True)


def search_hits(
    conn: sa.Connection,
    terms: Sequence[Term],
    filters: Filters,
    *,
    need: int,
    closed: bool = False,
) -> Hits:
    """The best ``need`` hits of ``filters.levels`` (without restricted) and their total; with
    ``closed``, also every restricted match. ``View.search_hits`` is how callers reach it."""
    open_levels = replace(filters, levels=filters.levels - {RESTRICTED})
    closed_level = replace(filters, levels=frozenset({RESTRICTED}))
    backend = _backend(conn)
    best, total = backend.best(conn, terms, open_levels, need) if open_levels.levels else ([], 0)
    every = backend.every(conn, terms, closed_level) if closed else []
    return Hits(best, total, every)


def search_texts(conn: sa.Connection, record_ids: Sequence[str]) -> dict[str, SearchTexts]:
    """The indexed name forms and texts of these records, for snippets (``View.search_texts``)."""
    query = sa.select(D.record_id, D.names, D.body).where(D.record_id.in_(record_ids))
    rows = conn.execute(query).all()
    return {r.record_id: (_lines(r.names), _lines(r.body)) for r in rows}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.split("\n") if line)


def _backend(conn: sa.Connection) -> Sqlite | Postgres:
    # FTS5 and tsvector share nothing but the row table: each dialect has its own backend.
    return Postgres() if conn.dialect.name == "postgresql" else Sqlite()
