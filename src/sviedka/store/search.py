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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from ..model import KINDS, Record
from ..names import KEYS_VERSION, search_keys
from . import schema as t
from .indexes import Index
from .search_query import Filters, Hits, RawHit, SearchTexts, Term
from .search_text import SearchDoc, document, filter_words, is_unspaced, words

if TYPE_CHECKING:
    from .search_postgres import Postgres
    from .search_sqlite import Sqlite

__all__ = [
    "ALL_LEVELS",
    "CHUNK",
    "PREFIX_RANK_LIMIT",
    "RANK_LIMIT",
    "RESTRICTED",
    "Entry",
    "Filters",
    "Hits",
    "RawHit",
    "SearchIndex",
    "SearchTexts",
    "Term",
    "best_in_sql",
    "candidates",
    "conditions",
    "date_conditions",
    "described",
    "every_in_sql",
    "hit_columns",
    "rank_limit",
    "search_hits",
    "search_texts",
]

KeyFunction = Callable[[str], list[str]]
_FORMAT = 5  # what is indexed and how: change it, and every index is rebuilt at the next open
CHUNK = 500  # ids per statement: under SQLite's bound-parameter limit
RESTRICTED = "restricted"
ALL_LEVELS = ("public", "internal", "confidential", RESTRICTED)
D = t.search_docs.c


# -- queries (their types are in search_query.py) ---------------------------------------------


def conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = [D.confidentiality.in_(sorted(filters.levels))]
    if filters.kinds is not None:
        found.append(D.kind.in_(sorted(filters.kinds)))
    if filters.status is not None:
        found.append(D.status == filters.status)
    return found + date_conditions(filters)


def date_conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    found = []
    if filters.date_from is not None:
        found.append(D.date_hi >= filters.date_from)
    if filters.date_to is not None:
        found.append(D.date_lo <= filters.date_to)
    return found


# -- the index --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    doc: SearchDoc
    keys: str
    grams: str | None

    def row(self) -> dict[str, Any]:
        span = self.doc.span or (None, None)
        return {
            "record_id": self.doc.record_id,
            "kind": self.doc.kind,
            "confidentiality": self.doc.confidentiality,
            "status": self.doc.status,
            "date_lo": span[0],
            "date_hi": span[1],
            "title": self.doc.title,
            "names": "\n".join(self.doc.names),
            "keys": self.keys,
            "body": "\n".join(self.doc.texts),
            "tags": " ".join(filter_words(self.doc)),
        }


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
    # Imported late: the backends build on this module.
    if conn.dialect.name == "postgresql":
        from .search_postgres import Postgres

        return Postgres()
    from .search_sqlite import Sqlite

    return Sqlite()


# -- both: matching in SQL, with the filters as conditions ------------------------------------


def _ranked(conn: sa.Connection, query: sa.Select[Any], need: int | None) -> list[Any]:
    """Rows of ``query`` (columns doc, named, score) best first, with their total."""
    inner = query.subquery()
    # The count and the ranking read the matches once. FTS5's bm25() cannot be used in a query
    # with a window function, hence the subquery.
    counted = sa.select(inner, sa.func.count().over().label("total"))
    ordered = counted.order_by(inner.c.named.desc(), inner.c.score.desc(), inner.c.doc)
    return list(conn.execute(ordered.limit(need)).all())


def _raw(row: Any) -> RawHit:
    score = float(row.score or 0.0)
    return RawHit(row.record_id, row.kind, row.title, bool(row.named), score, int(row.doc))


def best_in_sql(
    conn: sa.Connection, query: sa.Select[Any] | None, need: int
) -> tuple[list[RawHit], int]:
    if query is None:
        return [], 0
    rows = _ranked(conn, query, need)
    return [_raw(r) for r in rows], int(rows[0].total) if rows else 0


def every_in_sql(conn: sa.Connection, query: sa.Select[Any] | None) -> list[RawHit]:
    return [] if query is None else [_raw(r) for r in _ranked(conn, query, None)]


def hit_columns(named: Any, score: Any) -> tuple[Any, ...]:
    return (D.doc, D.record_id, D.kind, D.title, named.label("named"), score.label("score"))


# -- both: ranking the most recent candidates -------------------------------------------------

RANK_LIMIT = 1000  # most recent matches of each group ranked by relevance
PREFIX_RANK_LIMIT = 200  # the same while the last word is being typed


def rank_limit(terms: Sequence[Term], need: int) -> int:
    """How many matches of each group (names, the rest) are ranked: relevance reads each
    match's text, the costly part, so at most the ``RANK_LIMIT`` most recent ones. Below that,
    which is most queries, the order is exact; above it, the total stays exact and the best of
    the most recent matches come first."""
    typing = any(term.prefix for term in terms)
    return max(PREFIX_RANK_LIMIT if typing else RANK_LIMIT, need)


def candidates(named: Sequence[int], others: Sequence[int]) -> dict[int, bool]:
    """Docs to rank and whether their names match (``named`` wins where both list a doc)."""
    return {doc: False for doc in others} | {doc: True for doc in named}


def described(
    conn: sa.Connection, found: Mapping[int, bool], scores: Mapping[int, float], need: int
) -> list[RawHit]:
    """The best ``need`` of ``found``, names first, with their record ids, kinds and titles."""
    ranked = sorted(found, key=lambda doc: (not found[doc], -scores.get(doc, 0.0), doc))[:need]
    rows = {}
    if ranked:
        query = sa.select(D.doc, D.record_id, D.kind, D.title).where(D.doc.in_(ranked))
        rows = {row.doc: row for row in conn.execute(query)}
    return [
        RawHit(rows[d].record_id, rows[d].kind, rows[d].title, found[d], scores.get(d, 0.0), d)
        for d in ranked
    ]
