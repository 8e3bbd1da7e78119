"""Read models for the pages: the people list with its filters, a person's dossier, a record's
history with the difference between two revisions, recent changes and titles of linked records.

Everything here reads only what the user may read (``access``): a record they may not read is
left out of lists and links exactly as if it did not exist. Lists are paged and counted in SQL
with the same condition (``access.readable``) that the API and search use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ...model import Detention, Evidence, Person, Record
from ...model.dates import PartialDate
from ...services.access import may_read, readable, readable_ids, redact, visible_records
from ...services.accounts import User
from ...store import SqlStore, Stored, View
from ...store import schema as t
from ...store.dialect import json_text  # the store's JSON path
from ...store.sql import SqlView, record_of, state_of

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


@dataclass(frozen=True)
class PeopleFilter:
    status: str | None = None  # held | released | unknown
    article: str | None = None
    facility: str | None = None  # an organisation id
    region: str | None = None
    arrested_from: PartialDate | None = None
    arrested_to: PartialDate | None = None


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
    """One page of the people the user may read that match, newest first, and the total.

    Paged and counted in SQL: every filter on detentions is a set of person ids taken from the
    detentions the user may read, so a hidden detention neither adds nor removes anyone."""
    with store.view() as view:
        assert isinstance(view, SqlView)
        where = {"region": wanted.region} if wanted.region else None
        query = view._filtered(sa.select(t.records), "person", where).where(readable(user))
        query = _detention_filters(view, user, wanted, query)
        found, total = _newest_page(view, user, query, limit=limit, offset=offset)
        rows = {p.id: PersonRow(p) for p in found if isinstance(p, Person)}
        for d in _detentions_of(view, user, list(rows)):
            rows[d.person].detentions.append(d)
    return list(rows.values()), total


def _newest_page(
    view: SqlView, user: User, query: sa.Select[Any], *, limit: int, offset: int
) -> tuple[list[Record], int]:
    """A page of ``query`` (rows of ``records``), newest first, redacted; and its total."""
    total = view.conn.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    newest = query.order_by(t.records.c.id.desc()).limit(limit).offset(offset)
    return [_record(user, row) for row in view.conn.execute(newest)], int(total or 0)


def _record(user: User, row: Any) -> Record:
    return redact(user, record_of(row.kind, row.id, state_of(row.data, row.sensitive)))


def _detentions(view: SqlView, user: User, *conditions: Any) -> sa.Select[Any]:
    """The person ids of the readable detentions that meet ``conditions``."""
    person = json_text(view.conn.dialect.name, "person")
    query = sa.select(person).where(t.records.c.kind == "detention", readable(user), *conditions)
    return query.correlate(None)  # never tied to the outer query on the same table


def _detention_filters(
    view: SqlView, user: User, wanted: PeopleFilter, query: sa.Select[Any]
) -> sa.Select[Any]:
    dialect, data, person_id = view.conn.dialect.name, t.records.c.data, t.records.c.id
    ended = json_text(dialect, "end").is_not(None)
    if wanted.status == "held":
        query = query.where(person_id.in_(_detentions(view, user, sa.not_(ended))))
    elif wanted.status == "released":
        query = query.where(person_id.in_(_detentions(view, user, ended)))
        query = query.where(person_id.not_in(_detentions(view, user, sa.not_(ended))))
    elif wanted.status == "unknown":
        query = query.where(person_id.not_in(_detentions(view, user)))
    if wanted.article:  # data is canonical JSON: this is exactly a charge under the article
        charged = data.contains(f'"article":{json.dumps(wanted.article)}', autoescape=True)
        query = query.where(person_id.in_(_detentions(view, user, charged)))
    if wanted.facility:  # a facility the user may not read is one that does not exist
        placed = data.contains(f'"facility":{json.dumps(wanted.facility)}', autoescape=True)
        query = query.where(person_id.in_(_detentions(view, user, placed)))
        query = query.where(sa.literal(wanted.facility).in_(readable_ids(user)))
    arrested = _arrested_between(dialect, wanted.arrested_from, wanted.arrested_to)
    if arrested is not None:
        query = query.where(person_id.in_(_detentions(view, user, arrested)))
    return query


def _arrested_between(
    dialect: str, start: PartialDate | None, end: PartialDate | None
) -> sa.ColumnElement[bool] | None:
    """An arrest date ("2021", "2021-09" or "2021-09-25") that may fall between the bounds:
    compared on as many characters as it has, so "2021-09" is after 2021-08-31 and not
    before 2021-09-15."""
    if start is None and end is None:
        return None
    day = json_text(dialect, "arrest.date")
    conditions = [day.is_not(None)]
    if start is not None:
        first = start.earliest().isoformat()
        conditions.append(day >= sa.func.substr(first, 1, sa.func.length(day)))
    if end is not None:
        last = end.latest().isoformat()
        conditions.append(day <= sa.func.substr(last, 1, sa.func.length(day)))
    return sa.and_(*conditions)


def _detentions_of(view: SqlView, user: User, people: list[str]) -> list[Detention]:
    """The readable detentions of these people (one page of the list), oldest first."""
    if not people:
        return []
    person = json_text(view.conn.dialect.name, "person")
    query = (
        sa.select(t.records)
        .where(t.records.c.kind == "detention", readable(user), person.in_(people))
        .order_by(t.records.c.id)
    )
    found = [_record(user, row) for row in view.conn.execute(query)]
    return [d for d in found if isinstance(d, Detention)]


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


def readable_among(view: View, user: User, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` the user may read, in one query (for lists made outside ``readable``,
    such as the name matcher's candidates)."""
    assert isinstance(view, SqlView)
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    query = sa.select(t.records.c.id).where(t.records.c.id.in_(wanted), readable(user))
    return set(view.conn.scalars(query))


def linked_evidence(
    store: SqlStore, user: User, ids: set[str], *, limit: int = 200
) -> list[Evidence]:
    """The readable evidence linked to any of ``ids`` (an id in canonical JSON is ``"<id>"``;
    the links are checked again on the decoded record)."""
    if not ids:
        return []
    data = t.records.c.data
    named = sa.or_(*(data.contains(json.dumps(i), autoescape=True) for i in sorted(ids)))
    query = sa.select(t.records).where(t.records.c.kind == "evidence", readable(user), named)
    with store.view() as view:
        assert isinstance(view, SqlView)
        rows = view.conn.execute(query.order_by(t.records.c.id.desc()).limit(limit))
        found = [_record(user, row) for row in rows]
    return [e for e in found if isinstance(e, Evidence) and ids.intersection(e.links)]


def evidence_files(
    store: SqlStore, user: User, *, limit: int, offset: int
) -> tuple[list[Evidence], int]:
    """One page of the evidence the user may read, newest first, and the total."""
    query = sa.select(t.records).where(t.records.c.kind == "evidence", readable(user))
    with store.view() as view:
        assert isinstance(view, SqlView)
        found, total = _newest_page(view, user, query, limit=limit, offset=offset)
    return [e for e in found if isinstance(e, Evidence)], total


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
        RecentChange(_record(user, row), row.seq, row.actor, row.at, row.reason) for row in rows
    ]


def cluster_members(store: SqlStore, user: User, stored: Stored) -> list[Record]:
    """The other records judged the same as this one, that the user may read."""
    with store.view() as view:
        members = view.cluster(stored.record.id).members
    others = [m for m in members if m != stored.record.id]
    return list(titles(store, user, others).values())
