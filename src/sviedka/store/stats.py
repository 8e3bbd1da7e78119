"""The statistics' reads, in one snapshot: persons held (headlines, breakdowns), the flows in
and out, the names of the facilities a breakdown shows, and the state of the archive a result
was computed on. The counting rules are in ``docs/statistics.md``; the SQL over the spell index
is in ``spell_counts.py``; ``services.analysis.stats`` shapes the results and states the method.

Which spells count is ``Who``: its confidentiality levels are applied here, on the spells' own
levels and their persons' (``Who.conditions``), so that a record below no one's sight is neither
counted nor named. ``levels_of(principal)`` gives the levels a principal's read scope counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..model import Confidentiality, EndMode, Record, Vocabulary
from ..policy import Principal, read_scope
from . import schema as t
from .rows import stored_of
from .spell_counts import (
    Breakdown,
    Query,
    Who,
    count_persons,
    held_counts,
    held_query,
    in_range,
    same_pairs,
)
from .spells import Bound
from .sql import SqlStore
from .view import SqlView

__all__ = ["ArchiveState", "Counts", "archive_state", "clusters", "counting", "levels_of"]

S = t.spells.c
_COUNTED_KINDS = frozenset({"person", "detention"})  # a spell is a detention of a person


@dataclass(frozen=True)
class ArchiveState:
    """What the numbers were computed on: the latest signed checkpoint, the size of the log now,
    and the latest revision (revisions are numbered from 1 as they are written)."""

    checkpoint_size: int | None
    checkpoint_root: str | None
    log_size: int
    revisions: int
    latest_revision_at: str | None


def levels_of(principal: Principal) -> frozenset[Confidentiality]:
    """The levels whose spells count for ``principal``: those its read scope opens without a
    grant (restricted only for the custodian: compartments are per record, and a count would
    tell of the records not granted); none if it may not read persons and detentions."""
    scope = read_scope(principal)
    if scope.kinds is not None and not scope.kinds >= _COUNTED_KINDS:
        return frozenset()
    return scope.open_levels


def clusters(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{person: canonical}`` for every person in a cluster of two or more; the canonical id
    is the smallest (earliest-created) member, as ``View.cluster`` names it."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {x: root(x) for x in parent}


@contextmanager
def counting(store: SqlStore, who: Who) -> Iterator[Counts]:
    """Counts of ``who`` within one snapshot of the store (every count sees the same moment)."""
    with store.snapshot() as conn:
        yield Counts(conn, who)


class Counts:
    """Counts within one snapshot, with the resolver's clusters read once."""

    def __init__(self, conn: sa.Connection, who: Who) -> None:
        self.conn, self.who = conn, who
        self.canonical = clusters(same_pairs(conn, who.levels))

    def _count(self, query: Query) -> dict[Any, int]:
        return count_persons(self.conn, query, self.canonical)

    def held(self, days: Sequence[date]) -> list[dict[Bound, int]]:
        """Persons held on each of ``days``, in each reading."""
        return held_counts(self.conn, days, self.who, self.canonical)

    def held_by(self, on: date, by: Breakdown, bound: Bound) -> dict[Any, int]:
        """Persons held on ``on`` in the reading ``bound``, by the breakdown's key (None: the
        key is unknown)."""
        return self._count(held_query(on, bound, self.who, by))

    def flow(self, name: str, mode: EndMode | None, start: date, end: date) -> dict[str, int]:
        """Persons whose event (``recognised``, ``detained``, ``released`` by ``mode`` or by
        any, ``died``) falls from ``start`` to ``end``: certain, possible and undated."""
        lo, hi, kind = _flow_dates(name, mode)
        who = self._who_flows(name)
        found: dict[str, int] = {}
        for bound in (Bound.CERTAIN, Bound.POSSIBLE):
            where = (in_range(lo, hi, start, end, bound), kind, *who)
            found[bound.value] = self._count(Query(t.spells, None, where)).get(None, 0)
        undated = (lo.is_(None), kind, *who)
        if name in ("released", "died"):  # only ends that may fall before the range's end
            undated += (sa.or_(S.start_lo.is_(None), S.start_lo <= end),)
        found["undated"] = self._count(Query(t.spells, None, undated)).get(None, 0)
        return found

    def _who_flows(self, name: str) -> list[sa.ColumnElement[bool]]:
        who = self.who if name != "recognised" else Who(self.who.levels)
        return who.conditions(date.max, Bound.POSSIBLE)  # no date: recognition by then is not asked

    def record_at(self, record_id: str, levels: Iterable[Confidentiality]) -> Record | None:
        """The record (a facility a breakdown names) if it is at one of ``levels``."""
        r = t.records.c
        shown = sorted(level.value for level in levels)
        query = sa.select(t.records).where(r.id == record_id, r.confidentiality.in_(shown))
        row = self.conn.execute(query).first()
        return None if row is None else stored_of(row).record

    def vocabulary(self, name: str) -> Vocabulary:
        return SqlView(self.conn).vocabulary(name)

    def archive_state(self) -> ArchiveState:
        return archive_state(self.conn)


def _flow_dates(
    name: str, mode: EndMode | None
) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any], sa.ColumnElement[bool]]:
    """The date bounds of the event a flow counts, and which spells have that event."""
    if name == "recognised":
        return S.recognised_lo, S.recognised_hi, S.recognised == sa.true()
    if name == "detained":
        return S.start_lo, S.start_hi, sa.true()
    if mode is None:
        kind = sa.and_(S.end_mode.is_not(None), S.end_mode != EndMode.DEATH.value)
    else:
        kind = S.end_mode == mode.value
    return S.end_date_lo, S.end_date_hi, kind


def archive_state(conn: sa.Connection) -> ArchiveState:
    """The latest signed checkpoint, the log's size, and the latest revision's number and time,
    in one statement of lookups by primary key (counting rows would cost more than the
    statistics)."""
    C, E, R = t.ledger_checkpoints.c, t.ledger_entries.c, t.revisions.c
    checkpoint = sa.select(C.size, C.root).order_by(C.size.desc()).limit(1).subquery()
    revision = sa.select(R.id, R.at).order_by(R.id.desc()).limit(1).subquery()
    last = sa.select(sa.func.max(E.idx)).scalar_subquery()
    one = sa.select(sa.literal(1).label("one")).subquery()
    joined = one.outerjoin(checkpoint, sa.true()).outerjoin(revision, sa.true())
    query = sa.select(
        checkpoint.c.size, checkpoint.c.root, last.label("last"), revision.c.id, revision.c.at
    ).select_from(joined)
    return _state(conn.execute(query).one())


def _state(row: Any) -> ArchiveState:
    size = None if row.size is None else int(row.size)
    log_size = 0 if row.last is None else int(row.last) + 1
    number, at = (0, None) if row.id is None else (int(row.id), str(row.at))
    root = None if row.root is None else bytes.fromhex(row.root).hex()
    return ArchiveState(size, root, log_size, number, at)
