"""Read models for the pages: a person's dossier, a record's history with the difference
between two revisions, and titles of linked records (the lists are use cases:
``services.records.listings``).

Everything here reads through ``store.view(principal)``: a record the principal may not read
is left out of links exactly as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ... import policy
from ...model import Evidence, Record
from ...policy import Principal
from ...services.records.listings import PeopleFilter, PersonRow, status_of
from ...store import SqlStore, Stored, View
from ...store.listings import naming
from ...store.reading import read_by

__all__ = [
    "Change",
    "PeopleFilter",
    "PersonRow",
    "cluster_members",
    "diff",
    "flat",
    "linked_evidence",
    "readable_among",
    "referring",
    "status_of",
    "titles",
]


def titles(store: SqlStore, me: Principal, ids: Iterable[str]) -> dict[str, Record]:
    """The readable records among ``ids``, by id (for names of linked courts, facilities…)."""
    wanted = sorted({i for i in ids if i})
    found: dict[str, Record] = {}
    with store.view(me) as view:
        for record_id in wanted:
            stored = view.find(record_id)
            if stored is not None:
                found[record_id] = policy.redact(me, stored.record)
    return found


def readable_among(view: View, me: Principal, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` the principal may read, in one query per few hundred (for lists made
    outside a scoped view, such as the name matcher's candidates)."""
    return set(read_by(view, me).kinds_of(ids))


def linked_evidence(
    store: SqlStore, me: Principal, ids: set[str], *, limit: int = 200
) -> list[Evidence]:
    """The readable evidence linked to any of ``ids`` (found by its stored JSON naming them,
    then checked again on the decoded record)."""
    if not ids:
        return []
    with store.view(me) as view:
        found = [policy.redact(me, r) for r in naming(view, "evidence", ids, limit=limit)]
    return [e for e in found if isinstance(e, Evidence) and ids.intersection(e.links)]


def referring(store: SqlStore, me: Principal, kind: str, where: Mapping[str, str]) -> list[Record]:
    """The readable records of ``kind`` whose field equals a value (``{"person": id}``)."""
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


def cluster_members(store: SqlStore, me: Principal, stored: Stored) -> list[Record]:
    """The other records judged the same as this one, that the principal may read."""
    with store.view(me) as view:
        members = view.cluster(stored.record.id).members
    others = [m for m in members if m != stored.record.id]
    return list(titles(store, me, others).values())
