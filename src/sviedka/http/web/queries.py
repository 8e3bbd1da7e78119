"""Read models for the pages: the people list with its filters, a person's dossier, a record's
history with the difference between two revisions, recent changes and titles of linked records.

Everything here reads through ``store.view(principal)``: a record the user may not read is left
out of lists and links exactly as if it did not exist. Lists are paged and counted in SQL, in
``store/people.py`` and ``store/listings.py``, under the view's scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ... import policy
from ...model import Detention, Evidence, Person, Record
from ...model.dates import PartialDate
from ...policy import Principal
from ...services.accounts import User
from ...store import SqlStore, Stored, View
from ...store.listings import latest_changes, naming
from ...store.people import PeopleFilter, detentions_of, newest_page, people_page
from ...store.reading import read_by

__all__ = [
    "Change",
    "PeopleFilter",
    "PersonRow",
    "RecentChange",
    "cluster_members",
    "diff",
    "evidence_files",
    "flat",
    "linked_evidence",
    "people",
    "readable_among",
    "recent_changes",
    "referring",
    "status_of",
    "titles",
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
    store: SqlStore, user: User, wanted: PeopleFilter, *, limit: int, offset: int
) -> tuple[list[PersonRow], int]:
    """One page of the people the user may read that match, newest first, and the total
    (a hidden detention neither adds nor removes anyone: ``store.people``)."""
    me = policy.principal_of(user)
    with store.view(me) as view:
        found, total = people_page(view, wanted, limit=limit, offset=offset)
        rows = {p.id: PersonRow(p) for p in _redacted(me, found) if isinstance(p, Person)}
        for d in _redacted(me, detentions_of(view, list(rows))):
            if isinstance(d, Detention):
                rows[d.person].detentions.append(d)
    return list(rows.values()), total


def _redacted(me: Principal, records: Iterable[Record]) -> list[Record]:
    return [policy.redact(me, record) for record in records]


def titles(store: SqlStore, user: User, ids: Iterable[str]) -> dict[str, Record]:
    """The readable records among ``ids``, by id (for names of linked courts, facilities…)."""
    wanted = sorted({i for i in ids if i})
    me = policy.principal_of(user)
    found: dict[str, Record] = {}
    with store.view(me) as view:
        for record_id in wanted:
            stored = view.find(record_id)
            if stored is not None:
                found[record_id] = policy.redact(me, stored.record)
    return found


def readable_among(view: View, user: User, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` the user may read, in one query per few hundred (for lists made
    outside a scoped view, such as the name matcher's candidates)."""
    return set(read_by(view, policy.principal_of(user)).kinds_of(ids))


def linked_evidence(
    store: SqlStore, user: User, ids: set[str], *, limit: int = 200
) -> list[Evidence]:
    """The readable evidence linked to any of ``ids`` (found by its stored JSON naming them,
    then checked again on the decoded record)."""
    if not ids:
        return []
    me = policy.principal_of(user)
    with store.view(me) as view:
        found = _redacted(me, naming(view, "evidence", ids, limit=limit))
    return [e for e in found if isinstance(e, Evidence) and ids.intersection(e.links)]


def evidence_files(
    store: SqlStore, user: User, *, limit: int, offset: int
) -> tuple[list[Evidence], int]:
    """One page of the evidence the user may read, newest first, and the total."""
    me = policy.principal_of(user)
    with store.view(me) as view:
        found, total = newest_page(view, "evidence", limit=limit, offset=offset)
    return [e for e in _redacted(me, found) if isinstance(e, Evidence)], total


def referring(store: SqlStore, user: User, kind: str, where: Mapping[str, str]) -> list[Record]:
    """The readable records of ``kind`` whose field equals a value (``{"person": id}``)."""
    me = policy.principal_of(user)
    with store.view(me) as view:
        page, _ = view.page(kind, where=where, limit=10_000, offset=0)
    return [policy.redact(me, s.record) for s in page]


@dataclass(frozen=True)
class Change:
    path: str
    old: str | None
    new: str | None


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[Change]:
    """What differs between two states, field by field (nested paths flattened)."""
    before = dict(_flatten(old or {}))
    after = dict(_flatten(new))
    paths = sorted(set(before) | set(after))
    return [Change(p, before.get(p), after.get(p)) for p in paths if before.get(p) != after.get(p)]


def flat(state: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A record's fields as (path, text) pairs, nested paths flattened."""
    return list(_flatten(state))


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key not in ("id", "record_kind"):
                yield from _flatten(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(item, f"{path}[{i}]")
    else:
        yield path, str(value)


@dataclass(frozen=True)
class RecentChange:
    record: Record
    seq: int
    actor: str
    at: str
    reason: str | None


def recent_changes(store: SqlStore, user: User, *, limit: int = 10) -> list[RecentChange]:
    """The latest revisions of records the user may read, newest first."""
    me = policy.principal_of(user)
    with store.view(me) as view:
        found = latest_changes(view, limit=limit)
    return [
        RecentChange(policy.redact(me, c.record), c.seq, c.actor, c.at, c.reason) for c in found
    ]


def cluster_members(store: SqlStore, user: User, stored: Stored) -> list[Record]:
    """The other records judged the same as this one, that the user may read."""
    with store.view(policy.principal_of(user)) as view:
        members = view.cluster(stored.record.id).members
    others = [m for m in members if m != stored.record.id]
    return list(titles(store, user, others).values())
