"""Duplicate warnings as you type: people already recorded who look like the one being entered.

Uses the archive's name matcher (``records.matching.likely_duplicates``: Belarusian, Russian and
Latin forms of one name match each other) and shows only people the user may read: the best
of those they may read, whatever the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import Unavailable
from ...model import PartialDate, Person
from ...policy import redact
from ...services.records import matching
from .queries import readable_among

if TYPE_CHECKING:
    from .pages import Page

__all__ = ["Candidate", "duplicate_candidates"]

_LIMIT = 8
# Every candidate the matcher scores (a few hundred at most): the best readable ones are chosen
# after, so that people the user may not read never crowd out those they may.
_CONSIDERED = 10_000


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: float | None
    reasons: tuple[str, ...]


def duplicate_candidates(
    page: Page, values: Mapping[str, str], prefix: str
) -> list[Candidate] | None:
    """People who may be the one typed (``None`` when the matcher is not installed)."""
    names = [
        v.strip()
        for k in (f"{prefix}.name", f"{prefix}.other_name")
        if (v := values.get(k)) and v.strip()
    ]
    if not names:
        return []
    birth = _date(values.get(f"{prefix}.birth_date"))
    store, me = page.archive.store, page.principal
    found = []
    try:
        # The matcher and ``readable_among`` scope to the user in their own SQL, on the whole
        # store (asked for by name); only the persons they let through are read
        with store.unscoped_view() as view:
            hits = matching.likely_duplicates(view, names, birth, limit=_CONSIDERED, reader=me)
            mine = readable_among(view, me, [person_id for person_id, _, _ in hits])
            for person_id, score, why in [h for h in hits if h[0] in mine][:_LIMIT]:
                person = redact(me, view.get(person_id).record)
                if isinstance(person, Person):
                    found.append(Candidate(person, float(score), tuple(why)))
    except Unavailable:  # the matcher's name index is not in this database (yet)
        return None
    page.audit("search", [c.person for c in found])
    return found


def _date(text: str | None) -> PartialDate | None:
    try:
        return PartialDate.parse(text) if text else None
    except ValueError:
        return None
