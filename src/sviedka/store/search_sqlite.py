"""The search index on SQLite: FTS5 over ``search_docs``, the filters as words in its ``tags``
column, a trigram table for scripts written without spaces. See ``search.py``."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from . import schema as t
from .search_base import (
    ALL_LEVELS,
    RESTRICTED,
    Entry,
    best_in_sql,
    candidates,
    conditions,
    date_conditions,
    described,
    every_in_sql,
    hit_columns,
    rank_limit,
)
from .search_query import Filters, RawHit, Term
from .search_text import YEARS, tag

__all__ = ["MAX_CLOSED", "FtsQuery", "Sqlite"]

D = t.search_docs.c
_FTS = sa.table("search_fts", sa.column("rowid"))
_NAMES = sa.table("search_names", sa.column("rowid"))
_CLOSED = sa.table("search_closed", sa.column("rowid"))
_GRAMS = sa.table("search_grams", sa.column("rowid"), sa.column("grams"))
# External content: the FTS5 tables index search_docs' columns and read them from there.
# search_names holds the records with names (so "do the names match?" reads no other words),
# search_closed the restricted ones (so those a caller may be granted are found without reading
# every match of the words).
_EVERYTHING = "names, keys, body, tags"
_COPIES = (
    ("search_fts", _EVERYTHING, ""),
    ("search_names", "names, keys, tags", " AND names != ''"),
    ("search_closed", _EVERYTHING, f" AND confidentiality = '{RESTRICTED}'"),
)
_SQLITE_TABLES = ("search_docs", "search_fts", "search_names", "search_closed", "search_grams")
_TOKENS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '3'"
_SQLITE_DDL = (
    *(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({columns}, "
        f"content = 'search_docs', content_rowid = 'doc', {_TOKENS})"
        for table, columns, _ in _COPIES
    ),
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_grams USING fts5(grams, tokenize = 'trigram')",
)
_GRAMS_INSERT = sa.text("INSERT INTO search_grams (rowid, grams) VALUES (:n, :grams)")


def _copy(table: str, columns: str, where: str, *, delete: bool = False) -> sa.TextClause:
    """Index (or, with ``delete``, unindex: FTS5 needs the old text) these docs' rows."""
    command, target = ("'delete', ", f"{table}, ") if delete else ("", "")
    sql = (
        f"INSERT INTO {table} ({target}rowid, {columns}) "
        f"SELECT {command}doc, {columns} FROM search_docs WHERE doc IN :docs{where}"
    )
    return sa.text(sql).bindparams(sa.bindparam("docs", expanding=True))


_WEIGHTS = (10.0, 5.0, 1.0, 0.0)  # bm25 weights of names, keys, body and tags
MAX_CLOSED = 100_000  # restricted matches of one query handed to ``visible`` at most


def _match(table: Any, expression: str) -> Any:
    return sa.literal_column(table.name).op("MATCH")(sa.literal(expression))


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
    finding the most recent matches never leave the full-text index. The query's own words are
    looked for in the other columns only: typing a filter word finds nothing.

    Ranking reads each match's text (bm25), the costly part: see ``search.rank_limit``."""

    def __init__(self, terms: Sequence[Term], filters: Filters) -> None:
        spaced = [term for term in terms if not term.unspaced]
        self.words = " AND ".join(_fts_term(term) for term in spaced)
        self.named = f"{{names keys}} : ({self.words})"
        self.filters = filters
        self.unspaced = [term for term in terms if term.unspaced]
        self.required, self.excluded = _tag_filter(filters)
        self.kinds = [_any_tag(tag("k", kind) for kind in filters.kinds)] if filters.kinds else []
        self.years = _years(filters)

    def selects(self, table: Any, words: str, *columns: Any, joined: bool = False) -> list[Any]:
        """Matches of ``words`` and the filters in ``table``, as one or two SELECTs.

        With dates, the year words narrow the matches; a record tagged with its years is then
        in range exactly when the filter is whole years, so only records about an open or long
        range ("ylong") need their days checked on search_docs."""
        if not self.filters.dated:
            return [self._select(table, words, self.kinds, columns, joined)]
        if self.years is None:
            return [self._select(table, words, self.kinds, columns, True)]
        kinds = sorted(tag("k", kind) for kind in self.filters.kinds or ())
        if kinds and len(kinds) * len(self.years) <= 64:
            tagged = [_any_tag(kind + year for kind in kinds for year in self.years)]
        else:
            tagged = [*self.kinds, _any_tag(self.years)]
        return [
            self._select(table, words, tagged, columns, joined),
            self._select(table, words, [*self.kinds, _any_tag(["ylong"])], columns, True),
        ]

    def _select(
        self, table: Any, words: str, tagged: list[str], columns: Sequence[Any], joined: bool
    ) -> Any:
        columns_searched = "{names keys}" if table is _NAMES else "{names keys body}"
        found = " AND ".join([f"{columns_searched} : ({words})", *self.required, *tagged])
        expression = f"({found}) NOT {self.excluded}" if self.excluded else found
        extra = [_grams_condition(term, table) for term in self.unspaced]
        query = sa.select(*columns).select_from(table).where(_match(table, expression), *extra)
        if joined:
            query = query.select_from(table.join(t.search_docs, D.doc == table.c.rowid))
            query = query.where(*date_conditions(self.filters))
        return query

    def count(self, conn: sa.Connection) -> int:
        return sum(
            int(conn.scalar(q) or 0) for q in self.selects(_FTS, self.words, sa.func.count())
        )

    def recent(self, conn: sa.Connection, table: Any, words: str, limit: int) -> list[int]:
        found: set[int] = set()
        for query in self.selects(table, words, table.c.rowid):
            found.update(conn.scalars(query.order_by(table.c.rowid.desc()).limit(limit)))
        return sorted(found, reverse=True)[:limit]

    def scores(self, conn: sa.Connection, docs: Sequence[int]) -> dict[int, float]:
        """bm25 of the words for these docs, read from the lowest on (filters left out: their
        words make bm25 slow, and weigh nothing)."""
        if not docs:
            return {}
        # "+ 0": a condition on each row, not a list of rowids to look up one by one, which
        # FTS5 does very slowly; it keeps bm25 from being computed for other rows.
        each = sa.func.json_each(json.dumps(list(docs))).table_valued("value")
        wanted = sa.select(each.c.value)
        query = sa.select(_FTS.c.rowid, _bm25(_FTS)).where(
            _match(_FTS, f"{{names keys body}} : ({self.words})"),
            _FTS.c.rowid >= min(docs),
            (_FTS.c.rowid + 0).in_(wanted),
        )
        return {doc: float(score) for doc, score in conn.execute(query)}


def _bm25(table: Any) -> Any:
    return -sa.func.bm25(sa.literal_column(table.name), *_WEIGHTS)


def _grams_condition(term: Term, table: Any) -> Any:
    found = sa.or_(*(_substring(_GRAMS.c.grams, form) for form in term.forms))
    return table.c.rowid.in_(sa.select(_GRAMS.c.rowid).where(found))


def _tag_filter(filters: Filters) -> tuple[list[str], str | None]:
    """FTS5 clauses every match must have (status, levels), and one it must not (levels)."""
    required = []  # kinds are FtsQuery's: with years, they make one word
    if filters.status is not None:
        required.append(_any_tag([tag("s", filters.status)]))
    # The smaller side: most levels in, say "not restricted"; one level in, say "restricted".
    kept = [tag("l", level) for level in ALL_LEVELS if level in filters.levels]
    left_out = [tag("l", level) for level in ALL_LEVELS if level not in filters.levels]
    if left_out and len(kept) <= len(left_out):
        return [*required, _any_tag(kept)], None
    return required, _any_tag(left_out) if left_out else None


def _years(filters: Filters) -> list[str] | None:
    """The year words of a filter of whole years (2021-01-01 to 2022-12-31), else ``None``."""
    first, last = filters.date_from, filters.date_to
    if first is None or last is None or first[4:] != "-01-01" or last[4:] != "-12-31":
        return None
    if int(last[:4]) - int(first[:4]) > YEARS:
        return None
    return [f"y{year}" for year in range(int(first[:4]), int(last[:4]) + 1)]


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
            for table, columns, where in _COPIES:  # before the rows go: FTS5 reads them
                conn.execute(_copy(table, columns, where, delete=True), {"docs": [*old.values()]})
            conn.execute(sa.delete(_GRAMS).where(_GRAMS.c.rowid.in_(old.values())))
            conn.execute(sa.delete(t.search_docs).where(D.doc.in_(old.values())))
        numbered = [(old.get(e.doc.record_id) or next(fresh), e) for e in entries]
        conn.execute(sa.insert(t.search_docs), [e.row() | {"doc": n} for n, e in numbered])
        for table, columns, where in _COPIES:
            conn.execute(_copy(table, columns, where), {"docs": [n for n, _ in numbered]})
        grams = [{"n": n, "grams": e.grams} for n, e in numbered if e.grams]
        if grams:
            conn.execute(_GRAMS_INSERT, grams)

    def best(
        self, conn: sa.Connection, terms: Sequence[Term], filters: Filters, need: int
    ) -> tuple[list[RawHit], int]:
        if all(term.unspaced for term in terms):
            return best_in_sql(conn, self._plain(terms, filters), need)
        query = FtsQuery(terms, filters)
        limit = rank_limit(terms, need)
        named = query.recent(conn, _NAMES, query.words, limit)
        others: list[int] = []
        if len(named) < need:  # then ``named`` holds every match by name
            others = query.recent(conn, _FTS, query.words, limit)
        found = candidates(named, others)
        scores = query.scores(conn, [d for d in found if found[d]]) | query.scores(
            conn, [d for d in found if not found[d]]
        )
        return described(conn, found, scores, need), query.count(conn)

    def every(self, conn: sa.Connection, terms: Sequence[Term], filters: Filters) -> list[RawHit]:
        if all(term.unspaced for term in terms):
            return every_in_sql(conn, self._plain(terms, filters))
        query = FtsQuery(terms, filters)  # few: the restricted level only, all of them
        columns = (_CLOSED.c.rowid, D.record_id, D.kind, D.title, _bm25(_CLOSED))
        rows = [
            r
            for q in query.selects(_CLOSED, query.words, *columns, joined=True)
            for r in conn.execute(q.limit(MAX_CLOSED))
        ]
        named = set(query.recent(conn, _CLOSED, query.named, MAX_CLOSED))
        return [RawHit(r[1], r[2], r[3], r[0] in named, float(r[4]), r[0]) for r in rows]

    def _plain(self, terms: Sequence[Term], filters: Filters) -> sa.Select[Any]:
        """Only words in scripts without spaces: substrings in search_grams, nothing to rank."""
        found = conditions(filters) + [_grams_condition(term, _FTS) for term in terms]
        columns = hit_columns(sa.false(), sa.literal(0.0))
        joined = t.search_docs.join(_FTS, _FTS.c.rowid == D.doc)
        return sa.select(*columns).select_from(joined).where(*found)
