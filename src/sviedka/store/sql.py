"""The store on SQLite and PostgreSQL through SQLAlchemy Core: ``SqlStore`` and its ``SqlView``.

Dialect differences are kept to this package: engine set-up (``engine.py``), JSON path filters
and upserts (below).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import Conflict, IntegrityFailure, Invalid, NotFound, Unavailable
from ..model import KINDS, Record, Verdict, VocabTerm, Vocabulary
from ..model.codec import load
from ..model.custody import CustodyEvent, CustodyKind
from ..model.custom import CustomField
from ..model.revision import Revision
from ..policy import CUSTODIAN, Principal, read_scope
from . import schema as t
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
from .decoded import decoded
from .engine import WRITE, create_engine
from .indexes import Index, bring_up_to_date, default_indexes, stale
from .integrity import Problem
from .migrations import migrate
from .search import search_hits, search_texts
from .search_query import Filters, Hits, SearchTexts, Term
from .snapshot import Snapshot, consistent_read

__all__ = [
    "SqlStore",
    "SqlView",
    "open_store",
    "record_of",
    "state_of",
    "upsert",
]

_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")
_CHUNK = 500  # stay under SQLite's limit on bound parameters per statement


def open_store(
    url: str,
    *,
    custom_fields: Mapping[str, Mapping[str, CustomField]] | None = None,
    journal: Journal | None = None,
    indexes: list[Index] | None = None,
) -> SqlStore:
    """Connect, bring the schema and the derived indexes up to date, and return the store."""
    engine = create_engine(url)
    store = SqlStore(engine, custom_fields=custom_fields, journal=journal, indexes=indexes)
    try:
        migrate(engine)
        with engine.connect() as conn:
            behind = stale(conn, store.indexes)
        if behind:
            with store.write_transaction() as conn:
                bring_up_to_date(conn, behind)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise Unavailable("The database could not be prepared (migrations failed).") from exc
    return store


class SqlStore(Store):
    def __init__(
        self,
        engine: sa.Engine,
        *,
        custom_fields: Mapping[str, Mapping[str, CustomField]] | None = None,
        journal: Journal | None = None,
        indexes: list[Index] | None = None,
    ) -> None:
        self.engine = engine
        self.indexes = default_indexes() if indexes is None else indexes
        self.dialect = engine.dialect.name
        self.custom_fields = dict(custom_fields or {})
        self.journal: Journal = journal or NoJournal()

    @contextmanager
    def view(self, principal: Principal | None = None) -> Iterator[View]:
        """A read transaction as ``principal`` may read (``scoped``). Without one, the whole
        store: kept while callers move to naming a principal (``unscoped_view`` says so)."""
        with _translated(), self.engine.connect() as conn, conn.begin():
            view = SqlView(conn)
            if principal is None:
                yield view
            else:
                from .scoped import scoped  # builds on SqlView; imported late to avoid a cycle

                yield scoped(view, read_scope(principal))

    def unscoped_view(self) -> AbstractContextManager[View]:
        """Every record, whoever may read it: for the custodian, verify, backup."""
        return self.view(CUSTODIAN)

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        from .writer import SqlWriter  # the writer builds on the view; import late to avoid a cycle

        with _translated(), self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            with conn.begin():
                writer = SqlWriter(conn, self.custom_fields, self.journal, self.indexes)
                yield writer
                writer.flush()

    def integrity_problems(self) -> Iterator[Problem]:
        """Everything stored that no longer matches its hashes, by record id (see integrity.py)."""
        with self.unscoped_snapshot() as snapshot:
            yield from snapshot.integrity_problems()

    @contextmanager
    def snapshot(self) -> Iterator[sa.Connection]:
        """One read transaction that sees a single moment, even while others write: WAL on
        SQLite, REPEATABLE READ on PostgreSQL (whose default would show each query a new one)."""
        with _translated(), consistent_read(self.engine) as conn:
            yield conn

    @contextmanager
    def unscoped_snapshot(self) -> Iterator[Snapshot]:
        """The whole database at one moment, scoped to no one: for ``verify`` and ``backup``,
        which must read everything (see snapshot.py)."""
        with self.snapshot() as conn:
            yield Snapshot(conn)

    @contextmanager
    def write_transaction(self) -> Iterator[sa.Connection]:
        """A raw write transaction with the writer's locking (SQLite's write lock at BEGIN, the
        log's lock on PostgreSQL), for work on the log's own tables such as checkpoints."""
        with _translated(), self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            with conn.begin():
                self.journal.open(conn)  # takes the log's lock where there is one
                yield conn

    @contextmanager
    def journal_transaction(self) -> Iterator[JournalSession]:
        """A write transaction holding only the journal's session (its lock taken once),
        flushed before it commits: for entries that change nothing else, such as audit
        events."""
        with _translated(), self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            with conn.begin():
                session = self.journal.open(conn)
                yield session
                session.flush()

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _translated() -> Iterator[None]:
    """Driver errors become ours at this boundary, with a message for people."""
    try:
        yield
    except sa.exc.IntegrityError as exc:
        raise Conflict("The write collides with data already stored; nothing was saved.") from exc
    except sa.exc.OperationalError as exc:
        raise Unavailable("The database is unavailable or busy; nothing was saved.") from exc
    except sa.exc.DataError as exc:
        raise Invalid("The database cannot store that value; nothing was saved.") from exc


class SqlView(View):
    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self._codes: dict[str, frozenset[str]] = {}

    def flush(self) -> None:
        """Nothing: a view has nothing buffered (a writer writes what it has)."""

    def find(self, record_id: str) -> Stored | None:
        row = self.conn.execute(sa.select(t.records).where(t.records.c.id == record_id)).first()
        return None if row is None else _stored(row)

    def get(self, record_id: str, *, as_of: str | None = None) -> Stored:
        if as_of is None:
            found = self.find(record_id)
            if found is None:
                raise NotFound(f"No record with id {record_id}.")
            return found
        return self._as_of(record_id, as_of)

    def _as_of(self, record_id: str, as_of: str) -> Stored:
        revs = t.revisions.c
        query = sa.select(t.revisions).where(revs.record_id == record_id, revs.at <= as_of)
        row = self.conn.execute(query.order_by(revs.seq.desc()).limit(1)).first()
        if row is None:
            raise NotFound(f"No record with id {record_id} existed at {as_of}.")
        first = sa.select(revs.at).where(revs.record_id == record_id, revs.seq == 1)
        created = self.conn.scalar(first) or row.at
        revision = _revision(row)
        record = record_of(row.kind, revision.record_id, dict(revision.state))
        return Stored(record, row.seq, row.sha256, created, row.at)

    def records(
        self,
        kind: str,
        *,
        where: Mapping[str, str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Stored]:
        query = self._filtered(sa.select(t.records), kind, where)
        query = query.order_by(t.records.c.id).limit(limit).offset(offset)
        return [_stored(row) for row in self.conn.execute(query)]

    def count(self, kind: str, *, where: Mapping[str, str] | None = None) -> int:
        query = self._filtered(sa.select(sa.func.count()).select_from(t.records), kind, where)
        return int(self.conn.scalar(query) or 0)

    def _filtered(self, query: Any, kind: str, where: Mapping[str, str] | None) -> Any:
        query = query.where(t.records.c.kind == kind)
        for path, value in (where or {}).items():
            query = query.where(_json_text(self.conn.dialect.name, path) == value)
        return query

    def history(self, record_id: str) -> list[Revision]:
        revs = t.revisions.c
        query = sa.select(t.revisions).where(revs.record_id == record_id).order_by(revs.seq)
        found = [_revision(row) for row in self.conn.execute(query)]
        if not found:
            raise NotFound(f"No record with id {record_id}.")
        return found

    def kinds_of(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(ids))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            query = sa.select(t.records.c.id, t.records.c.kind).where(t.records.c.id.in_(chunk))
            found.update({row.id: row.kind for row in self.conn.execute(query)})
        return found

    def vocabularies(self) -> list[VocabInfo]:
        terms = sa.select(t.vocab_terms.c.vocab, sa.func.count().label("n"))
        grouped = self.conn.execute(terms.group_by(t.vocab_terms.c.vocab))
        counts: dict[str, int] = {row.vocab: int(row.n) for row in grouped}
        rows = self.conn.execute(sa.select(t.vocabularies).order_by(t.vocabularies.c.name))
        return [VocabInfo(r.name, r.title, r.source, counts.get(r.name, 0)) for r in rows]

    def vocabulary(self, name: str) -> Vocabulary:
        head = self.conn.execute(
            sa.select(t.vocabularies).where(t.vocabularies.c.name == name)
        ).first()
        if head is None:
            raise NotFound(f"No vocabulary named {name!r}. `sviedka vocab list` shows them all.")
        c = t.vocab_terms.c
        rows = self.conn.execute(
            sa.select(t.vocab_terms).where(c.vocab == name).order_by(c.ord, c.code)
        )
        terms = tuple(_term(row) for row in rows)
        return Vocabulary(head.name, head.title, head.source, terms)

    def known_codes(self, vocab: str) -> frozenset[str]:
        if vocab not in self._codes:
            c = t.vocab_terms.c
            codes = self.conn.scalars(sa.select(c.code).where(c.vocab == vocab))
            self._codes[vocab] = frozenset(codes)
        return self._codes[vocab]

    def judgements(self, record_id: str) -> list[Judgement]:
        c = t.judgements.c
        query = sa.select(t.judgements).where(
            sa.or_(c.left_id == record_id, c.right_id == record_id)
        )
        return [_judgement(row) for row in self.conn.execute(query.order_by(c.at))]

    def cluster(self, record_id: str) -> Cluster:
        if not self.kinds_of([record_id]):
            raise NotFound(f"No record with id {record_id}.")
        members, frontier = {record_id}, [record_id]
        while frontier:
            linked = self._same_as(frontier)
            frontier = sorted(linked - members)
            members |= linked
        ordered = tuple(sorted(members))  # UUIDv7 ids sort by creation time
        return Cluster(ordered[0], ordered)

    def _same_as(self, ids: list[str]) -> set[str]:
        c = t.judgements.c
        found: set[str] = set()
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            query = sa.select(c.left_id, c.right_id).where(
                c.verdict == Verdict.SAME.value, sa.or_(c.left_id.in_(chunk), c.right_id.in_(chunk))
            )
            for left, right in self.conn.execute(query):
                found.update((left, right))
        return found

    def meta(self, key: str) -> str | None:
        value = self.conn.scalar(sa.select(t.meta.c.value).where(t.meta.c.key == key))
        return None if value is None else str(value)

    def blob(self, sha256: str) -> BlobRecord | None:
        row = self.conn.execute(sa.select(t.blobs).where(t.blobs.c.sha256 == sha256)).first()
        return None if row is None else BlobRecord(**row._mapping)

    def blobs(self) -> list[BlobRecord]:
        rows = self.conn.execute(sa.select(t.blobs).order_by(t.blobs.c.sha256))
        return [BlobRecord(**row._mapping) for row in rows]

    def custody(self, sha256: str) -> list[CustodyEvent]:
        c = t.custody_events.c
        query = sa.select(c.entry).where(c.sha256 == sha256).order_by(c.id)
        return [_custody(json.loads(entry)) for entry in self.conn.scalars(query)]

    def search_hits(
        self, terms: Sequence[Term], filters: Filters, *, need: int, closed: bool = False
    ) -> Hits:
        return search_hits(self.conn, terms, filters, need=need, closed=closed)

    def search_texts(self, record_ids: Sequence[str]) -> dict[str, SearchTexts]:
        return search_texts(self.conn, record_ids)


def _json_text(dialect: str, path: str) -> Any:
    """The text value at a dotted JSON path in a record's data, for equality filters."""
    if not _PATH.match(path):
        raise Invalid("Bad filter.", {path: "use a dotted field path such as custom.party"})
    if dialect == "postgresql":  # JSON functions differ by dialect; the meaning is the same
        data = sa.cast(t.records.c.data, postgresql.JSONB)
        return sa.func.jsonb_extract_path_text(data, *path.split("."))
    return sa.cast(sa.func.json_extract(t.records.c.data, f"$.{path}"), sa.Text)


def upsert(conn: sa.Connection, table: sa.Table, row: Mapping[str, Any], keys: list[str]) -> None:
    """Insert ``row`` or, if its key exists, update it (both dialects spell this the same way)."""
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)
    stmt = insert.values(**row)
    changes = {k: stmt.excluded[k] for k in row if k not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changes))


def state_of(data: str, sensitive: str | None) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(data)
    if sensitive:
        state.update(json.loads(sensitive))
    return state


def record_of(kind: str, record_id: str, state: dict[str, Any]) -> Record:
    """The record a stored state describes; its kind must be the one it was stored as."""
    stated = state.pop("record_kind", None)
    if stated != kind or kind not in KINDS:
        raise IntegrityFailure(
            f"Record {record_id} is stored as a {kind} but its state says {stated}: the "
            "archive was altered outside Sviedka. Run `sviedka verify`."
        )
    return load(KINDS[kind], state)


def _stored(row: Any) -> Stored:
    def decode() -> Record:
        return record_of(row.kind, row.id, state_of(row.data, row.sensitive))

    record = decoded(row.kind, row.id, row.sha256, decode)
    return Stored(record, row.revision, row.sha256, row.created_at, row.updated_at)


def _revision(row: Any) -> Revision:
    state = state_of(row.state, row.sensitive)
    return Revision(
        row.record_id,
        row.seq,
        row.kind,
        row.actor,
        row.at,
        row.reason,
        state,
        row.state_sha256,
        row.sha256,
        row.prev_sha256,
    )


def _term(row: Any) -> VocabTerm:
    return VocabTerm(
        code=row.code,
        labels=json.loads(row.labels),
        parent=row.parent,
        level=row.level,
        order=row.ord,
        extra=json.loads(row.extra),
    )


def _custody(data: dict[str, Any]) -> CustodyEvent:
    kind = CustodyKind(data["custody"])
    return CustodyEvent(
        data["sha256"], kind, data["actor"], data["at"], data["reason"], data["details"]
    )


def _judgement(row: Any) -> Judgement:
    return Judgement(row.left_id, row.right_id, Verdict(row.verdict), row.actor, row.at, row.reason)
