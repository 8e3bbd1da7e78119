"""The search index on SQLite: FTS5 over ``search_docs``, the filters as words in its ``tags``
column, a trigram table for scripts written without spaces. See ``search.py``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from . import schema as t
from .search import (
    ALL_LEVELS,
    CHUNK,
    Entry,
    Filters,
    RawHit,
    Term,
    best_in_sql,
    conditions,
    date_conditions,
    every_in_sql,
    hit_columns,
)
from .search_text import YEARS, tag

__all__ = ["MAX_CLOSED", "RANK_LIMIT", "FtsQuery", "Sqlite"]

D = t.search_docs.c
_FTS = sa.table("search_fts", sa.column("rowid"))
# External content: the FTS5 table indexes search_docs' columns and reads them from there.
_FTS_INSERT = sa.text(
    "INSERT INTO search_fts (rowid, names, keys, body, tags) "
    "SELECT doc, names, keys, body, tags FROM search_docs WHERE doc IN :docs"
).bindparams(sa.bindparam("docs", expanding=True))
_FTS_DELETE = sa.text(
    "INSERT INTO search_fts (search_fts, rowid, names, keys, body, tags) "
    "SELECT 'delete', doc, names, keys, body, tags FROM search_docs WHERE doc IN :docs"
).bindparams(sa.bindparam("docs", expanding=True))
_GRAMS_INSERT = sa.text("INSERT INTO search_grams (rowid, grams) VALUES (:n, :grams)")
_GRAMS = sa.table("search_grams", sa.column("rowid"), sa.column("grams"))
_SQLITE_TABLES = ("search_docs", "search_fts", "search_grams")
_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(names, keys, body, tags, "
    "content = 'search_docs', content_rowid = 'doc', "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '3')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_grams USING fts5(grams, tokenize = 'trigram')",
)
_WEIGHTS = (10.0, 5.0, 1.0, 0.0)  # bm25 weights of names, keys, body and tags
RANK_LIMIT = 1000  # most recent matches of each group ranked by bm25 (above it: see FtsQuery)
MAX_CLOSED = 100_000  # restricted matches of one query handed to ``visible`` at most


def _match(expression: str) -> Any:
    return sa.literal_column("search_fts").op("MATCH")(sa.literal(expression))


def _fts_term(term: Term) -> str:
    star = "*" if term.prefix else ""
    forms = ['"' + form.replace('"', '""') + '"' + star for form in term.forms]
    keys = ['{keys} : "' + key.replace('"', '""') + '"' + star for key in term.keys]
    return "(" + " OR ".join(forms + keys) + ")"


def _any_tag(tags: Iterable[str]) -> str:
    return "{tags} : (" + " OR ".join(sorted(tags)) + ")"


def _substring(column: Any, text: str) -> Any:
    # The trigram table answers LIKE from its index for 3 characters or more; SQLite 3.40 finds
    # nothing for shorter patterns, so they are looked for in each row (the table is small: only
    # text in scripts written without spaces). ``text`` is letters and digits: no wildcards.
    return column.contains(text) if len(text) >= 3 else sa.func.instr(column, text) > 0


class FtsQuery:
    """A query on FTS5, filters included as words of the ``tags`` column, so that counting and
    finding the most recent matches never leave the full-text index.

    Ranking reads each match's text (bm25), the costly part: at most ``RANK_LIMIT`` matches are
    ranked in each group (those whose names match, then the rest), the most recent ones. Below
    that, which is most queries, the order is exact; above it, the total stays exact and the
    best of the most recent matches come first."""

    def __init__(self, terms: Sequence[Term], filters: Filters) -> None:
        spaced = [term for term in terms if not term.unspaced]
        self.words = " AND ".join(_fts_term(term) for term in spaced)
        self.named = "{names keys} : (" + self.words + ")"
        self.filters = filters
        self.extra = [_grams_condition(term) for term in terms if term.unspaced]
        self.required, self.excluded = _tag_filter(filters)

    def expression(self, words: str) -> str:
        found = " AND ".join([f"({words})", *self.required])
        return f"({found}) NOT {self.excluded}" if self.excluded else found

    def select(self, expression: str, *columns: Any) -> sa.Select[Any]:
        query = sa.select(*columns).select_from(_FTS).where(_match(expression), *self.extra)
        if self.filters.dated:  # years narrow in FTS5, the exact days are checked here
            joined = _FTS.join(t.search_docs, D.doc == _FTS.c.rowid)
            query = query.select_from(joined).where(*date_conditions(self.filters))
        return query

    def count(self, conn: sa.Connection) -> int:
        query = self.select(self.expression(self.words), sa.func.count())
        return int(conn.scalar(query) or 0)

    def recent(self, conn: sa.Connection, expression: str, limit: int) -> list[int]:
        query = self.select(expression, _FTS.c.rowid).order_by(_FTS.c.rowid.desc()).limit(limit)
        return list(conn.scalars(query))

    def scores(self, conn: sa.Connection, docs: Sequence[int]) -> dict[int, float]:
        """bm25 of the words (tags weigh nothing) for these docs, read from the lowest on."""
        if not docs:
            return {}
        score = -sa.func.bm25(sa.literal_column("search_fts"), *_WEIGHTS)
        query = sa.select(_FTS.c.rowid, score).where(_match(self.words), _FTS.c.rowid >= min(docs))
        wanted = set(docs)
        return {doc: float(s) for doc, s in conn.execute(query) if doc in wanted}


def _grams_condition(term: Term) -> Any:
    found = sa.or_(*(_substring(_GRAMS.c.grams, form) for form in term.forms))
    return _FTS.c.rowid.in_(sa.select(_GRAMS.c.rowid).where(found))


def _tag_filter(filters: Filters) -> tuple[list[str], str | None]:
    """FTS5 clauses every match must have, and one it must not (the levels left out)."""
    required = []
    if filters.kinds is not None:
        required.append(_any_tag(tag("k", kind) for kind in filters.kinds))
    if filters.status is not None:
        required.append(_any_tag([tag("s", filters.status)]))
    first = int(filters.date_from[:4]) if filters.date_from else None
    last = int(filters.date_to[:4]) if filters.date_to else None
    if first is not None and last is not None and last - first <= YEARS:
        required.append(_any_tag(["ylong", *(f"y{y}" for y in range(first, last + 1))]))
    left_out = [tag("l", level) for level in ALL_LEVELS if level not in filters.levels]
    return required, _any_tag(left_out) if left_out else None


class Sqlite:
    def ensure(self, conn: sa.Connection) -> None:
        query = sa.text("SELECT count(*) FROM sqlite_master WHERE name IN :names")
        query = query.bindparams(sa.bindparam("names", expanding=True))
        if conn.scalar(query, {"names": list(_SQLITE_TABLES)}) != len(_SQLITE_TABLES):
            self.create(conn)

    def create(self, conn: sa.Connection, *, fresh: bool = False) -> None:
        if fresh:
            for name in _SQLITE_TABLES:
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        t.search_docs.create(conn, checkfirst=True)
        for ddl in _SQLITE_DDL:
            conn.exec_driver_sql(ddl)

    def replace(self, conn: sa.Connection, entries: Sequence[Entry]) -> None:
        """Rows of changed records keep their number: "oldest first" stays the creation order."""
        ids = [e.doc.record_id for e in entries]
        old = dict(conn.execute(sa.select(D.record_id, D.doc).where(D.record_id.in_(ids))).all())
        # One writer at a time on SQLite (BEGIN IMMEDIATE): the next numbers are ours.
        fresh = itertools.count(int(conn.scalar(sa.select(sa.func.max(D.doc))) or 0) + 1)
        if old:
            conn.execute(_FTS_DELETE, {"docs": list(old.values())})  # needs the old text
            conn.execute(sa.delete(_GRAMS).where(_GRAMS.c.rowid.in_(old.values())))
            conn.execute(sa.delete(t.search_docs).where(D.doc.in_(old.values())))
        numbered = [(old.get(e.doc.record_id) or next(fresh), e) for e in entries]
        conn.execute(sa.insert(t.search_docs), [e.row() | {"doc": n} for n, e in numbered])
        conn.execute(_FTS_INSERT, {"docs": [n for n, _ in numbered]})
        grams = [{"n": n, "grams": e.grams} for n, e in numbered if e.grams]
        if grams:
            conn.execute(_GRAMS_INSERT, grams)

    def best(
        self, conn: sa.Connection, terms: Sequence[Term], filters: Filters, need: int
    ) -> tuple[list[RawHit], int]:
        if all(term.unspaced for term in terms):
            return best_in_sql(conn, self._plain(terms, filters), need)
        query = FtsQuery(terms, filters)
        limit = max(RANK_LIMIT, need)
        named = query.recent(conn, query.expression(query.named), limit)
        found = {doc: True for doc in named}
        if len(named) < need:
            others = query.expression(f"({query.words}) NOT {query.named}")
            found.update((doc, False) for doc in query.recent(conn, others, limit))
        scores = query.scores(conn, named) | query.scores(
            conn, [d for d, n in found.items() if not n]
        )
        ranked = sorted(found, key=lambda doc: (not found[doc], -scores.get(doc, 0.0), doc))
        page = ranked[:need]
        return _described(conn, page, found, scores), query.count(conn)

    def every(self, conn: sa.Connection, terms: Sequence[Term], filters: Filters) -> list[RawHit]:
        if all(term.unspaced for term in terms):
            return every_in_sql(conn, self._plain(terms, filters))
        query = FtsQuery(terms, filters)  # few: the restricted level only, all of them
        docs = query.recent(conn, query.expression(query.words), MAX_CLOSED)
        named = set(query.recent(conn, query.expression(query.named), MAX_CLOSED))
        return _described(conn, docs, {d: d in named for d in docs}, query.scores(conn, docs))

    def _plain(self, terms: Sequence[Term], filters: Filters) -> sa.Select[Any]:
        """Only words in scripts without spaces: substrings in search_grams, nothing to rank."""
        found = conditions(filters) + [_grams_condition(term) for term in terms]
        columns = hit_columns(sa.false(), sa.literal(0.0))
        joined = t.search_docs.join(_FTS, _FTS.c.rowid == D.doc)
        return sa.select(*columns).select_from(joined).where(*found)


def _described(
    conn: sa.Connection, docs: Sequence[int], named: Mapping[int, bool], scores: Mapping[int, float]
) -> list[RawHit]:
    """Hits for these docs, in this order, with their record ids, kinds and titles."""
    rows: dict[int, Any] = {}
    for i in range(0, len(docs), CHUNK):
        query = sa.select(D.doc, D.record_id, D.kind, D.title).where(D.doc.in_(docs[i : i + CHUNK]))
        rows.update((row.doc, row) for row in conn.execute(query))
    return [
        RawHit(rows[d].record_id, rows[d].kind, rows[d].title, named[d], scores.get(d, 0.0), d)
        for d in docs
    ]
