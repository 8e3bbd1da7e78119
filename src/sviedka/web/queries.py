"""Read models for the pages: the people list with its filters, a person's dossier, a record's
history with the difference between two revisions, recent changes and titles of linked records.

Everything here reads only what the user may read (``access``): a record they may not read is
left out of lists and links exactly as if it did not exist. Lists are computed in the process
from the readable records (fine for the tens of thousands of people a list holds; the statistics
index answers the counts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..model import Detention, Evidence, Person, Record
from ..model.dates import PartialDate
from ..services.access import may_read, readable, redact, visible_records
from ..services.accounts import User
from ..store import SqlStore, Stored
from ..store import schema as t
from ..store.sql import SqlView, record_of, state_of

__all__ = [
    "Change",
    "PeopleFilter",
    "PersonRow",
    "RecentChange",
    "all_visible",
    "cluster_members",
    "diff",
    "flat",
    "linked_evidence",
    "people",
    "recent_changes",
    "referring",
    "status_of",
    "titles",
]

_BATCH = 1000


@dataclass(frozen=True)
class PeopleFilter:
    status: str | None = None  # held | released | unknown
    article: str | None = None
    facility: str | None = None  # an organisation id
    region: str | None = None
    arrested_from: PartialDate | None = None
    arrested_to: PartialDate | None = None

    def matches(self, row: PersonRow) -> bool:
        checks = (
            self.status is None or row.status == self.status,
            self.article is None or self.article in row.articles,
            self.facility is None or self.facility in row.facilities,
            self.region is None or row.person.region == self.region,
            self._arrested_in(row.arrested),
        )
        return all(checks)

    def _arrested_in(self, arrested: PartialDate | None) -> bool:
        if self.arrested_from is None and self.arrested_to is None:
            return True
        if arrested is None:
            return False
        if self.arrested_from and arrested.latest() < self.arrested_from.earliest():
            return False
        return not (self.arrested_to and arrested.earliest() > self.arrested_to.latest())


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


def all_visible(store: SqlStore, user: User, kind: str) -> Iterator[Record]:
    """Every record of ``kind`` the user may read (redacted for them), in batches."""
    offset = 0
    while True:
        page, _ = visible_records(store, user, kind, limit=_BATCH, offset=offset)
        yield from (redact(user, s.record) for s in page)
        if len(page) < _BATCH:
            return
        offset += _BATCH


def people(
    store: SqlStore, user: User, wanted: PeopleFilter, *, limit: int, offset: int
) -> tuple[list[PersonRow], int]:
    """One page of the people the user may read that match, newest first, and the total."""
    rows = {p.id: PersonRow(p) for p in all_visible(store, user, "person") if isinstance(p, Person)}
    for d in all_visible(store, user, "detention"):
        if isinstance(d, Detention) and d.person in rows:
            rows[d.person].detentions.append(d)
    matching = [r for r in rows.values() if wanted.matches(r)]
    matching.sort(key=lambda r: r.person.id, reverse=True)
    return matching[offset : offset + limit], len(matching)


def titles(store: SqlStore, user: User, ids: Iterable[str]) -> dict[str, Record]:
    """The readable records among ``ids``, by id (for names of linked courts, facilities…)."""
    wanted = sorted({i for i in ids if i})
    found: dict[str, Record] = {}
    with store.view() as view:
        for record_id in wanted:
            stored = view.find(record_id)
            if stored is not None and may_read(view, user, stored.record):
                found[record_id] = redact(user, stored.record)
    return found


def linked_evidence(store: SqlStore, user: User, ids: set[str]) -> list[Evidence]:
    return [
        e
        for e in all_visible(store, user, "evidence")
        if isinstance(e, Evidence) and ids.intersection(e.links)
    ]


def referring(store: SqlStore, user: User, kind: str, where: Mapping[str, str]) -> list[Record]:
    """The readable records of ``kind`` whose field equals a value (``{"person": id}``)."""
    page, _ = visible_records(store, user, kind, where=where, limit=10_000)
    return [redact(user, s.record) for s in page]


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
    r, v = t.records.c, t.revisions.c
    query = (
        sa.select(v.seq, v.actor, v.at, v.reason, r.id, r.kind, r.data, r.sensitive)
        .join(t.records, r.id == v.record_id)
        .where(readable(user))
        .order_by(v.id.desc())
        .limit(limit)
    )
    with store.view() as view:
        assert isinstance(view, SqlView)
        rows = view.conn.execute(query).all()
    return [
        RecentChange(
            redact(user, record_of(row.kind, row.id, state_of(row.data, row.sensitive))),
            row.seq,
            row.actor,
            row.at,
            row.reason,
        )
        for row in rows
    ]


def cluster_members(store: SqlStore, user: User, stored: Stored) -> list[Record]:
    """The other records judged the same as this one, that the user may read."""
    with store.view() as view:
        members = view.cluster(stored.record.id).members
    others = [m for m in members if m != stored.record.id]
    return list(titles(store, user, others).values())
