"""Re-check what is stored against its own hashes: every revision, every chain, every current row.

Reads everything once, in record order, streaming (1 M revisions need no more memory than one
record's history). Each problem names the record id and what is wrong, never record contents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..model.revision import canonical, canonical_flat, envelope, sha256_hex
from . import schema as t

__all__ = ["Problem", "check_records", "streamed"]

_YIELD = 5000


@dataclass(frozen=True)
class Problem:
    """One thing that does not match. ``subject`` is a record id, a hash or a ledger index."""

    subject: str
    what: str


def check_records(conn: sa.Connection) -> Iterator[Problem]:
    """Every problem with revisions (hashes, chain, numbering) and current rows."""
    current = sa.select(t.records).order_by(t.records.c.id)
    history = sa.select(t.revisions).order_by(t.revisions.c.record_id, t.revisions.c.seq)
    with streamed(conn, current) as rows, streamed(conn, history) as revs:
        yield from _merge(rows, revs)


def _merge(rows: Iterator[Any], revs: Iterator[Any]) -> Iterator[Problem]:
    row = next(rows, None)
    for record_id, history in _grouped(revs):
        while row is not None and row.id < record_id:
            yield Problem(row.id, "current row has no revisions (inserted outside the writer?)")
            row = next(rows, None)
        yield from _check_history(record_id, history)
        if row is None or row.id != record_id:
            yield Problem(record_id, "revisions exist but the current row is missing (deleted?)")
        else:
            yield from _check_row(row, history[-1])
            row = next(rows, None)
    while row is not None:
        yield Problem(row.id, "current row has no revisions (inserted outside the writer?)")
        row = next(rows, None)


@contextmanager
def streamed(conn: sa.Connection, query: Any) -> Iterator[Iterator[Any]]:
    """Rows read in batches through a server-side cursor, closed even if the reader stops early
    (PostgreSQL keeps an unclosed cursor open until the connection ends)."""
    result = conn.execution_options(stream_results=True, yield_per=_YIELD).execute(query)
    try:
        yield iter(result)
    finally:
        result.close()


def _grouped(revs: Iterator[Any]) -> Iterator[tuple[str, list[Any]]]:
    current: list[Any] = []
    for rev in revs:
        if current and rev.record_id != current[0].record_id:
            yield current[0].record_id, current
            current = []
        current.append(rev)
    if current:
        yield current[0].record_id, current


def _full_state(data: str, sensitive: str | None) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(data)
    if sensitive:
        state.update(json.loads(sensitive))
    return state


def _check_history(record_id: str, history: list[Any]) -> Iterator[Problem]:
    prev: str | None = None
    for expected_seq, rev in enumerate(history, start=1):
        where = f"revision {rev.seq}"
        if rev.seq != expected_seq:
            yield Problem(record_id, f"{where}: expected revision {expected_seq} (one missing?)")
        if rev.prev_sha256 != prev:
            yield Problem(record_id, f"{where}: does not chain to the revision before it")
        stated = json.loads(rev.state)
        if _state_hash(rev) != rev.state_sha256 or stated.get("id") != record_id:
            yield Problem(record_id, f"{where}: state does not match its state_sha256")
        elif stated.get("record_kind") != rev.kind:
            yield Problem(record_id, f"{where}: stored as a {rev.kind}, its state says otherwise")
        env = envelope(record_id, rev.seq, rev.actor, rev.at, rev.reason, rev.state_sha256, prev)
        if sha256_hex(canonical_flat(env)) != rev.sha256:
            yield Problem(record_id, f"{where}: revision does not match its sha256")
        prev = rev.sha256


def _state_hash(rev: Any) -> str:
    # Without sensitive fields the stored text *is* the canonical state that was hashed, so the
    # bytes are hashed as they are; with them, the two parts are merged and canonicalised again.
    if not rev.sensitive:
        return sha256_hex(rev.state.encode("utf-8"))
    return sha256_hex(canonical(_full_state(rev.state, rev.sensitive)))


def _check_row(row: Any, last: Any) -> Iterator[Problem]:
    same = (
        row.kind == last.kind
        and row.revision == last.seq
        and row.sha256 == last.sha256
        and row.data == last.state
        and row.sensitive == last.sensitive
    )
    if not same:
        yield Problem(row.id, f"current row differs from its last revision ({last.seq})")
    declared = json.loads(row.data).get("confidentiality")
    if declared != row.confidentiality:
        yield Problem(row.id, "current row's confidentiality column differs from its data")
