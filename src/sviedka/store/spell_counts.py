"""Counting persons held, from the detention-spell index (``spells.py``).

"Held on D" for persons with one spell is a prefix sum over ``spell_days``; persons with several
spells are counted distinct; persons the resolver judged the same count once (their clusters are
read at query time and few: each clustered person is looked up by id). Breakdowns and flows join
the side tables and count distinct persons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from ..model import Person, Verdict
from . import schema as t
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
            levels = sorted(self.levels)
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
    conn: sa.Connection, on: date, who: Who, canonical: Mapping[str, str]
) -> dict[Bound, int]:
    """Persons held on ``on`` in each reading: for persons with one spell a prefix sum over
    ``spell_days`` (or, when recognition must be dated by then, one pass over the covering
    index); the others counted distinct; each resolver cluster once."""
    sure = sa.and_(held(on, Bound.CERTAIN), *who.conditions(on, Bound.CERTAIN))
    maybe = sa.and_(held(on, Bound.POSSIBLE), *who.conditions(on, Bound.POSSIBLE))
    where = (held(on, Bound.ANY), *who.conditions(on, Bound.ANY))
    several = sa.select(
        *(sa.func.count(sa.distinct(sa.case((c, S.person_id)))) for c in (sure, maybe)),
        sa.func.count(sa.distinct(S.person_id)),
    ).where(S.several == sa.true(), *where)
    single = _single_counts(conn, on, who, sure, maybe, where)
    totals = [a + b for a, b in zip(single, conn.execute(several).one(), strict=True)]
    found = dict(zip((Bound.CERTAIN, Bound.POSSIBLE, Bound.ANY), totals, strict=True))
    rows: list[Any] = []
    for chunk in chunked(sorted(canonical)):  # members of a cluster: count each cluster once
        query = sa.select(S.person_id, sure.label("sure"), maybe.label("maybe"))
        rows += conn.execute(query.where(*where, S.person_id.in_(chunk))).all()
    clustered = {
        Bound.CERTAIN: {r.person_id for r in rows if r.sure},
        Bound.POSSIBLE: {r.person_id for r in rows if r.maybe},
        Bound.ANY: {r.person_id for r in rows},
    }
    for bound, persons in clustered.items():
        found[bound] -= len(persons) - len({canonical[p] for p in persons})
    return found


def _single_counts(
    conn: sa.Connection,
    on: date,
    who: Who,
    sure: sa.ColumnElement[bool],
    maybe: sa.ColumnElement[bool],
    where: tuple[sa.ColumnElement[bool], ...],
) -> tuple[int, int, int]:
    """Certain, possible and any counts of the spells of persons with one spell each."""
    if who.recognised_by_date:  # recognition dates are not in spell_days: read the spells
        count = sa.func.count
        query = sa.select(count(sa.case((sure, 1))), count(sa.case((maybe, 1))), count())
        row = conn.execute(query.where(S.several == sa.false(), *where)).one()
        return int(row[0]), int(row[1]), int(row[2])
    D = t.spell_days.c
    days = sa.select(D.bound, sa.func.sum(D.delta).label("n")).where(D.day <= on)
    if not who.all_detentions:
        days = days.where(D.recognised == sa.true())
    if who.levels is not None:
        levels = sorted(who.levels)
        days = days.where(D.confidentiality.in_(levels), D.person_confidentiality.in_(levels))
    sums = {str(r.bound): int(r.n or 0) for r in conn.execute(days.group_by(D.bound))}
    return sums.get("certain", 0), sums.get("possible", 0), sums.get("any", 0)


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
    latest = _latest_sentences(on, sure)
    on_clause = sa.and_(latest.c.detention_id == S.detention_id, latest.c.rank == 1)
    return t.spells.outerjoin(latest, on_clause), latest.c.penalty


def _covers(
    from_lo: Any, from_hi: Any, to_lo: Any, to_hi: Any, on: date, sure: bool
) -> sa.ColumnElement[bool]:
    """A fact from ``from`` to ``to`` (its end day excluded) covers ``on``."""
    return sa.and_(from_hi <= on, to_lo > on) if sure else sa.and_(from_lo <= on, to_hi > on)


def _latest_sentences(on: date, sure: bool) -> sa.Subquery:
    """Each detention's latest sentence pronounced by ``on`` (certainly, or possibly)."""
    Z = t.spell_sentences.c
    rank = sa.func.row_number().over(
        partition_by=Z.detention_id, order_by=(Z.date_lo.desc(), Z.seq.desc())
    )
    by_then = Z.date_hi <= on if sure else Z.date_lo <= on
    query = sa.select(Z.detention_id, Z.penalty, rank.label("rank")).where(by_then)
    return query.subquery("latest_sentence")


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
    distinct = sa.func.count(sa.distinct(S.person_id)).label("n")
    key = sa.null() if query.key is None else query.key
    select = sa.select(key.label("key"), distinct).select_from(query.source).where(*query.where)
    if query.key is not None:
        select = select.group_by(query.key)
    counts = {row.key: int(row.n) for row in conn.execute(select) if row.n}
    clustered: dict[Any, set[str]] = {}
    for chunk in chunked(sorted(canonical)):
        rows = sa.select(key.label("key"), S.person_id).select_from(query.source).distinct()
        for row in conn.execute(rows.where(*query.where, S.person_id.in_(chunk))):
            clustered.setdefault(row.key, set()).add(row.person_id)
    for k, persons in clustered.items():
        counts[k] -= len(persons) - len({canonical[p] for p in persons})
    return counts


def same_pairs(conn: sa.Connection) -> list[tuple[str, str]]:
    """Every pair of persons judged the same by the resolver (clusters are few: read them all)."""
    J, R = t.judgements.c, t.records.c
    joined = t.judgements.join(t.records, R.id == J.left_id)
    query = sa.select(J.left_id, J.right_id).select_from(joined)
    query = query.where(J.verdict == Verdict.SAME.value, R.kind == Person.KIND)
    return [(row.left_id, row.right_id) for row in conn.execute(query)]
