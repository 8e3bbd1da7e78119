"""Lists a principal reads page by page: people with their detentions (the people list's
filters), evidence files, and the latest changes. Each asks the policy first (``Forbidden``
without ``read``) and reads through ``store.view(principal)``, so a record it may not read is
left out of the page and the total alike. Paged and counted in SQL (``store/people.py``,
``store/listings.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ...model import Detention, Evidence, Person, Record
from ...model.dates import PartialDate
from ...policy import Permission, Principal, redact, require
from ...store import SqlStore
from ...store.listings import latest_changes
from ...store.people import PeopleFilter, detentions_of, newest_page, people_page

__all__ = [
    "PeopleFilter",
    "PersonRow",
    "RecentChange",
    "evidence_files",
    "people",
    "recent_changes",
    "status_of",
]


@dataclass
class PersonRow:
    person: Person
    detentions: list[Detention] = field(default_factory=list)

    @property
    def status(self) -> str:
        return status_of(self.detentions)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(c.article for d in self.detentions for c in d.charges))

    @property
    def facilities(self) -> list[str]:
        return [p.facility for d in self.detentions for p in d.placements]

    @property
    def current_facility(self) -> str | None:
        open_ = [p.facility for d in self.detentions if d.end is None for p in d.placements]
        return open_[-1] if open_ else None

    @property
    def arrested(self) -> PartialDate | None:
        dates = [d.arrest.date for d in self.detentions if d.arrest and d.arrest.date]
        return max(dates) if dates else None


def status_of(detentions: Iterable[Detention]) -> str:
    """Held: a detention with no end; released: every detention has ended; else not known."""
    found = list(detentions)
    if not found:
        return "unknown"
    return "held" if any(d.end is None for d in found) else "released"


def people(
    store: SqlStore, me: Principal, wanted: PeopleFilter, *, limit: int, offset: int
) -> tuple[list[PersonRow], int]:
    """One page of the people the principal may read that match, newest first, and the total
    (a hidden detention neither adds nor removes anyone: ``store.people``)."""
    require(me, Permission.READ)
    with store.view(me) as view:
        found, total = people_page(view, wanted, limit=limit, offset=offset)
        rows = {p.id: PersonRow(p) for p in _redacted(me, found) if isinstance(p, Person)}
        for d in _redacted(me, detentions_of(view, list(rows))):
            if isinstance(d, Detention):
                rows[d.person].detentions.append(d)
    return list(rows.values()), total


def _redacted(me: Principal, records: Iterable[Record]) -> list[Record]:
    return [redact(me, record) for record in records]


def evidence_files(
    store: SqlStore, me: Principal, *, limit: int, offset: int
) -> tuple[list[Evidence], int]:
    """One page of the evidence the principal may read, newest first, and the total."""
    require(me, Permission.READ)
    with store.view(me) as view:
        found, total = newest_page(view, "evidence", limit=limit, offset=offset)
    return [e for e in _redacted(me, found) if isinstance(e, Evidence)], total


@dataclass(frozen=True)
class RecentChange:
    record: Record
    seq: int
    actor: str
    at: str
    reason: str | None


def recent_changes(store: SqlStore, me: Principal, *, limit: int = 10) -> list[RecentChange]:
    """The latest revisions of records the principal may read, newest first."""
    require(me, Permission.READ)
    with store.view(me) as view:
        found = latest_changes(view, limit=limit)
    return [RecentChange(redact(me, c.record), c.seq, c.actor, c.at, c.reason) for c in found]
