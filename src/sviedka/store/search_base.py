"""What both search backends build on (``search_sqlite.py``, ``search_postgres.py``): the rows an
index entry writes, the filters as SQL conditions, and matching and ranking in SQL. See
``search.py`` for the index itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import schema as t
from .search_query import Filters, RawHit, Term
from .search_text import SearchDoc, filter_words

__all__ = [
    "ALL_LEVELS",
    "CHUNK",
    "PREFIX_RANK_LIMIT",
    "RANK_LIMIT",
    "RESTRICTED",
    "Entry",
    "best_in_sql",
    "candidates",
    "conditions",
    "date_conditions",
    "described",
    "every_in_sql",
    "hit_columns",
    "rank_limit",
]

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


# -- an index entry ---------------------------------------------------------------------------


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
