"""Which records a screening may draw on: every record for the custodian (the CLI), only those a
user may read otherwise — the perpetrator's roles, cases, positions, counts, names and confirmed
sanctions alike, so that the answer is the same whatever the user may not read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ...store import View
from ...store import schema as t
from ..access import readable
from ..accounts import User
from .lists import connection

__all__ = ["EVERYTHING", "Reach", "reach_of"]


@dataclass(frozen=True)
class Reach:
    """The ids of the records that may be used; ``None``: all of them."""

    ids: frozenset[str] | None = None

    def __contains__(self, record_id: object) -> bool:
        return self.ids is None or record_id in self.ids

    def pairs(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The pairs whose two ends are both within reach."""
        return [(a, b) for a, b in pairs if a in self and b in self]


EVERYTHING = Reach()


def reach_of(view: View, reader: User | None, kinds: Iterable[str]) -> Reach:
    """The records of these kinds that ``reader`` may read (``None``: the custodian, all)."""
    if reader is None:
        return EVERYTHING
    r = t.records.c
    query = sa.select(r.id).where(r.kind.in_(sorted(kinds)), readable(reader))
    return Reach(frozenset(connection(view).scalars(query)))
