"""Which records a screening may draw on: those its view reads — every record through the
custodian's unscoped view (the CLI), only those a user may read through theirs
(``store.view(principal)``) — the perpetrator's roles, cases, positions, counts, names and
confirmed sanctions alike, so that the answer is the same whatever the user may not read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...store import View
from ...store.reach import ids_within

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


def reach_of(view: View, kinds: Iterable[str]) -> Reach:
    """The records of these kinds that ``view`` reads (all of them for an unscoped view)."""
    return Reach(ids_within(view, kinds))
