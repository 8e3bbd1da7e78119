"""Re-check the log: every entry, every stored node, every checkpoint and its signature, and that
the log and the tables it covers agree (no revision or custody event added or removed).

Streams everything in index order, level by level, so 1 M entries take constant memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from ..errors import IntegrityFailure, Invalid
from ..model.revision import canonical, sha256_hex
from ..store import Problem
from ..store import schema as t
from ..store.integrity import streamed
from . import merkle
from .log import tree_root, tree_size
from .note import Verifier, open_checkpoint
from .timestamp import verify_token

__all__ = ["check_judgements", "check_log"]

E, N, C = t.ledger_entries.c, t.ledger_nodes.c, t.ledger_checkpoints.c


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
        yield from _compare_entries(rows, stored)


# What each kind of entry must contain: its key, and the ref spelt as the entry spells it.
_MARKS = {
    "revision": ('"state_sha256":', '"record":"{ref}"'),
    "custody": ('"custody":', '"sha256":"{ref}"'),
    "judgement": ('"verdict":', '"left_id":"{ref}"'),
    "audit": ('"audit":', '"ref":"{ref}"'),  # services/audit.py: who read what sensitive
}


def _compare_entries(rows: Iterator[Any], stored: Iterator[Any]) -> Iterator[Problem]:
    expected = 0
    for row in rows:
        key, ref = _MARKS.get(row.kind, ("\0", "\0"))
        if key not in row.entry or ref.format(ref=row.ref) not in row.entry:
            yield Problem(f"entry {row.idx}", "its kind or reference column was altered")
        if row.idx != expected:
            yield Problem(f"entry {expected}", f"missing: the next entry is {row.idx}")
            expected = row.idx
        raw = row.entry.encode("utf-8")
        if sha256_hex(raw) != row.digest:
            yield Problem(f"entry {row.idx}", f"altered (entry about {row.ref})")
        leaf = next(stored, None)
        if leaf is None or leaf.idx != row.idx or leaf.hash != merkle.leaf_hash(raw).hex():
            yield Problem(f"entry {row.idx}", f"does not match its leaf hash (about {row.ref})")
        expected += 1


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
        yield from _compare_level(level, size >> (level + 1), children, parents)


def _compare_level(
    level: int, count: int, children: Iterator[Any], parents: Iterator[Any]
) -> Iterator[Problem]:
    for index in range(count):
        left, right, parent = next(children, None), next(children, None), next(parents, None)
        where = f"node {level + 1}/{index}"
        if left is None or right is None or parent is None:
            yield Problem(where, "missing from the stored tree")
            return
        if (left.idx, right.idx, parent.idx) != (2 * index, 2 * index + 1, index):
            yield Problem(where, "missing from the stored tree")
            return
        expected = merkle.node_hash(bytes.fromhex(left.hash), bytes.fromhex(right.hash))
        if parent.hash != expected.hex():
            yield Problem(where, "altered: it is not the hash of its children")
    if next(parents, None) is not None:
        yield Problem(f"level {level + 1}", "holds nodes beyond the log's size")


def _check_checkpoints(conn: sa.Connection, verifiers: list[Verifier | str]) -> Iterator[Problem]:
    size = tree_size(conn)
    for row in conn.execute(sa.select(t.ledger_checkpoints).order_by(C.size)):
        where = f"checkpoint {row.size}"
        try:
            checkpoint, _ = open_checkpoint(row.note, verifiers)
        except (ValueError, IntegrityFailure):
            yield Problem(where, "its signature does not verify with the archive's log key")
            continue
        if checkpoint.size != row.size or checkpoint.root.hex() != row.root:
            yield Problem(where, "the stored size or root differs from the signed note")
        elif row.size > size:
            yield Problem(where, f"signs {row.size} entries but the log holds {size}: entries lost")
        elif tree_root(conn, row.size) != checkpoint.root:
            yield Problem(where, "the log no longer has the signed root (entries changed)")
        if row.timestamp_token is not None:
            yield from _check_timestamp(where, row)


def _check_timestamp(where: str, row: Any) -> Iterator[Problem]:
    try:
        verify_token(bytes(row.timestamp_token), row.note.encode("utf-8"), row.tsa_chain or "")
    except (IntegrityFailure, Invalid):
        yield Problem(where, "its trusted timestamp does not verify (RFC 3161)")


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
    """Each custody row is the event it says: its entry hashes to its digest and agrees with
    the columns shown to people (file and kind)."""
    c = t.custody_events.c
    with streamed(conn, sa.select(t.custody_events).order_by(c.id)) as rows:
        for row in rows:
            raw = row.entry.encode("utf-8")
            data = json.loads(row.entry)
            if sha256_hex(raw) != row.digest or (data.get("sha256"), data.get("custody")) != (
                row.sha256,
                row.kind,
            ):
                yield Problem(row.sha256, f"custody event {row.id} was altered")


def check_judgements(conn: sa.Connection) -> Iterator[Problem]:
    """Every judgement-log row is the entry logged for it, and the current judgements are what
    replaying that log gives (no verdict flipped, none deleted or added by hand)."""
    j, log = t.judgements.c, t.judgement_log.c
    replayed: dict[tuple[str, str], dict[str, Any]] = {}
    for row in conn.execute(sa.select(t.judgement_log).order_by(log.id)):
        fields = {k: getattr(row, k) for k in ("left_id", "right_id", "verdict", "actor", "at")}
        fields["reason"] = row.reason
        if sha256_hex(canonical(fields)) != row.digest:
            yield Problem(row.left_id, f"judgement log row {row.id} was altered")
        pair = (row.left_id, row.right_id)
        if row.verdict == "retracted":
            replayed.pop(pair, None)
        else:
            replayed[pair] = fields
    current = {
        (r.left_id, r.right_id): {
            k: getattr(r, k) for k in ("left_id", "right_id", "verdict", "actor", "at", "reason")
        }
        for r in conn.execute(sa.select(t.judgements).order_by(j.left_id, j.right_id))
    }
    for pair in sorted(set(replayed) | set(current)):
        if replayed.get(pair) != current.get(pair):
            yield Problem(pair[0], f"the judgement with {pair[1]} differs from its log")
