"""Lists the pages show beside a record or on the dashboard, each of what a view admits: the
evidence naming some records, the latest revisions, the pairs judged "unsure", the levels and
the grants behind search hits."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ..model import Confidentiality, Record, Verdict
from . import schema as t
from .base import Judgement, View
from .reading import condition, connection
from .rows import judgement_of, record_of, state_of
from .scoped import ScopedView
from .scoping import granted_ids

__all__ = ["Change", "granted_restricted", "latest_changes", "levels_of", "naming", "unsure_pairs"]

_CHUNK = 500  # ids per statement: under SQLite's bound-parameter limit


def naming(view: View, kind: str, ids: Iterable[str], *, limit: int) -> list[Record]:
    """Records of ``kind`` the view admits whose stored JSON names one of ``ids`` (an id in
    canonical JSON is ``"<id>"``), newest first, at most ``limit``: candidates, for the caller
    to check on the decoded record."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    data = t.records.c.data
    named = sa.or_(*(data.contains(json.dumps(i), autoescape=True) for i in wanted))
    query = sa.select(t.records).where(t.records.c.kind == kind, condition(view), named)
    rows = connection(view).execute(query.order_by(t.records.c.id.desc()).limit(limit))
    return [record_of(row.kind, row.id, state_of(row.data, row.sensitive)) for row in rows]


@dataclass(frozen=True)
class Change:
    """One revision of a record: the record as it is now, and who changed it, when and why."""

    record: Record
    seq: int
    actor: str
    at: str
    reason: str | None


def latest_changes(view: View, *, limit: int) -> list[Change]:
    """The latest revisions of records the view admits, newest first."""
    r, v = t.records.c, t.revisions.c
    query = (
        sa.select(v.seq, v.actor, v.at, v.reason, r.id, r.kind, r.data, r.sensitive)
        .join(t.records, r.id == v.record_id)
        .where(condition(view))
        .order_by(v.id.desc())
        .limit(limit)
    )
    return [
        Change(
            record_of(row.kind, row.id, state_of(row.data, row.sensitive)),
            row.seq,
            row.actor,
            row.at,
            row.reason,
        )
        for row in connection(view).execute(query)
    ]


def unsure_pairs(view: View, *, limit: int) -> list[Judgement]:
    """Pairs judged "unsure", latest first, both of whose records the view admits (so that
    others never push them off the list)."""
    j = t.judgements.c
    admitted = sa.select(t.records.c.id).where(condition(view))
    query = sa.select(t.judgements).where(
        j.verdict == Verdict.UNSURE.value, j.left_id.in_(admitted), j.right_id.in_(admitted)
    )
    rows = connection(view).execute(query.order_by(j.at.desc()).limit(limit))
    return [judgement_of(row) for row in rows]


def levels_of(view: View, ids: Iterable[str]) -> dict[str, Confidentiality]:
    """The level of each of ``ids`` the view admits."""
    r = t.records.c
    wanted = sorted(set(ids))
    conn, found = connection(view), {}
    for i in range(0, len(wanted), _CHUNK):
        query = sa.select(r.id, r.confidentiality).where(
            r.id.in_(wanted[i : i + _CHUNK]), condition(view)
        )
        found.update({row.id: Confidentiality(row.confidentiality) for row in conn.execute(query)})
    return found


def granted_restricted(view: View) -> frozenset[str]:
    """The ids of the restricted records the view admits by a grant to one of its compartments
    (none for an unscoped view: it admits every restricted record without one)."""
    if not isinstance(view, ScopedView) or not view.scope.compartments:
        return frozenset()
    return frozenset(connection(view).scalars(granted_ids(view.scope.compartments)))
