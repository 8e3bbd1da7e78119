"""The search index: the words of every record's names and texts, kept current in the writer's
transaction (see ``indexes.py``), beside the kind, confidentiality, status and dates that search
filters on, so that matching, filtering, ranking and counting are one query.

* SQLite: an FTS5 table ``search_fts`` (columns ``names``, ``keys``, ``body``; ``unicode61
  remove_diacritics 2``) and an FTS5 ``trigram`` table ``search_grams`` for text in scripts
  written without spaces (Chinese, Japanese, Thai…), where a word is found as a substring.
* PostgreSQL: a ``tsvector`` column (``to_tsvector('simple', …)``; names weighted A, keys B, the
  rest D) with a GIN index, and a ``pg_trgm`` GIN index on the ``grams`` column when the
  extension exists or can be created (without it the same ``LIKE`` runs unindexed).

``schema.search_docs`` holds one row per record in both. ``keys`` are the script-independent
``search_keys`` of each word of each name form, so that Бяляцкі, Беляцкий and Bialiatski meet.
A person's sensitive fields (contacts, address, family) are never read: ``document`` lists what
is indexed, field by field.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, ClassVar

import sqlalchemy as sa

from ..model import KINDS, DateRange, Detention, NameForm, PartialDate, Record
from ..names import KEYS_VERSION, search_keys
from . import schema as t
from .indexes import Index

__all__ = [
    "ALL_LEVELS",
    "RANK_LIMIT",
    "Filters",
    "Hits",
    "RawHit",
    "SearchDoc",
    "SearchIndex",
    "Term",
    "document",
    "fold",
    "is_unspaced",
    "words",
]

KeyFunction = Callable[[str], list[str]]
_FORMAT = 1  # what is indexed and how: change it, and every index is rebuilt at the next open
FIRST, LAST = "0001-01-01", "9999-12-31"
_CHUNK = 500  # ids per statement: under SQLite's bound-parameter limit
_PG_BODY_LIMIT = 200_000  # characters of text per record on PostgreSQL (a tsvector is < 1 MB)
_WORD = re.compile(r"[^\W_]+")
# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, kana, CJK.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f]"
)
_TEXT_FIELDS = (
    "title",
    "title_en",
    "place",
    "description",
    "summary",
    "consequences",
    "transcript",
    "outcome",
    "authority",
    "programme",
    "reference",
    "captured_place",
)
# (start, end, whether a missing end is open): positions, listings, interventions.
_RANGES = (
    ("start", "end", True),
    ("listed", "delisted", True),
    ("date", "removed", True),
    ("date", "response_date", False),
)
D = t.search_docs.c
RESTRICTED = "restricted"


# -- words ------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lower = char.lower()
    parts = unicodedata.normalize("NFD", lower)
    marked = len(parts) > 1 and all(unicodedata.combining(c) for c in parts[1:])
    if marked and (parts[0].isascii() or "LATIN" in unicodedata.name(parts[0], "")):
        return parts[0]
    return lower if len(lower) == 1 else char  # one for one: offsets in folded text hold


def fold(text: str) -> str:
    """Lower case, without the diacritics of Latin letters: what FTS5's ``unicode61
    remove_diacritics 2`` does (é→e, š→s, while ł, й, ў stay), so that PostgreSQL and Python
    compare words as SQLite does. Of NFC text, the result has the same length."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text))


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits (as FTS5's ``unicode61`` splits)."""
    return _WORD.findall(text)


def is_unspaced(text: str) -> bool:
    """Whether ``text`` has letters of a script written without spaces between words."""
    return _UNSPACED.search(text) is not None


# -- what a record puts in the index ----------------------------------------------------------


@dataclass(frozen=True)
class SearchDoc:
    """What the index holds for one record: ``names`` are name forms as written, ``texts`` the
    other indexed fields in display order, ``span`` the first and last possible ISO day."""

    record_id: str
    kind: str
    confidentiality: str
    title: str
    names: tuple[str, ...]
    texts: tuple[str, ...]
    status: str | None = None
    span: tuple[str, str] | None = None


def document(record: Record) -> SearchDoc:
    """The searchable part of ``record``. Never a sensitive field (``Person.sensitive``)."""
    names = _names(record)
    return SearchDoc(
        record_id=record.id,
        kind=record.KIND,
        confidentiality=record.confidentiality.value,
        title=_title(record, names)[:200],
        names=names,
        texts=tuple(_texts(record)),
        status=_status(record),
        span=_span(record),
    )


def _names(record: Record) -> tuple[str, ...]:
    forms = getattr(record, "names", ())
    found = [f.full for f in forms if isinstance(f, NameForm)]
    listed = getattr(record, "name_as_listed", None)  # a sanction: the name as the list has it
    if isinstance(listed, str):
        found.append(listed)
    return tuple(dict.fromkeys(n for n in found if n.strip()))


def _texts(record: Record) -> Iterator[str]:
    for name in _TEXT_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip():
            yield value
    if isinstance(record, Detention):
        for case in record.court_cases:
            yield from (v for v in (case.number, case.outcome) if v)
        yield from (s.text for s in record.sentences if s.text)
    if record.notes:
        yield record.notes
    yield from _custom_texts(record.custom)


def _custom_texts(custom: Mapping[str, Any]) -> Iterator[str]:
    """String values of custom fields (text, and vocab codes, URLs and dates, which are text too:
    the index does not see the archive's declarations)."""
    for value in custom.values():
        for item in value if isinstance(value, list | tuple) else (value,):
            if isinstance(item, str) and item.strip():
                yield item


def _title(record: Record, names: tuple[str, ...]) -> str:
    if names:
        return names[0]
    for attr in ("title", "summary"):
        value = getattr(record, attr, None)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    parts = [getattr(record, a, None) for a in ("type", "kind", "role", "list", "status")]
    if isinstance(record, Detention) and record.arrest is not None:
        parts = [record.arrest.date, record.arrest.place]
    return " · ".join(str(p) for p in parts if p is not None and str(p))


def _status(record: Record) -> str | None:
    """A kind's own status: an intervention's, a detention's end mode ("held" while open), a
    sanction's or designation's "listed" / "delisted"."""
    if isinstance(record, Detention):
        return "held" if record.end is None else record.end.mode.value
    status = getattr(record, "status", None)
    if status is not None:
        return str(status)
    if record.KIND in ("sanction", "designation"):
        ended = getattr(record, "delisted", None) or getattr(record, "removed", None)
        return "listed" if ended is None else "delisted"
    return None


def _span(record: Record) -> tuple[str, str] | None:
    start, end = _bounds(record)
    if start is None and end is None:
        return None
    return (
        start.earliest().isoformat() if start else FIRST,
        end.latest().isoformat() if end else LAST,
    )


def _bounds(record: Record) -> tuple[PartialDate | None, PartialDate | None]:
    """The dates a record is about (not when it was entered): a person or organisation has none.
    An end not (yet) known is open, except for an intervention, dated by its request."""
    if isinstance(record, Detention):
        return (record.arrest.date if record.arrest else None), (
            record.end.date if record.end else None
        )
    dates = getattr(record, "dates", None)
    if isinstance(dates, DateRange):
        return dates.start, dates.end
    for first, last, open_end in _RANGES:
        begin = getattr(record, first, None)
        if isinstance(begin, PartialDate) and hasattr(record, last):
            stop = getattr(record, last)
            return begin, stop if isinstance(stop, PartialDate) else (None if open_end else begin)
    for single in ("date", "received", "captured_at", "collected_at"):
        day = _day(getattr(record, single, None))
        if day is not None:
            return day, day
    return None, None


def _day(value: Any) -> PartialDate | None:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, str):
        try:
            return PartialDate.parse(value[:10])
        except ValueError:
            return None
    return None


# -- queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase of a query. It matches when any of ``forms`` is in any field or
    any of ``keys`` (the word's search keys) is among a record's name keys. ``prefix``: the
    last word also matches the beginning of a word, as you type; ``unspaced``: a word in a
    script without spaces (Chinese, Thai…), found as a substring."""

    forms: tuple[str, ...]
    keys: tuple[str, ...] = ()
    prefix: bool = False
    unspaced: bool = False


@dataclass(frozen=True)
class Filters:
    """``levels``: the confidentiality values to include; dates are ISO days, and a record is
    in range when some day it is about lies between them (undated records then never are)."""

    levels: frozenset[str]
    kinds: frozenset[str] | None = None
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    @property
    def dated(self) -> bool:
        return self.date_from is not None or self.date_to is not None


@dataclass(frozen=True)
class RawHit:
    """A matching record as the index knows it; ``named``: its names matched the whole query;
    ``doc``: its number in the index (older records have lower numbers)."""

    record_id: str
    kind: str
    title: str
    named: bool
    score: float
    doc: int

    def rank(self) -> tuple[bool, float, int]:
        """Sort key: names first, then by relevance, then oldest first."""
        return (not self.named, -self.score, self.doc)


@dataclass(frozen=True)
class Hits:
    """The best ``need`` hits of the open levels, how many match in all, and every match of the
    closed level (restricted), for the caller to check one by one."""

    best: list[RawHit]
    total: int
    closed: list[RawHit]


def _conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = [D.confidentiality.in_(sorted(filters.levels))]
    if filters.kinds is not None:
        found.append(D.kind.in_(sorted(filters.kinds)))
    if filters.status is not None:
        found.append(D.status == filters.status)
    return found + _date_conditions(filters)


def _date_conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    found = []
    if filters.date_from is not None:
        found.append(D.date_hi >= filters.date_from)
    if filters.date_to is not None:
        found.append(D.date_lo <= filters.date_to)
    return found


# -- the index --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
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
            "tags": " ".join(_tags(self.doc)),
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

    def entry(self, record: Record) -> _Entry:
        doc = document(record)
        keys: dict[str, None] = {}
        for word in (w for name in doc.names for w in words(name)):
            keys.update((k, None) for k in self.word_keys(word))
        grams = [text for text in (*doc.names, *doc.texts) if is_unspaced(text)]
        return _Entry(doc, " ".join(keys), "\n".join(grams) or None)

    def refresh(self, conn: sa.Connection, records: Sequence[Record]) -> None:
        backend = _backend(conn)
        backend.ensure(conn)
        entries = [self.entry(r) for r in records]
        for i in range(0, len(entries), _CHUNK):
            backend.replace(conn, entries[i : i + _CHUNK])

    def clear(self, conn: sa.Connection) -> None:
        _backend(conn).create(conn, fresh=True)

    def hits(
        self,
        conn: sa.Connection,
        terms: Sequence[Term],
        filters: Filters,
        *,
        need: int,
        closed: bool = False,
    ) -> Hits:
        """The best ``need`` hits of ``filters.levels`` (without restricted) and their total;
        with ``closed``, also every restricted match."""
        open_levels = replace(filters, levels=filters.levels - {RESTRICTED})
        closed_level = replace(filters, levels=frozenset({RESTRICTED}))
        backend = _backend(conn)
        best, total = (
            backend.best(conn, terms, open_levels, need) if open_levels.levels else ([], 0)
        )
        every = backend.every(conn, terms, closed_level) if closed else []
        return Hits(best, total, every)

    def texts(
        self, conn: sa.Connection, record_ids: Sequence[str]
    ) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """The indexed name forms and texts of these records, for snippets."""
        query = sa.select(D.record_id, D.names, D.body).where(D.record_id.in_(record_ids))
        rows = conn.execute(query).all()
        return {r.record_id: (_lines(r.names), _lines(r.body)) for r in rows}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.split("\n") if line)


def _backend(conn: sa.Connection) -> _Sqlite | _Postgres:
    # FTS5 and tsvector share nothing but the row table: each dialect has its own backend.
    return _Postgres() if conn.dialect.name == "postgresql" else _Sqlite()


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


def _sql_best(
    conn: sa.Connection, query: sa.Select[Any] | None, need: int
) -> tuple[list[RawHit], int]:
    if query is None:
        return [], 0
    rows = _ranked(conn, query, need)
    return [_raw(r) for r in rows], int(rows[0].total) if rows else 0


def _sql_every(conn: sa.Connection, query: sa.Select[Any] | None) -> list[RawHit]:
    return [] if query is None else [_raw(r) for r in _ranked(conn, query, None)]


def _columns(named: Any, score: Any) -> tuple[Any, ...]:
    return (D.doc, D.record_id, D.kind, D.title, named.label("named"), score.label("score"))


# -- SQLite: FTS5 -----------------------------------------------------------------------------

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
RANK_LIMIT = 1000  # most recent matches of each group ranked by bm25 (above it: see _FtsQuery)
_YEARS = 30  # a record about more years than this (or an open range) is tagged "ylong"
ALL_LEVELS = ("public", "internal", "confidential", RESTRICTED)


def _tag(prefix: str, value: str) -> str:
    return prefix + "".join(c for c in value.lower() if c.isalnum())


def _tags(doc: SearchDoc) -> list[str]:
    """Words for the filters, in FTS5's ``tags`` column: kind, level, status, years."""
    found = [_tag("k", doc.kind), _tag("l", doc.confidentiality)]
    if doc.status:
        found.append(_tag("s", doc.status))
    if doc.span is not None:
        first, last = int(doc.span[0][:4]), int(doc.span[1][:4])
        if FIRST in doc.span or LAST in doc.span or last - first > _YEARS:
            found.append("ylong")
        else:
            found += [f"y{year}" for year in range(first, last + 1)]
    return found


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


class _FtsQuery:
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
            query = query.select_from(joined).where(*_date_conditions(self.filters))
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
        required.append(_any_tag(_tag("k", kind) for kind in filters.kinds))
    if filters.status is not None:
        required.append(_any_tag([_tag("s", filters.status)]))
    first = int(filters.date_from[:4]) if filters.date_from else None
    last = int(filters.date_to[:4]) if filters.date_to else None
    if first is not None and last is not None and last - first <= _YEARS:
        required.append(_any_tag(["ylong", *(f"y{y}" for y in range(first, last + 1))]))
    left_out = [_tag("l", level) for level in ALL_LEVELS if level not in filters.levels]
    return required, _any_tag(left_out) if left_out else None


class _Sqlite:
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

    def replace(self, conn: sa.Connection, entries: Sequence[_Entry]) -> None:
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
            return _sql_best(conn, self._plain(terms, filters), need)
        query = _FtsQuery(terms, filters)
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
            return _sql_every(conn, self._plain(terms, filters))
        query = _FtsQuery(terms, filters)  # few: the restricted level only, all of them
        docs = query.recent(conn, query.expression(query.words), MAX_CLOSED)
        named = set(query.recent(conn, query.expression(query.named), MAX_CLOSED))
        return _described(conn, docs, {d: d in named for d in docs}, query.scores(conn, docs))

    def _plain(self, terms: Sequence[Term], filters: Filters) -> sa.Select[Any]:
        """Only words in scripts without spaces: substrings in search_grams, nothing to rank."""
        conditions = _conditions(filters) + [_grams_condition(term) for term in terms]
        columns = _columns(sa.false(), sa.literal(0.0))
        joined = t.search_docs.join(_FTS, _FTS.c.rowid == D.doc)
        return sa.select(*columns).select_from(joined).where(*conditions)


MAX_CLOSED = 100_000  # restricted matches of one query handed to ``visible`` at most


def _described(
    conn: sa.Connection, docs: Sequence[int], named: Mapping[int, bool], scores: Mapping[int, float]
) -> list[RawHit]:
    """Hits for these docs, in this order, with their record ids, kinds and titles."""
    rows: dict[int, Any] = {}
    for i in range(0, len(docs), _CHUNK):
        query = sa.select(D.doc, D.record_id, D.kind, D.title).where(
            D.doc.in_(docs[i : i + _CHUNK])
        )
        rows.update((row.doc, row) for row in conn.execute(query))
    return [
        RawHit(rows[d].record_id, rows[d].kind, rows[d].title, named[d], scores.get(d, 0.0), d)
        for d in docs
    ]


# -- PostgreSQL: tsvector and pg_trgm ---------------------------------------------------------

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


class _Postgres:
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

    def replace(self, conn: sa.Connection, entries: Sequence[_Entry]) -> None:
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
        return _sql_best(conn, self._select(terms, filters), need)

    def every(self, conn: sa.Connection, terms: Sequence[Term], filters: Filters) -> list[RawHit]:
        return _sql_every(conn, self._select(terms, filters))

    def _select(self, terms: Sequence[Term], filters: Filters) -> sa.Select[Any] | None:
        conditions = _conditions(filters)
        for term in (x for x in terms if x.unspaced):
            conditions.append(sa.or_(*(D.grams.contains(fold(f)) for f in term.forms)))
        spaced = [x for x in terms if not x.unspaced]
        if not spaced:
            return sa.select(*_columns(sa.false(), sa.literal(0.0))).where(*conditions)
        query, in_names = _tsquery(spaced), _tsquery(spaced, "AB")
        if query is None or in_names is None:
            return None
        named = D.terms.op("@@")(in_names)
        score = sa.func.ts_rank(D.terms, query)
        matched = D.terms.op("@@")(query)
        return sa.select(*_columns(named, score)).where(matched, *conditions)


def _pg_row(entry: _Entry) -> dict[str, Any]:
    return entry.row() | {
        "grams": fold(entry.grams) if entry.grams else None,
        "t_names": _plain(entry.doc.names),
        "t_keys": _plain([entry.keys]),
        "t_body": _plain(entry.doc.texts)[:_PG_BODY_LIMIT],
    }
