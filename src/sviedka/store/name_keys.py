"""The name-key index: each person's blocking keys, for finding likely duplicates by lookup.

Kept current in the writer's transaction like every derived index (see ``indexes.py``). The keys
come from ``sviedka.names.blocking``; when their rules change (``KEYS_VERSION``) the index is
rebuilt at the next open. It holds keys and person ids only: no names, nothing sensitive.

Besides the index, the reads matching needs: blocks of persons sharing a key, persons by id and
the resolver's judgements, each one query (or one per chunk of ids).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar, NamedTuple

import sqlalchemy as sa

from ..model import Gender, PartialDate, Person, Record, Verdict
from ..names.blocking import blocking_keys
from ..names.keys import KEYS_VERSION
from . import schema as t
from .dialect import batched
from .indexes import Index

__all__ = [
    "NameKeyIndex",
    "PersonFacts",
    "blocks",
    "judged_pairs",
    "key_members",
    "person_facts",
    "person_keys",
]

_FORMAT = 2  # the table's layout and key kinds: change it, or KEYS_VERSION, and it is rebuilt
_CHUNK = 500  # ids per statement: under SQLite's bound-parameter limit
K = t.name_keys.c


def person_keys(person: Person) -> set[str]:
    year = person.birth_date.year if person.birth_date is not None else None
    return blocking_keys([name.full for name in person.names], year)


class NameKeyIndex(Index):
    name: ClassVar[str] = "name_keys"
    version: ClassVar[int] = _FORMAT * 1000 + KEYS_VERSION
    kinds: ClassVar[frozenset[str]] = frozenset({"person"})

    def refresh(self, conn: sa.Connection, records: Sequence[Record]) -> None:
        people = [r for r in records if isinstance(r, Person)]
        ids = [p.id for p in people]
        for i in range(0, len(ids), _CHUNK):
            conn.execute(sa.delete(t.name_keys).where(K.person_id.in_(ids[i : i + _CHUNK])))
        rows = [{"key": key, "person_id": p.id} for p in people for key in person_keys(p)]
        if rows:
            conn.execute(sa.insert(t.name_keys), rows)

    def clear(self, conn: sa.Connection) -> None:
        conn.execute(sa.delete(t.name_keys))


def key_members(
    conn: sa.Connection, keys: Iterable[str], *, most: int, among: sa.Select[Any] | None = None
) -> dict[str, list[str]]:
    """The persons filed under each of ``keys`` (those ``among`` selects, if given: their ids),
    leaving out keys with more than ``most``.

    Two queries, each on the primary key's index: the sizes of the keys asked for, then the
    members of those small enough (one query with a subquery made PostgreSQL scan the table).
    """
    within = _within(among)
    counts = sa.select(K.key, sa.func.count()).where(K.key.in_(sorted(set(keys))), *within)
    usable = sorted(key for key, size in conn.execute(counts.group_by(K.key)) if size <= most)
    found: dict[str, list[str]] = {}
    if not usable:
        return found
    query = sa.select(K.key, K.person_id).where(K.key.in_(usable), *within)
    query = query.order_by(K.key, K.person_id)
    for key, person_id in conn.execute(query):
        found.setdefault(key, []).append(person_id)
    return found


def blocks(
    conn: sa.Connection, *, most: int, among: sa.Select[Any] | None = None
) -> Iterator[tuple[str, list[str]]]:
    """Every key shared by 2 to ``most`` persons (of those ``among`` selects, if given), with
    them, in key order (streamed)."""
    within = _within(among)
    sizes = sa.select(K.key).where(*within).group_by(K.key)
    sizes = sizes.having(sa.func.count().between(2, most))
    query = sa.select(K.key, K.person_id).where(K.key.in_(sizes), *within)
    query = query.order_by(K.key, K.person_id)
    current, members = "", list[str]()
    for key, person_id in conn.execution_options(**batched(conn, 5000)).execute(query):
        if key != current and members:
            yield current, members
            members = []
        current = key
        members.append(person_id)
    if members:
        yield current, members


def _within(among: sa.Select[Any] | None) -> list[sa.ColumnElement[bool]]:
    return [] if among is None else [K.person_id.in_(among)]


class PersonFacts(NamedTuple):
    """What matching compares, read straight from a person's stored state."""

    names: tuple[str, ...]
    birth_date: PartialDate | None
    gender: Gender
    region: str | None


def person_facts(
    conn: sa.Connection, ids: Iterable[str], *, where: sa.ColumnElement[bool] | None = None
) -> dict[str, PersonFacts]:
    """Names, birth date, gender and region of the persons among ``ids`` (those that meet
    ``where``, a condition on ``records``, if given), by id.

    Reads the few fields matching needs from the stored JSON (the canonical form every record
    is hashed in) instead of decoding whole records: on 100,000 persons, half the time of
    ``propose_pairs`` went to decoding. Never reads the sensitive part.
    """
    wanted = sorted(set(ids))
    found: dict[str, PersonFacts] = {}
    for i in range(0, len(wanted), _CHUNK):
        query = sa.select(t.records.c.id, t.records.c.data).where(
            t.records.c.id.in_(wanted[i : i + _CHUNK]), t.records.c.kind == Person.KIND
        )
        query = query if where is None else query.where(where)
        for record_id, data in conn.execute(query):
            found[record_id] = _facts(json.loads(data))
    return found


def _facts(state: dict[str, Any]) -> PersonFacts:
    names = tuple(str(n["full"]) for n in state.get("names", ()) if n.get("full"))
    born = state.get("birth_date")
    return PersonFacts(
        names,
        PartialDate.parse(born) if born else None,
        Gender(state.get("gender") or Gender.UNKNOWN),
        state.get("region"),
    )


def judged_pairs(conn: sa.Connection) -> list[tuple[str, str, Verdict]]:
    """Every judgement in force: (left, right, verdict)."""
    c = t.judgements.c
    rows = conn.execute(sa.select(c.left_id, c.right_id, c.verdict))
    return [(left, right, Verdict(verdict)) for left, right, verdict in rows]
