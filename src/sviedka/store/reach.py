"""What a view reads, for the queries of other store modules: its scope, and the ids of the
records of some kinds within it (a screening's ``Reach``, ``services/sanctions/reach.py``).

The scope is the one ``store.view(principal)`` took from ``policy.read_scope``; an unscoped view
(``store.unscoped_view()``) or a writer has none and reads every record."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from ..policy import ReadScope
from . import schema as t
from .base import View
from .connection import connection
from .scoped import ScopedView
from .scoping import admitted

__all__ = ["ids_within", "scope_of"]


def scope_of(view: View) -> ReadScope | None:
    """The scope ``view`` reads through; ``None`` if it reads every record."""
    return view.scope if isinstance(view, ScopedView) else None


def ids_within(view: View, kinds: Iterable[str]) -> frozenset[str] | None:
    """The ids of the records of ``kinds`` that ``view`` reads; ``None`` if it reads every
    record (then asking for them all would only cost)."""
    scope = scope_of(view)
    if scope is None:
        return None
    r = t.records.c
    query = sa.select(r.id).where(r.kind.in_(sorted(set(kinds))), admitted(scope))
    return frozenset(connection(view).scalars(query))
