"""The people list: persons a view admits that meet a filter on their detentions, paged newest
first and counted in SQL, and the detentions shown beside them.

Every filter on detentions is a set of person ids taken from the detentions the view admits, so
that a detention outside the view's scope neither adds anyone to the list nor removes anyone
from it; a facility outside it filters like one that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..model import Detention, PartialDate, Record
from . import schema as t
from .base import View
from .dialect import json_text
from .reading import condition, connection
from .rows import record_of, state_of
from .view import SqlView

__all__ = ["PeopleFilter", "detentions_of", "newest_page", "people_page"]


@dataclass(frozen=True)
class PeopleFilter:
    status: str | None = None  # held | released | unknown
    article: str | None = None
    facility: str | None = None  # an organisation id
    region: str | None = None
    arrested_from: PartialDate | None = None
    arrested_to: PartialDate | None = None


def people_page(
    view: View, wanted: PeopleFilter, *, limit: int, offset: int
) -> tuple[list[Record], int]:
    """One page of the persons the view admits that match, newest first, and the total."""
    conn = connection(view)
    where = {"region": wanted.region} if wanted.region else None
    query = SqlView(conn)._filtered(sa.select(t.records), "person", where)
    query = _detention_filters(conn.dialect.name, view, wanted, query.where(condition(view)))
    return _newest(conn, query, limit=limit, offset=offset)


def newest_page(view: View, kind: str, *, limit: int, offset: int) -> tuple[list[Record], int]:
    """One page of the records of ``kind`` the view admits, newest first, and the total."""
    query = sa.select(t.records).where(t.records.c.kind == kind, condition(view))
    return _newest(connection(view), query, limit=limit, offset=offset)


def _newest(
    conn: sa.Connection, query: sa.Select[Any], *, limit: int, offset: int
) -> tuple[list[Record], int]:
    total = conn.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    newest = query.order_by(t.records.c.id.desc()).limit(limit).offset(offset)
    return [_record(row) for row in conn.execute(newest)], int(total or 0)


def _record(row: Any) -> Record:
    return record_of(row.kind, row.id, state_of(row.data, row.sensitive))


def _detentions(dialect: str, view: View, *conditions: Any) -> sa.Select[Any]:
    """The person ids of the admitted detentions that meet ``conditions``."""
    person = json_text(dialect, "person")
    where = (t.records.c.kind == "detention", condition(view), *conditions)
    return sa.select(person).where(*where).correlate(None)  # never tied to the outer query


def _detention_filters(
    dialect: str, view: View, wanted: PeopleFilter, query: sa.Select[Any]
) -> sa.Select[Any]:
    data, person_id = t.records.c.data, t.records.c.id
    ended = json_text(dialect, "end").is_not(None)
    if wanted.status == "held":
        query = query.where(person_id.in_(_detentions(dialect, view, sa.not_(ended))))
    elif wanted.status == "released":
        query = query.where(person_id.in_(_detentions(dialect, view, ended)))
        query = query.where(person_id.not_in(_detentions(dialect, view, sa.not_(ended))))
    elif wanted.status == "unknown":
        query = query.where(person_id.not_in(_detentions(dialect, view)))
    if wanted.article:  # data is canonical JSON: this is exactly a charge under the article
        charged = data.contains(f'"article":{json.dumps(wanted.article)}', autoescape=True)
        query = query.where(person_id.in_(_detentions(dialect, view, charged)))
    if wanted.facility:
        placed = data.contains(f'"facility":{json.dumps(wanted.facility)}', autoescape=True)
        query = query.where(person_id.in_(_detentions(dialect, view, placed)))
        query = query.where(sa.literal(wanted.facility).in_(_admitted_ids(view)))
    arrested = _arrested_between(dialect, wanted.arrested_from, wanted.arrested_to)
    if arrested is not None:
        query = query.where(person_id.in_(_detentions(dialect, view, arrested)))
    return query


def _admitted_ids(view: View) -> sa.Select[Any]:
    return sa.select(t.records.c.id).where(condition(view)).correlate(None)


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


def detentions_of(view: View, people: Sequence[str]) -> list[Detention]:
    """The detentions the view admits of these persons (one page of the list), oldest first."""
    if not people:
        return []
    conn = connection(view)
    person = json_text(conn.dialect.name, "person")
    query = sa.select(t.records).where(
        t.records.c.kind == "detention", condition(view), person.in_(list(people))
    )
    found = [_record(row) for row in conn.execute(query.order_by(t.records.c.id))]
    return [d for d in found if isinstance(d, Detention)]
