"""The read rule in SQL: a ``policy.ReadScope`` as a condition on the ``records`` table.

One condition serves every read (single records, lists and their totals, search, statistics,
pickers), so that what a principal may not read is neither returned nor counted. It holds no
principal-specific branch beyond the scope's own fields, and the same query runs whether the id
asked for is unknown or hidden (no find-then-check: the time of an answer tells nothing).

The condition for a scope is built once (scopes are few: one per role, clearance and set of
grants) and its lists are spelt as one bound value each, not SQLAlchemy's "expanding" IN, which
is rendered anew at every execution: a statement built on it compiles once and is then only
executed (SQLAlchemy's compiled cache, psycopg's prepared statements).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from ..model import Confidentiality
from ..policy import Grantee, GranteeKind, ReadScope
from . import schema as t

__all__ = ["admitted", "admitted_ids", "bound", "granted_ids", "to_grantees"]


def granted_ids(grantees: Collection[Grantee]) -> sa.Select[Any]:
    """The ids of the records granted to any of ``grantees``."""
    g = t.record_grants.c
    conditions = [
        sa.and_(g.grantee_kind == kind.value, g.grantee.in_(bound(names)))
        for kind in GranteeKind
        if (names := sorted(x.name for x in grantees if x.kind is kind))
    ]
    return sa.select(g.record_id).where(sa.or_(sa.false(), *conditions))


def bound(values: Iterable[str]) -> list[sa.BindParameter[str]]:
    """``values`` as one bound parameter each, for an ``IN`` that is compiled once."""
    return [sa.literal(value, sa.String) for value in values]


@lru_cache(maxsize=512)
def admitted(scope: ReadScope) -> sa.ColumnElement[bool]:
    """The rows of ``records`` that ``scope`` admits."""
    r = t.records.c
    levels = sorted(level.value for level in scope.open_levels)
    condition: sa.ColumnElement[bool] = sa.false()
    if levels:
        condition = r.confidentiality.in_(bound(levels))
    if scope.compartments:
        restricted = Confidentiality.RESTRICTED.value
        granted = sa.and_(
            r.confidentiality == restricted, r.id.in_(granted_ids(scope.compartments))
        )
        condition = sa.or_(condition, granted)
    if scope.kinds is not None:
        condition = sa.and_(r.kind.in_(bound(sorted(scope.kinds))), condition)
    return condition


def admitted_ids(scope: ReadScope) -> sa.Select[Any]:
    """``SELECT id FROM records WHERE admitted(scope)``, for ``x.record_id.in_(…)`` filters."""
    return sa.select(t.records.c.id).where(admitted(scope))


def to_grantees(rows: Collection[Any]) -> frozenset[Grantee]:
    """Grantees from ``record_grants`` rows (``grantee_kind``, ``grantee``)."""
    return frozenset(Grantee(GranteeKind(row.grantee_kind), row.grantee) for row in rows)
