"""What a store module's query needs of a view: its connection, and the condition on ``records``
that its scope sets (``scoping.admitted``), so that a function taking a view reads exactly what
``store.view(principal)`` admits and nothing is handed in as SQL by a caller."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..policy import Principal, read_scope
from .base import View
from .scoped import ScopedView, scoped
from .scoping import admitted, admitted_ids
from .view import SqlView

__all__ = ["admitted_ids_of", "condition", "connection", "read_by"]


def connection(view: View) -> sa.Connection:
    """The view's connection, a writer's buffered records written first."""
    if isinstance(view, ScopedView):
        return view.conn
    if isinstance(view, SqlView):
        view.flush()
        return view.conn
    raise TypeError("this read needs a view or a writer of the SQL store")


def condition(view: View) -> sa.ColumnElement[bool]:
    """The rows of ``records`` the view admits (every row for an unscoped one)."""
    return admitted(view.scope) if isinstance(view, ScopedView) else sa.true()


def admitted_ids_of(view: View) -> sa.Select[Any] | None:
    """``SELECT id FROM records`` of what the view admits; None if it admits every record."""
    if not isinstance(view, ScopedView):
        return None
    return admitted_ids(view.scope)


def read_by(view: View, principal: Principal) -> View:
    """The records of ``view`` (a view or a writer, scoped or not) as ``principal`` may read
    them: its read scope in place of any the view had."""
    inner = view.inner if isinstance(view, ScopedView) else view
    return scoped(inner, read_scope(principal))
