"""The search index on PostgreSQL: a weighted ``tsvector`` with a GIN index, and ``pg_trgm`` for
scripts written without spaces when the extension can be had. See ``search.py``.

Matching must be answerable from the GIN index alone: a query that restricts weights
(``'word':A``) makes PostgreSQL re-read every matching row's vector, which is slow when thousands
match. So the vector holds, besides the words of names (weight A), keys (B) and texts (D), a copy
of each name word marked ``1`` (``1алесь``) and each key marked ``0`` (``0alas``): "do the names
match?" and "does a key match?" are then plain lexemes. The weights serve ``ts_rank`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from . import schema as t
from .search_base import (
    Entry,
    best_in_sql,
    candidates,
    conditions,
    described,
    every_in_sql,
    hit_columns,
    rank_limit,
)
from .search_query import Filters, RawHit, Term
from .search_text import fold, words

__all__ = ["Postgres"]

D = t.search_docs.c
_BODY_LIMIT = 200_000  # characters of text per record indexed (a tsvector is < 1 MB)
_NAME, _KEY = "1", "0"  # marks of the names-only and keys-only copies of words
_SIMPLE: sa.ColumnClause[Any] = sa.literal_column("'simple'::regconfig")


def _weighted(param: str, weight: str) -> Any:
    vector = sa.func.to_tsvector(_SIMPLE, sa.bindparam(param, type_=sa.Text))
    return sa.func.setweight(vector, sa.literal_column(f"'{weight}'"))


_VECTOR = (
    _weighted("t_names", "A").op("||")(_weighted("t_keys", "B")).op("||")(_weighted("t_body", "D"))
)


def _plain(texts: Iterable[str], mark: str = "") -> str:
    """Folded words separated by spaces: PostgreSQL's parser then sees words as FTS5 does."""
    return " ".join(mark + word for word in words(fold(" ".join(texts))))


def _phrase(text: str, prefix: bool, mark: str) -> str | None:
    """``'1a' <-> '1b':*``: the folded, marked words of ``text`` in a row."""
    parts = [f"'{mark}{w}'" for w in words(fold(text))]
    if not parts:
        return None
    parts[-1] += ":*" if prefix else ""
    return "(" + " <-> ".join(parts) + ")"


def _term(term: Term, named: bool) -> str:
    options = [_phrase(f, term.prefix, _NAME if named else "") for f in term.forms]
    options += [_phrase(k, term.prefix, _KEY) for k in term.keys]
    found = [o for o in options if o]
    return "(" + " | ".join(found) + ")" if found else ""


def _tsquery(terms: Sequence[Term], *, named: bool = False) -> Any:
    """``None`` without terms, or if a term has no word to look for: every term must match,
    so nothing can."""
    parts = [_term(t, named) for t in terms]
    if not parts or not all(parts):
        return None
    return sa.func.to_tsquery(_SIMPLE, sa.literal(" & ".join(parts), sa.Text))


def _trigram_opclass(conn: sa.Connection) -> str | None:
    """``pg_trgm``'s GIN operator class, schema-qualified; ``None`` if the extension is not
    installed and cannot be (no right to create it): search then scans, without an index."""
    where = sa.text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    )
    schema = conn.scalar(where)
    if schema is None:
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        except sa.exc.DBAPIError:
            return None
        schema = conn.scalar(where)
    return None if schema is None else f"{schema}.gin_trgm_ops"


class _Query:
    """A query's tsqueries and conditions; matching and counting from the indexes alone."""

    def __init__(self, terms: Sequence[Term], filters: Filters) -> None:
        spaced = [term for term in terms if not term.unspaced]
        self.words, self.names = _tsquery(spaced), _tsquery(spaced, named=True)
        self.where = conditions(filters) + _grams(terms)

    def recent(self, conn: sa.Connection, tsquery: Any, limit: int) -> list[int]:
        query = sa.select(D.doc).where(D.terms.op("@@")(tsquery), *self.where)
        # "+ 0": not the primary key's order, which the planner would walk backwards testing
        # every row until enough match (all of the table for a rare name); the GIN index first.
        return list(conn.scalars(query.order_by((D.doc + 0).desc()).limit(limit)))

    def scores(self, conn: sa.Connection, docs: Sequence[int]) -> dict[int, float]:
        query = sa.select(D.doc, sa.func.ts_rank(D.terms, self.words)).where(D.doc.in_(docs))
        return {doc: float(score) for doc, score in conn.execute(query)} if docs else {}

    def count(self, conn: sa.Connection) -> int:
        query = sa.select(sa.func.count()).where(D.terms.op("@@")(self.words), *self.where)
        return int(conn.scalar(query) or 0)


def _grams(terms: Sequence[Term]) -> list[Any]:
    return [
        sa.or_(*(D.grams.contains(fold(form)) for form in term.forms))
        for term in terms
        if term.unspaced
    ]


class Postgres:
    def ensure(self, conn: sa.Connection) -> None:
        if conn.scalar(sa.text("SELECT to_regclass('search_docs_terms')")) is None:
            self.create(conn)

    def create(self, conn: sa.Connection, *, fresh: bool = False) -> None:
        if fresh:
            t.search_docs.drop(conn, checkfirst=True)
        t.search_docs.create(conn, checkfirst=True)
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS search_docs_terms ON search_docs USING gin (terms)"
        )
        opclass = _trigram_opclass(conn)
        if opclass is not None:
            conn.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS search_docs_grams ON search_docs "
                f"USING gin (grams {opclass})"
            )

    def replace(self, conn: sa.Connection, entries: Sequence[Entry]) -> None:
        """Rows of changed records keep their number: "oldest first" stays the creation order."""
        ids = [e.doc.record_id for e in entries]
        old = dict(conn.execute(sa.select(D.record_id, D.doc).where(D.record_id.in_(ids))).all())
        conn.execute(sa.delete(t.search_docs).where(D.record_id.in_(ids)))
        rows = [_row(e) for e in entries]
        kept = [r | {"doc": old[r["record_id"]]} for r in rows if r["record_id"] in old]
        for batch in (kept, [r for r in rows if r["record_id"] not in old]):
            if batch:
                conn.execute(sa.insert(t.search_docs).values(terms=_VECTOR), batch)

    def best(
        self, conn: sa.Connection, terms: Sequence[Term], filters: Filters, need: int
    ) -> tuple[list[RawHit], int]:
        query = _Query(terms, filters)
        if query.words is None or query.names is None:
            return best_in_sql(conn, self._plain(terms, filters), need)
        limit = rank_limit(terms, need)
        named = query.recent(conn, query.names, limit)
        others = query.recent(conn, query.words, limit) if len(named) < need else []
        found = candidates(named, others)
        return described(conn, found, query.scores(conn, list(found)), need), query.count(conn)

    def every(self, conn: sa.Connection, terms: Sequence[Term], filters: Filters) -> list[RawHit]:
        query = _Query(terms, filters)
        if query.words is None or query.names is None:
            return every_in_sql(conn, self._plain(terms, filters))
        named = D.terms.op("@@")(query.names)
        score = sa.func.ts_rank(D.terms, query.words)
        found = sa.select(*hit_columns(named, score)).where(
            D.terms.op("@@")(query.words), *query.where
        )
        return every_in_sql(conn, found)

    def _plain(self, terms: Sequence[Term], filters: Filters) -> sa.Select[Any] | None:
        """Only words in scripts without spaces (substrings of ``grams``), or nothing to look
        for (``None``): then nothing to rank."""
        if any(not term.unspaced for term in terms):
            return None
        where = conditions(filters) + _grams(terms)
        return sa.select(*hit_columns(sa.false(), sa.literal(0.0))).where(*where)


def _row(entry: Entry) -> dict[str, Any]:
    return entry.row() | {
        "grams": fold(entry.grams) if entry.grams else None,
        "t_names": _plain(entry.doc.names) + " " + _plain(entry.doc.names, _NAME),
        "t_keys": _plain([entry.keys], _KEY),
        "t_body": _plain(entry.doc.texts)[:_BODY_LIMIT],
    }
