"""The store on SQLite and PostgreSQL through SQLAlchemy Core: ``SqlStore``, which hands out
views (``view.py``, narrowed by ``scoped.py``) and writers (``writer.py``) and keeps the derived
indexes (``indexes.py``) current.

The modules of ``store/`` form layers, each importing only those below it (tests/test_structure.py
checks that there is no cycle): the schema, the engine, the row codecs (``rows.py``) and the dialect
branches (``dialect.py``); the derived indexes; the view, its scoped form and the writer; this
module on top.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import sqlalchemy as sa

from ..errors import Conflict, Invalid, Unavailable
from ..model.custom import CustomField
from ..policy import Principal, read_scope
from .base import Journal, JournalSession, NoJournal, Store, View, Writer
from .dialect import upsert
from .engine import WRITE, create_engine, read_engine
from .indexes import Index, bring_up_to_date, stale
from .integrity import Problem
from .migrations import migrate
from .name_keys import NameKeyIndex
from .rows import record_of, state_of
from .scoped import scoped
from .search import SearchIndex
from .sequencer import Sequencer
from .snapshot import Snapshot, consistent_read
from .spells import SpellIndex
from .view import SqlView
from .writer import SqlWriter

# SqlView, record_of, state_of and upsert live below (view.py, rows.py, dialect.py); they are
# named here too because callers outside store/ import them from this module.
__all__ = [
    "SqlStore",
    "SqlView",
    "default_indexes",
    "open_store",
    "record_of",
    "state_of",
    "upsert",
]


def default_indexes() -> list[Index]:
    """The indexes every store keeps. Add a new one here."""
    return [SpellIndex(), SearchIndex(), NameKeyIndex()]


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
        store.sequence(if_waiting=True)  # what a crash left queued
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
        self.read_engine = read_engine(engine)  # PostgreSQL: autocommit, a pool of its own
        self._held = threading.local()  # the connection of ``reading``, per thread
        self.indexes = default_indexes() if indexes is None else indexes
        self.dialect = engine.dialect.name
        self.custom_fields = dict(custom_fields or {})
        self.journal: Journal = journal or NoJournal()
        self.sequencer = Sequencer(self.sequence)

    @contextmanager
    def view(self, principal: Principal) -> Iterator[View]:
        """A read transaction as ``principal`` may read (``scoped``); the whole store is asked
        for by name (``unscoped_view()``, ``view(CUSTODIAN)``)."""
        with _translated(), self.read_connection() as conn:
            if self.read_engine is self.engine:  # SQLite: the transaction is the snapshot (WAL)
                with conn.begin():
                    yield scoped(SqlView(conn), read_scope(principal))
            else:  # PostgreSQL, in autocommit: each statement sees its own moment anyway
                yield scoped(SqlView(conn), read_scope(principal))

    @contextmanager
    def reading(self) -> Iterator[None]:
        """The reads of one request on one connection: its token or session lookup, its views
        and its audit events' INSERT take the connection held here (by this thread) instead of
        one checkout each. PostgreSQL only, where reads run in autocommit and so can share one
        connection in turn; on SQLite it holds nothing."""
        if self.read_engine is self.engine or self._holding() is not None:
            yield
            return
        with self.read_engine.connect() as conn:
            self._held.conn = conn
            try:
                yield
            finally:
                self._held.conn = None

    @contextmanager
    def read_connection(self) -> Iterator[sa.Connection]:
        """A connection for reads: the one ``reading`` holds, or one of the read pool's."""
        held = self._holding()
        if held is not None:
            yield held
            return
        with self.read_engine.connect() as conn:
            yield conn

    def _holding(self) -> sa.Connection | None:
        held: sa.Connection | None = getattr(self._held, "conn", None)
        return held

    @contextmanager
    def writer(self) -> Iterator[Writer]:
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

    def enqueue(self, kind: str, entries: Sequence[tuple[str, bytes]]) -> None:
        """Log entries ``(ref, entry)`` stored (committed) when this returns and appended to the
        log soon after (``sequencer.py``): for audit events, which must be stored before the read
        they record is answered, but need not wait for the log's lock to be."""
        with _translated(), self._queueing() as conn:
            self.journal.enqueue(conn, kind, entries)
        self.sequencer.soon()

    def sequence(self, *, if_waiting: bool = False) -> int:
        """Append what waits in the queue to the log, now; how many entries. ``if_waiting``:
        look first, and take the log's lock only if there is something."""
        if if_waiting:
            with _translated(), self.read_connection() as conn:
                if not self.journal.waiting(conn):
                    return 0
        with self.journal_transaction() as session:
            return session.drain()

    @contextmanager
    def _queueing(self) -> Iterator[sa.Connection]:
        """One INSERT in autocommit on PostgreSQL; SQLite's write transaction."""
        if self.read_engine is not self.engine:
            with self.read_connection() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.sequencer.close()
        self.engine.dispose()
        self.read_engine.dispose()


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
