"""Counting persons held, from the detention-spell index (``spells.py``).

"Held on D" is a prefix sum over ``spell_days`` for the classes asked (one query for any number
of days), corrected by the rows of the few persons it cannot count alone: those whose spells are
of several classes (``mixed``) and those the resolver judged the same as another (their clusters
are read at query time and each clustered person is looked up by id). Breakdowns and flows join
the side tables and count distinct persons.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import accumulate
from typing import Any

import sqlalchemy as sa

from ..model import Verdict
from . import schema as t
from .scoping import bound as bound_values
from .spells import Bound, chunked

__all__ = [
    "Breakdown",
    "Query",
    "Who",
    "count_persons",
    "held",
    "held_counts",
    "held_query",
    "in_range",
    "same_pairs",
]

S = t.spells.c
Row = Mapping[str, Any]


class Breakdown(StrEnum):
    """What a count can be broken down by."""

    ARTICLE = "article"
    FACILITY = "facility"
    REGION = "region"
    GENDER = "gender"
    PENALTY = "penalty"
    YEAR_OF_ARREST = "year-of-arrest"


@dataclass(frozen=True)
class Who:
    """Which spells count: visible to the caller, and recognised (as of when)."""

    levels: frozenset[str] | None = None  # confidentiality levels the caller sees; None: all
    all_detentions: bool = False
    recognised_by_date: bool = False

    def conditions(self, on: date, bound: Bound) -> list[sa.ColumnElement[bool]]:
        found: list[sa.ColumnElement[bool]] = []
        if self.levels is not None:
            levels = bound_values(sorted(self.levels))
            found += [S.confidentiality.in_(levels), S.person_confidentiality.in_(levels)]
        if not self.all_detentions:
            found.append(S.recognised == sa.true())
            if self.recognised_by_date and bound is Bound.CERTAIN:
                found.append(S.recognised_hi <= on)
            elif self.recognised_by_date:
                found.append(sa.or_(S.recognised_lo <= on, S.recognised_lo.is_(None)))
        return found


@dataclass(frozen=True)
class Query:
    """Spells to count persons of: from where, keyed by what, under which conditions."""

    source: sa.FromClause
    key: sa.ColumnElement[Any] | None  # None: one count for all
    where: tuple[sa.ColumnElement[bool], ...]


def held(on: date, bound: Bound) -> sa.ColumnElement[bool]:
    """The spell covers day ``on`` in the reading ``bound``; its end day is not held."""
    if bound is Bound.CERTAIN:
        return sa.and_(S.start_hi <= on, S.end_lo > on)
    if bound is Bound.POSSIBLE:
        return sa.and_(S.start_lo <= on, S.end_hi > on)
    return sa.and_(S.end_hi > on, sa.or_(S.start_lo <= on, S.start_lo.is_(None)))


def held_counts(
    conn: sa.Connection, days: Sequence[date], who: Who, canonical: Mapping[str, str]
) -> list[dict[Bound, int]]:
    """Persons held on each of ``days``, in each reading, each resolver cluster once.

    Persons who are neither mixed nor clustered are a prefix sum over ``spell_days`` (one query
    for all the days); the mixed and clustered ones are counted from their own rows, read once.
    When recognition must be dated by the day, ``spell_days`` cannot tell: every day is counted
    from the spells."""
    if who.recognised_by_date:
        return [_counted_from_spells(conn, day, who, canonical) for day in days]
    found = _prefix_sums(conn, days, who)
    rows = _rows_apart(conn, days, who, canonical)
    mixed = {r["person_id"] for r in rows if r["mixed"]}  # not in the sums
    for day, counts in zip(days, found, strict=True):
        for bound in Bound:
            persons = {r["person_id"] for r in rows if _holds(r, day, bound)}
            counts[bound] += len({canonical.get(p, p) for p in persons}) - len(persons - mixed)
    return found


def _counted_from_spells(
    conn: sa.Connection, day: date, who: Who, canonical: Mapping[str, str]
) -> dict[Bound, int]:
    return {b: count_persons(conn, held_query(day, b, who), canonical).get(None, 0) for b in Bound}


def _prefix_sums(conn: sa.Connection, days: Sequence[date], who: Who) -> list[dict[Bound, int]]:
    """``spell_days`` summed up to each day (each person counted once, mixed ones not at all):
    summed in SQL for one day, else per day in SQL and accumulated here."""
    D = t.spell_days.c
    query = _summed(who)
    if len(days) == 1:
        rows = conn.execute(query.group_by(D.bound), {"last": days[0]})
        return [_readings({Bound(r.bound): int(r.n or 0) for r in rows})]
    changes: dict[Bound, list[tuple[date, int]]] = {bound: [] for bound in Bound}
    by_day = query.add_columns(D.day).group_by(D.bound, D.day).order_by(D.day)
    for row in conn.execute(by_day, {"last": max(days)}):
        changes[Bound(row.bound)].append((row.day, int(row.n)))
    totals = {bound: list(accumulate(n for _, n in found)) for bound, found in changes.items()}
    starts = {bound: [day for day, _ in found] for bound, found in changes.items()}
    return [
        _readings(
            {b: (totals[b][i - 1] if (i := bisect_right(starts[b], day)) else 0) for b in Bound}
        )
        for day in days
    ]


@lru_cache(maxsize=64)
def _summed(who: Who) -> sa.Select[Any]:
    """``spell_days`` summed up to the day ``:last``, as ``who`` may count: built once per
    ``who`` (and compiled once), for the busiest statistic."""
    D = t.spell_days.c
    total = sa.func.sum(D.delta).label("n")
    query = sa.select(D.bound, total).where(D.day <= sa.bindparam("last", type_=D.day.type))
    if not who.all_detentions:
        query = query.where(D.recognised == sa.true())
    if who.levels is not None:
        levels = bound_values(sorted(who.levels))
        query = query.where(D.confidentiality.in_(levels), D.person_confidentiality.in_(levels))
    return query


def _readings(sums: Mapping[Bound, int]) -> dict[Bound, int]:
    """``spell_days`` keeps what each reading adds to the one before (see spells.py)."""
    certain = sums.get(Bound.CERTAIN, 0)
    possible = certain + sums.get(Bound.POSSIBLE, 0)
    return {
        Bound.CERTAIN: certain,
        Bound.POSSIBLE: possible,
        Bound.ANY: possible + sums.get(Bound.ANY, 0),
    }


def _rows_apart(
    conn: sa.Connection, days: Sequence[date], who: Who, canonical: Mapping[str, str]
) -> list[Row]:
    """The spells of mixed and of clustered persons that may hold them on one of ``days``,
    visible and recognised as ``who`` asks."""
    spanned = {"first": min(days), "last": max(days)}
    found = {row.detention_id: row._mapping for row in conn.execute(_apart(who), spanned)}
    for chunk in chunked(sorted(canonical)):
        query = _apart(who, mixed=False).where(S.person_id.in_(chunk))
        found.update({row.detention_id: row._mapping for row in conn.execute(query, spanned)})
    return [dict(row) for row in found.values()]


@lru_cache(maxsize=128)
def _apart(who: Who, *, mixed: bool = True) -> sa.Select[Any]:
    """The spells (of mixed persons, or of any to narrow) that may hold someone between the
    days ``:first`` and ``:last``, visible and recognised as ``who`` asks."""
    columns = (S.detention_id, S.person_id, S.mixed, S.start_lo, S.start_hi, S.end_lo, S.end_hi)
    day = S.end_hi.type
    conditions = [
        S.end_hi > sa.bindparam("first", type_=day),
        sa.or_(S.start_lo <= sa.bindparam("last", type_=day), S.start_lo.is_(None)),
        *who.conditions(date.max, Bound.POSSIBLE),  # recognition dates are not asked here
    ]
    query = sa.select(*columns).where(*conditions)
    return query.where(S.mixed == sa.true()) if mixed else query


def _holds(row: Row, day: date, bound: Bound) -> bool:
    """``held`` below, for one row in Python."""
    start_lo, start_hi = row["start_lo"], row["start_hi"]
    if bound is Bound.CERTAIN:
        return bool(start_hi is not None and start_hi <= day < row["end_lo"])
    if bound is Bound.POSSIBLE:
        return bool(start_lo is not None and start_lo <= day < row["end_hi"])
    return bool((start_lo is None or start_lo <= day) and day < row["end_hi"])


def held_query(on: date, bound: Bound, who: Who, by: Breakdown | None = None) -> Query:
    """Spells held on ``on``, keyed by the breakdown."""
    source, key = _grouping(on, bound, by)
    return Query(source, key, (held(on, bound), *who.conditions(on, bound)))


def _grouping(
    on: date, bound: Bound, by: Breakdown | None
) -> tuple[sa.FromClause, sa.ColumnElement[Any] | None]:
    sure = bound is Bound.CERTAIN
    if by is None:
        return t.spells, None
    if by is Breakdown.YEAR_OF_ARREST:
        return t.spells, S.arrest_year
    if by in (Breakdown.REGION, Breakdown.GENDER):
        P = t.spell_persons.c
        joined = t.spells.outerjoin(t.spell_persons, P.person_id == S.person_id)
        return joined, (P.region if by is Breakdown.REGION else P.gender)
    if by is Breakdown.ARTICLE:
        C = t.spell_charges.c
        in_force = _covers(C.added_lo, C.added_hi, C.dropped_lo, C.dropped_hi, on, sure)
        on_clause = sa.and_(C.detention_id == S.detention_id, in_force)
        return t.spells.outerjoin(t.spell_charges, on_clause), C.article
    if by is Breakdown.FACILITY:
        P = t.spell_placements.c
        there = _covers(P.from_lo, P.from_hi, P.to_lo, P.to_hi, on, sure)
        on_clause = sa.and_(P.detention_id == S.detention_id, there)
        return t.spells.outerjoin(t.spell_placements, on_clause), P.facility
    return t.spells, _latest_penalty(on, sure)


def _covers(
    from_lo: Any, from_hi: Any, to_lo: Any, to_hi: Any, on: date, sure: bool
) -> sa.ColumnElement[bool]:
    """A fact from ``from`` to ``to`` (its end day excluded) covers ``on``."""
    return sa.and_(from_hi <= on, to_lo > on) if sure else sa.and_(from_lo <= on, to_hi > on)


def _latest_penalty(on: date, sure: bool) -> sa.ColumnElement[Any]:
    """The penalty of the detention's latest sentence pronounced by ``on`` (certainly, or
    possibly): one lookup by the side table's primary key per spell."""
    Z = t.spell_sentences.c
    by_then = Z.date_hi <= on if sure else Z.date_lo <= on
    latest = sa.select(Z.penalty).where(Z.detention_id == S.detention_id, by_then)
    latest = latest.order_by(Z.date_lo.desc(), Z.seq.desc()).limit(1)
    return latest.correlate(t.spells).scalar_subquery()


def in_range(lo: Any, hi: Any, start: date, end: date, bound: Bound) -> sa.ColumnElement[bool]:
    """A dated fact (bounds ``lo``..``hi``) falls in ``start``..``end``, both days included."""
    if bound is Bound.CERTAIN:
        return sa.and_(lo >= start, hi <= end)
    return sa.and_(hi >= start, lo <= end)


def count_persons(
    conn: sa.Connection, query: Query, canonical: Mapping[str, str]
) -> dict[Any, int]:
    """Distinct persons per key (``None`` without one); persons in one resolver cluster
    (``canonical`` maps each clustered person to its cluster's canonical id) count once."""
    key = sa.null() if query.key is None else query.key
    rows = sa.select(key.label("key"), S.person_id).select_from(query.source).where(*query.where)
    inner = rows.subquery("held")  # grouped outside, so that any key (even a subquery) works
    distinct = sa.func.count(sa.distinct(inner.c.person_id)).label("n")
    select = sa.select(inner.c.key, distinct).group_by(inner.c.key)
    counts = {row.key: int(row.n) for row in conn.execute(select) if row.n}
    clustered: dict[Any, set[str]] = {}
    for chunk in chunked(sorted(canonical)):
        rows = sa.select(key.label("key"), S.person_id).select_from(query.source).distinct()
        for row in conn.execute(rows.where(*query.where, S.person_id.in_(chunk))):
            clustered.setdefault(row.key, set()).add(row.person_id)
    for k, persons in clustered.items():
        counts[k] -= len(persons) - len({canonical[p] for p in persons})
    return counts


def same_pairs(conn: sa.Connection, levels: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """Every pair of records judged the same by the resolver (few: read them all). Pairs of
    other kinds than persons are harmless: their ids are never a spell's person. With
    ``levels``, only pairs whose two records are at those levels: a count never joins two
    people through one its reader may not see."""
    return [(row.left_id, row.right_id) for row in conn.execute(_same(levels))]


@lru_cache(maxsize=64)
def _same(levels: frozenset[str] | None) -> sa.Select[Any]:
    J = t.judgements.c
    query = sa.select(J.left_id, J.right_id).where(J.verdict == Verdict.SAME.value)
    if levels is not None:
        shown = bound_values(sorted(levels))
        seen = sa.select(t.records.c.id).where(t.records.c.confidentiality.in_(shown))
        query = query.where(J.left_id.in_(seen), J.right_id.in_(seen))
    return query
