"""The search index on PostgreSQL: a weighted ``tsvector`` with a GIN index, and ``pg_trgm`` for
scripts written without spaces when the extension can be had. See ``search.py``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from . import schema as t
from .search import Entry, Filters, RawHit, Term, best_in_sql, conditions, every_in_sql, hit_columns
from .search_text import fold, words

__all__ = ["Postgres"]

D = t.search_docs.c
_PG_BODY_LIMIT = 200_000  # characters of text per record indexed (a tsvector is < 1 MB)
_SIMPLE: sa.ColumnClause[Any] = sa.literal_column("'simple'::regconfig")


def _weighted(param: str, weight: str) -> Any:
    vector = sa.func.to_tsvector(_SIMPLE, sa.bindparam(param, type_=sa.Text))
    return sa.func.setweight(vector, sa.literal_column(f"'{weight}'"))


_VECTOR = (
    _weighted("t_names", "A").op("||")(_weighted("t_keys", "B")).op("||")(_weighted("t_body", "D"))
)


def _plain(texts: Iterable[str]) -> str:
    """Folded words separated by spaces: PostgreSQL's parser then sees words as FTS5 does."""
    return " ".join(words(fold(" ".join(texts))))


def _pg_phrase(text: str, prefix: bool, weights: str) -> str | None:
    """``'a' <-> 'b':*AB``: the folded words of ``text`` in a row, weights on each."""
    parts = [f"'{w}'" for w in words(fold(text))]
    if not parts:
        return None
    marks = [weights] * len(parts)
    marks[-1] = ("*" if prefix else "") + weights
    joined = " <-> ".join(p + (f":{m}" if m else "") for p, m in zip(parts, marks, strict=True))
    return f"({joined})"


def _pg_term(term: Term, weights: str) -> str:
    # ``weights`` "AB" limits the forms to the names (A) and keys (B); keys are only ever B.
    options = [_pg_phrase(f, term.prefix, weights) for f in term.forms]
    options += [_pg_phrase(k, term.prefix, "B") for k in term.keys]
    found = [o for o in options if o]
    return "(" + " | ".join(found) + ")" if found else ""


def _tsquery(terms: Sequence[Term], weights: str = "") -> Any:
    """``None`` if a term has no word to look for: every term must match, so nothing can."""
    parts = [_pg_term(t, weights) for t in terms]
    if not all(parts):
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
        rows = [_pg_row(e) for e in entries]
        kept = [r | {"doc": old[r["record_id"]]} for r in rows if r["record_id"] in old]
        for batch in (kept, [r for r in rows if r["record_id"] not in old]):
            if batch:
                conn.execute(sa.insert(t.search_docs).values(terms=_VECTOR), batch)

    def best(
        self, conn: sa.Connection, terms: Sequence[Term], filters: Filters, need: int
    ) -> tuple[list[RawHit], int]:
        return best_in_sql(conn, self._select(terms, filters), need)

    def every(self, conn: sa.Connection, terms: Sequence[Term], filters: Filters) -> list[RawHit]:
        return every_in_sql(conn, self._select(terms, filters))

    def _select(self, terms: Sequence[Term], filters: Filters) -> sa.Select[Any] | None:
        found = conditions(filters)
        for term in (x for x in terms if x.unspaced):
            found.append(sa.or_(*(D.grams.contains(fold(f)) for f in term.forms)))
        spaced = [x for x in terms if not x.unspaced]
        if not spaced:
            return sa.select(*hit_columns(sa.false(), sa.literal(0.0))).where(*found)
        query, in_names = _tsquery(spaced), _tsquery(spaced, "AB")
        if query is None or in_names is None:
            return None
        named = D.terms.op("@@")(in_names)
        score = sa.func.ts_rank(D.terms, query)
        matched = D.terms.op("@@")(query)
        return sa.select(*hit_columns(named, score)).where(matched, *found)


def _pg_row(entry: Entry) -> dict[str, Any]:
    return entry.row() | {
        "grams": fold(entry.grams) if entry.grams else None,
        "t_names": _plain(entry.doc.names),
        "t_keys": _plain([entry.keys]),
        "t_body": _plain(entry.doc.texts)[:_PG_BODY_LIMIT],
    }
