"""The persisted transparency log: entries and perfect-subtree nodes in the archive's database.

The hashing is ``sviedka.ledger.merkle``'s (pure); this module only reads and writes its rows.

Every writing transaction opens a `LedgerSession` (the store's journal seam). It appends each
revision, custody event and judgement, and writes the entries and the new tree nodes in the same
transaction, so that a write and its log entry commit or vanish together. On PostgreSQL the
session takes a transaction-level advisory lock first, so the log grows in one order and two
writers can never deadlock on it; SQLite has one writer anyway. The lock is keyed by the
archive's schema as well, so that archives in different schemas of one database (tests, several
archives on one server) never wait for each other's writes.

Entries that must be stored at once but need not wait for that lock (the audit events of reads)
are queued instead (``LedgerJournal.enqueue``: one INSERT) and appended by the next session that
drains the queue (``LedgerSession.drain``), in the order they were queued: Trillian's split of
queueing leaves from sequencing them. ``store/sequencer.py`` drains soon after every enqueue.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from ...ledger import merkle
from ...model.revision import sha256_hex
from .. import schema as t

__all__ = ["LedgerJournal", "LedgerSession", "fetch_nodes", "getter_for", "tree_root", "tree_size"]

_LOCK_KEY = 0x5F1ED6E5  # arbitrary, fixed: serialises appends to the log on PostgreSQL
# two-key form: (this lock, the archive's schema); coalesce, as a NULL key would lock nothing
_LOCK = sa.text("SELECT pg_advisory_xact_lock(:k, hashtext(coalesce(current_schema(), '')))")
E, N, Q = t.ledger_entries.c, t.ledger_nodes.c, t.ledger_queue.c
_TAKE = sa.delete(t.ledger_queue).returning(Q.seq, Q.kind, Q.ref, Q.entry)
_WAITING = sa.select(Q.seq).limit(1)


class LedgerJournal:
    """The store's journal: every writing transaction appends to the log."""

    def open(self, tx: Any) -> LedgerSession:
        return LedgerSession(tx)

    def enqueue(self, tx: sa.Connection, kind: str, entries: Sequence[tuple[str, bytes]]) -> None:
        """One statement, so that in autocommit (PostgreSQL) the entries are queued all or
        none; on SQLite, ``tx`` is a transaction."""
        _insert(
            tx, t.ledger_queue, [{"kind": kind, "ref": r, "entry": e.decode()} for r, e in entries]
        )

    def waiting(self, tx: sa.Connection) -> bool:
        return tx.execute(_WAITING).first() is not None


class LedgerSession:
    def __init__(self, tx: sa.Connection) -> None:
        self.tx = tx
        if tx.dialect.name == "postgresql":
            tx.execute(_LOCK, {"k": _LOCK_KEY})
        self._size: int | None = None
        self._front: list[bytes] = []
        self._pending: list[dict[str, Any]] = []

    def append(self, kind: str, ref: str, entry: bytes) -> None:
        if self._size is None:
            self._size = tree_size(self.tx)
            self._front = merkle.frontier(self._size, _getter(self.tx, self._size))
        index = self._size + len(self._pending)
        row = {"idx": index, "kind": kind, "ref": ref, "entry": entry.decode("utf-8")}
        self._pending.append(row | {"digest": sha256_hex(entry)})

    def drain(self) -> int:
        """Take every queued entry off the queue (one ``DELETE … RETURNING``: exactly the rows
        it removes, even while others queue more) and append them, oldest first."""
        taken = sorted(self.tx.execute(_TAKE).all(), key=lambda row: int(row.seq))
        for row in taken:
            self.append(row.kind, row.ref, row.entry.encode("utf-8"))
        return len(taken)

    def flush(self) -> None:
        if not self._pending:
            return
        assert self._size is not None
        leaves = [merkle.leaf_hash(r["entry"].encode("utf-8")) for r in self._pending]
        nodes, self._front = merkle.append_leaves(self._size, self._front, leaves)
        _insert(self.tx, t.ledger_entries, self._pending)
        _insert(
            self.tx,
            t.ledger_nodes,
            [{"level": lv, "idx": i, "hash": h.hex()} for lv, i, h in nodes],
        )
        self._size += len(self._pending)
        self._pending = []


def _insert(tx: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Many rows in one statement over arrays on PostgreSQL (an ``executemany`` costs CPU per
    row: a drain of the queue or an import appends thousands); SQLite's ``executemany``."""
    if len(rows) > 1 and tx.dialect.name == "postgresql":
        tx.execute(_unnest(table.name), {name: [row[name] for row in rows] for name in rows[0]})
    elif rows:
        tx.execute(sa.insert(table), rows if len(rows) > 1 else rows[0])


@functools.lru_cache(maxsize=8)
def _unnest(name: str) -> sa.TextClause:
    """``INSERT … SELECT * FROM unnest(:column, …)`` for the log's table ``name``."""
    table = t.metadata.tables[name]
    columns = [c for c in table.columns if c.name in _ARRAYS[name]]
    arrays = ", ".join(f"CAST(:{c.name} AS {_ARRAYS[name][c.name]}[])" for c in columns)
    names = ", ".join(c.name for c in columns)
    return sa.text(f"INSERT INTO {name} ({names}) SELECT * FROM unnest({arrays})")


_ARRAYS = {
    "ledger_queue": {"kind": "text", "ref": "text", "entry": "text"},
    "ledger_entries": {
        "idx": "bigint",
        "kind": "text",
        "ref": "text",
        "entry": "text",
        "digest": "text",
    },
    "ledger_nodes": {"level": "smallint", "idx": "bigint", "hash": "text"},
}


def tree_size(conn: sa.Connection) -> int:
    """How many entries the log holds."""
    last = conn.scalar(sa.select(sa.func.max(E.idx)))
    return 0 if last is None else int(last) + 1


def fetch_nodes(
    conn: sa.Connection, coords: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], bytes]:
    """Stored hashes of the given perfect nodes, in one query per few hundred nodes.

    Spelt as ``(level = ? AND idx = ?) OR …``: SQLite answers that from the primary key, while a
    row-value ``IN`` made it scan every node (150 ms per proof at 1 M entries). The statement for
    each number of nodes is built once: compiling it anew cost most of a proof's time.
    """
    wanted = sorted(set(coords))
    found: dict[tuple[int, int], bytes] = {}
    for i in range(0, len(wanted), 200):
        chunk = wanted[i : i + 200]
        params = {f"l{k}": lv for k, (lv, _) in enumerate(chunk)}
        params |= {f"i{k}": ix for k, (_, ix) in enumerate(chunk)}
        rows = conn.execute(_nodes_query(len(chunk)), params)
        found.update({(r.level, r.idx): bytes.fromhex(r.hash) for r in rows})
    return found


@functools.lru_cache(maxsize=256)
def _nodes_query(count: int) -> Any:
    pairs = (
        sa.and_(N.level == sa.bindparam(f"l{k}"), N.idx == sa.bindparam(f"i{k}"))
        for k in range(count)
    )
    return sa.select(N.level, N.idx, N.hash).where(sa.or_(*pairs))


def _getter(conn: sa.Connection, size: int) -> merkle.Getter:
    nodes = fetch_nodes(conn, merkle.frontier_nodes(size))
    return lambda level, index: nodes[(level, index)]


def getter_for(conn: sa.Connection, coords: Sequence[tuple[int, int]]) -> merkle.Getter:
    """A ``get`` for merkle functions that needs exactly ``coords``, fetched in one go."""
    nodes = fetch_nodes(conn, coords)
    return lambda level, index: nodes[(level, index)]


def tree_root(conn: sa.Connection, size: int) -> bytes:
    """MTH of the first ``size`` entries, from O(log n) stored nodes."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return merkle.root(size, getter_for(conn, merkle.range_nodes(0, size)))
