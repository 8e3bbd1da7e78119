"""Re-check the log: every entry, every stored node, every checkpoint and its signature, and that
the log and the tables it covers agree (no revision or custody event added or removed).

Streams everything in index order, level by level, so 1 M entries take constant memory. The
checks over rows are ``sviedka.ledger.verify`` (pure); the coverage checks are SQL, here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import sqlalchemy as sa

from ...ledger.note import Verifier
from ...ledger.verify import (
    Finding,
    check_checkpoint,
    check_custody,
    compare_entries,
    compare_level,
    replay_judgements,
)
from .. import schema as t
from ..integrity import Problem, streamed
from .log import tree_root, tree_size

__all__ = ["check_judgements", "check_log"]

E, N, C = t.ledger_entries.c, t.ledger_nodes.c, t.ledger_checkpoints.c


def _problems(findings: Iterable[Finding]) -> Iterator[Problem]:
    return (Problem(*finding) for finding in findings)


def check_log(conn: sa.Connection, verifiers: Iterable[Verifier | str]) -> Iterator[Problem]:
    """Every problem with the log, each naming an entry index, a record id or a file hash."""
    size = tree_size(conn)
    yield from _check_entries(conn)
    nodes_ok = True
    for level in range(max(size.bit_length(), 1)):
        found = list(_check_level(conn, level, size))
        nodes_ok = nodes_ok and not found
        yield from found
    yield from _check_beyond(conn, size)
    if nodes_ok:
        yield from _check_checkpoints(conn, list(verifiers))
    yield from _check_coverage(conn)
    yield from _check_custody_rows(conn)
    yield from check_judgements(conn)


def _check_entries(conn: sa.Connection) -> Iterator[Problem]:
    leaves = sa.select(N.idx, N.hash).where(N.level == 0).order_by(N.idx)
    entries = sa.select(t.ledger_entries).order_by(E.idx)
    with streamed(conn, leaves) as stored, streamed(conn, entries) as rows:
        yield from _problems(compare_entries(rows, stored))


def _check_beyond(conn: sa.Connection, size: int) -> Iterator[Problem]:
    """No stored leaf or node may lie beyond the log's size: a planted one would block every
    later write, and leftovers are what a deleted tail leaves behind."""
    beyond = sa.or_(sa.and_(N.level == 0, N.idx >= size), N.level > max(size.bit_length(), 1))
    count = conn.scalar(sa.select(sa.func.count()).select_from(t.ledger_nodes).where(beyond))
    if count:
        yield Problem("log", f"{count} stored node(s) lie beyond its {size} entries (tail cut?)")


def _check_level(conn: sa.Connection, level: int, size: int) -> Iterator[Problem]:
    """Nodes of ``level + 1`` must be the hashes of their two children on ``level``."""
    below = sa.select(N.idx, N.hash).where(N.level == level).order_by(N.idx)
    above = sa.select(N.idx, N.hash).where(N.level == level + 1).order_by(N.idx)
    with streamed(conn, below) as children, streamed(conn, above) as parents:
        yield from _problems(compare_level(level, size >> (level + 1), children, parents))


def _check_checkpoints(conn: sa.Connection, verifiers: list[Verifier | str]) -> Iterator[Problem]:
    size = tree_size(conn)
    root = partial(tree_root, conn)
    for row in conn.execute(sa.select(t.ledger_checkpoints).order_by(C.size)):
        yield from _problems(check_checkpoint(row, verifiers, size, root))


def _check_coverage(conn: sa.Connection) -> Iterator[Problem]:
    """Every revision, custody event and judgement is in the log, and every such log entry
    still exists."""
    r, c, g = t.revisions.c, t.custody_events.c, t.judgement_log.c
    for table, digest, label, ref in (
        (t.revisions, r.sha256, "revision", r.record_id),
        (t.custody_events, c.digest, "custody", c.sha256),
        (t.judgement_log, g.digest, "judgement", g.left_id),
    ):
        yield from _logged_but_gone(conn, digest, label)
        yield from _stored_but_unlogged(conn, table, digest, label, ref)


def _logged_but_gone(conn: sa.Connection, digest: Any, label: str) -> Iterator[Problem]:
    kept = sa.exists().where(digest == E.digest)  # the table's own index on its digest
    query = sa.select(E.ref, E.idx).where(E.kind == label, ~kept).order_by(E.idx)
    for row in conn.execute(query):
        yield Problem(row.ref, f"the {label} logged as entry {row.idx} is gone (deleted?)")


def _stored_but_unlogged(
    conn: sa.Connection, table: sa.Table, digest: Any, label: str, ref: Any
) -> Iterator[Problem]:
    """Rows whose digest is not in the log. Every logged digest has a row (checked above), so
    equal counts of rows, entries and distinct entries mean each row is logged once; only
    when they differ are the logged digests gathered, to name the rows."""

    def count(query: Any) -> int:
        return int(conn.scalar(query) or 0)

    entries = sa.select(E.digest).where(E.kind == label)
    rows = count(sa.select(sa.func.count()).select_from(table))
    logged = count(sa.select(sa.func.count()).select_from(entries.subquery()))
    distinct = count(sa.select(sa.func.count(sa.distinct(E.digest))).where(E.kind == label))
    if rows == logged == distinct:
        return
    known = set(conn.scalars(entries))
    for row in conn.execute(sa.select(ref.label("ref"), digest.label("digest"))):
        if row.digest not in known:
            yield Problem(row.ref, f"a {label} is not in the log (added outside the writer?)")


def _check_custody_rows(conn: sa.Connection) -> Iterator[Problem]:
    c = t.custody_events.c
    with streamed(conn, sa.select(t.custody_events).order_by(c.id)) as rows:
        for row in rows:
            yield from _problems(check_custody(row))


def check_judgements(conn: sa.Connection) -> Iterator[Problem]:
    """Every judgement-log row is the entry logged for it, and the current judgements are what
    replaying that log gives (no verdict flipped, none deleted or added by hand)."""
    j, log = t.judgements.c, t.judgement_log.c
    history = _rows(conn, sa.select(t.judgement_log).order_by(log.id))
    current = _rows(conn, sa.select(t.judgements).order_by(j.left_id, j.right_id))
    yield from _problems(replay_judgements(history, current))


def _rows(conn: sa.Connection, query: Any) -> Iterator[Any]:
    """The rows of ``query``, read when first asked for (the log before the current rows)."""
    yield from conn.execute(query)
