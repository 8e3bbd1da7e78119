"""The reads that pages, statistics and the name matcher make through a view (``store.stats``,
``store.people``, ``store.listings``, ``store.name_blocks``), on SQLite and PostgreSQL: each
counts and returns only what the view's principal may read. The running example: a public and a
confidential person with the same name, each held since 2021-03-10 under article 342, the public
one placed in a confidential facility."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from sviedka.model import Confidentiality, Detention, Verdict
from sviedka.names.blocking import blocking_keys
from sviedka.policy import CUSTODIAN, Principal, PrincipalKind, Role, partner
from sviedka.services.records.matching import likely_duplicates
from sviedka.services.records.records import build_record
from sviedka.store import SqlStore
from sviedka.store import schema as t
from sviedka.store.compartments import Grant, put_grant
from sviedka.store.listings import (
    granted_restricted,
    latest_changes,
    levels_of,
    naming,
    unsure_pairs,
)
from sviedka.store.name_blocks import facts, judgements, members, shared_keys
from sviedka.store.people import PeopleFilter, detentions_of, newest_page, people_page
from sviedka.store.spell_counts import Breakdown, Who
from sviedka.store.spells import Bound
from sviedka.store.stats import archive_state, counting
from sviedka.store.stats import levels_of as counted_levels

C = Confidentiality
DAY = date(2021, 6, 1)
NAME = "Ales Bialiatski"


def reader(clearance: C, *, groups: tuple[str, ...] = ()) -> Principal:
    return Principal(
        PrincipalKind.USER,
        "u",
        id="u1",
        role=Role.VIEWER,
        clearance=clearance,
        groups=frozenset(groups),
    )


INTERNAL = reader(C.INTERNAL)


def add(store: SqlStore, kind: str, payload: dict[str, Any]) -> str:
    record = build_record(kind, payload)
    with store.writer() as writer:
        writer.add(record, actor="test")
    return record.id


def held_person(store: SqlStore, level: C, facility: str) -> str:
    names = [{"full": NAME, "lang": "en"}]
    person = add(store, "person", {"names": names, "confidentiality": level.value})
    detention = {
        "person": person,
        "confidentiality": level.value,
        "arrest": {"date": "2021-03-10"},
        "recognition": {"date": "2021-04"},
        "charges": [{"article": "342"}],
        "placements": [{"facility": facility, "start": "2021-03-10"}],
    }
    add(store, "detention", detention)
    return person


@pytest.fixture
def world(store: SqlStore) -> dict[str, str]:
    org: dict[str, Any] = {"kind": "penal_facility"}
    hidden = add(
        store,
        "organisation",
        {"names": [{"full": "SIZO-1"}], "confidentiality": "confidential", **org},
    )
    shown = add(store, "organisation", {"names": [{"full": "Colony 2"}], **org})
    public = held_person(store, C.PUBLIC, hidden)
    secret = held_person(store, C.CONFIDENTIAL, shown)
    other = add(store, "person", {"names": [{"full": NAME, "lang": "en"}]})
    locked = add(store, "person", {"names": [{"full": NAME}], "confidentiality": "restricted"})
    with store.writer() as writer:
        writer.judge(public, secret, Verdict.UNSURE, actor="test")
        writer.judge(public, other, Verdict.UNSURE, actor="test")
        stamp = "2024-01-01T00:00:00.000000Z"
        put_grant(writer, Grant(locked, "group", "case-a", "test", stamp))
    return {
        "hidden": hidden,
        "shown": shown,
        "public": public,
        "secret": secret,
        "other": other,
        "locked": locked,
    }


# -- statistics --------------------------------------------------------------------------------


def test_the_levels_a_principal_counts_come_from_its_read_scope() -> None:
    assert counted_levels(INTERNAL) == {C.PUBLIC, C.INTERNAL}
    assert counted_levels(reader(C.RESTRICTED, groups=("case-a",))) == {
        C.PUBLIC,
        C.INTERNAL,
        C.CONFIDENTIAL,
    }, "a grant opens one record, never a count"
    assert counted_levels(CUSTODIAN) == set(C)
    assert counted_levels(partner("p", clearance=C.CONFIDENTIAL, kinds=["event"])) == set()


@pytest.mark.parametrize(("who", "held"), [(INTERNAL, 1), (CUSTODIAN, 2)])
def test_counts_never_include_what_the_principal_may_not_read(
    store: SqlStore, world: dict[str, str], who: Principal, held: int
) -> None:
    with counting(store, Who(frozenset(str(v) for v in counted_levels(who)))) as counts:
        assert counts.held([DAY])[0][Bound.CERTAIN] == held
        assert counts.held_by(DAY, Breakdown.ARTICLE, Bound.CERTAIN) == {"342": held}
        by_facility = counts.held_by(DAY, Breakdown.FACILITY, Bound.POSSIBLE)
        assert sum(by_facility.values()) == held
        flow = counts.flow("detained", None, date(2021, 1, 1), date(2021, 12, 31))
        assert flow == {"certain": held, "possible": held, "undated": 0}


def test_a_breakdown_names_only_the_facilities_at_the_levels_counted(
    store: SqlStore, world: dict[str, str]
) -> None:
    with counting(store, Who(frozenset({"public", "internal"}))) as counts:
        assert counts.record_at(world["hidden"], counted_levels(INTERNAL)) is None
        shown = counts.record_at(world["shown"], counted_levels(INTERNAL))
        assert shown is not None and shown.id == world["shown"]
        assert counts.record_at(world["hidden"], set(C)) is not None


@contextmanager
def statements(store: SqlStore) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)


def latest_revision(store: SqlStore) -> tuple[int, str | None]:
    R = t.revisions.c
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(R.id, R.at).order_by(R.id.desc()).limit(1)).first()
    return (0, None) if row is None else (row.id, row.at)


def test_the_archive_state_is_read_in_one_statement(store: SqlStore) -> None:
    with store.snapshot() as conn, statements(store) as seen:
        empty = archive_state(conn)
    assert len(seen) == 1
    assert (empty.checkpoint_size, empty.checkpoint_root, empty.log_size) == (None, None, 0)
    assert (empty.revisions, empty.latest_revision_at) == latest_revision(store)
    person = add(store, "person", {"names": [{"full": "X"}]})
    root = "ab" * 32
    with store.engine.begin() as conn:
        entries = [
            {"idx": i, "kind": "revision", "ref": person, "entry": "{}", "digest": "00" * 32}
            for i in range(3)
        ]
        conn.execute(sa.insert(t.ledger_entries), entries)
        row = {"size": 2, "root": root, "note": "n", "at": "2024-01-01T00:00:00.000000Z"}
        conn.execute(sa.insert(t.ledger_checkpoints), [row, {**row, "size": 1, "root": "cd" * 32}])
    with store.snapshot() as conn, statements(store) as seen:
        state = archive_state(conn)
    assert len(seen) == 1
    assert (state.checkpoint_size, state.checkpoint_root, state.log_size) == (2, root, 3)
    assert (state.revisions, state.latest_revision_at) == latest_revision(store)
    assert state.revisions > empty.revisions


# -- the people list and its neighbours ----------------------------------------------------------


def ids(records: Any) -> set[str]:
    return {r.id for r in records}


def test_the_people_list_filters_and_counts_within_the_scope(
    store: SqlStore, world: dict[str, str]
) -> None:
    held = PeopleFilter(status="held")
    with store.view(INTERNAL) as view:
        page, total = people_page(view, held, limit=10, offset=0)
        assert (ids(page), total) == ({world["public"]}, 1)
        page, total = people_page(view, PeopleFilter(article="342"), limit=10, offset=0)
        assert (ids(page), total) == ({world["public"]}, 1)
        in_hidden = PeopleFilter(facility=world["hidden"])
        assert people_page(view, in_hidden, limit=10, offset=0) == ([], 0), "as if none"
        in_shown = PeopleFilter(facility=world["shown"])
        assert people_page(view, in_shown, limit=10, offset=0) == ([], 0)
        unknown = PeopleFilter(status="unknown")
        page, total = people_page(view, unknown, limit=10, offset=0)
        assert (ids(page), total) == ({world["other"]}, 1)
        found = detentions_of(view, [world["public"], world["secret"]])
        assert [d.person for d in found if isinstance(d, Detention)] == [world["public"]]
        page, total = newest_page(view, "person", limit=1, offset=0)
        assert (ids(page), total) == ({world["other"]}, 2), "newest first, counted in scope"
    with store.view(CUSTODIAN) as view:
        page, total = people_page(view, held, limit=10, offset=0)
        assert (ids(page), total) == ({world["public"], world["secret"]}, 2)
        page, _ = people_page(view, PeopleFilter(facility=world["hidden"]), limit=10, offset=0)
        assert ids(page) == {world["public"]}


def test_lists_beside_records_hold_only_what_the_scope_admits(
    store: SqlStore, world: dict[str, str]
) -> None:
    everyone = set(world.values())
    with store.view(INTERNAL) as view:
        pairs = unsure_pairs(view, limit=10)
        assert [(j.left, j.right) for j in pairs] == [(world["public"], world["other"])]
        changed = {c.record.id for c in latest_changes(view, limit=100)}
        assert changed == {world["shown"], world["public"], world["other"]} | {
            d.id for d in detentions_of(view, [world["public"]])
        }
        assert set(levels_of(view, everyone)) == {world["shown"], world["public"], world["other"]}
        assert naming(view, "detention", [world["secret"], world["hidden"]], limit=10) != []
        assert naming(view, "detention", [world["secret"]], limit=10) == []
        assert granted_restricted(view) == frozenset()
    with store.view(reader(C.RESTRICTED, groups=("case-a",))) as view:
        assert granted_restricted(view) == {world["locked"]}
        assert levels_of(view, [world["locked"]]) == {world["locked"]: C.RESTRICTED}
    with store.view(CUSTODIAN) as view:
        assert len(unsure_pairs(view, limit=10)) == 2
        assert set(levels_of(view, everyone)) == everyone


# -- name blocks -----------------------------------------------------------------------------


def test_name_blocks_find_size_and_score_only_the_persons_in_scope(
    store: SqlStore, world: dict[str, str]
) -> None:
    keys = blocking_keys([NAME], None)
    same_name = {world["public"], world["secret"], world["other"], world["locked"]}
    with store.view(INTERNAL) as view:
        found = {p for persons in members(view, keys, most=200).values() for p in persons}
        assert found == {world["public"], world["other"]}
        assert members(view, keys, most=1) == {}, "two readable persons make a key too big"
        blocked = {p for _, persons in shared_keys(view, most=200) for p in persons}
        assert blocked == {world["public"], world["other"]}
        assert set(facts(view, same_name)) == {world["public"], world["other"]}
        assert len(judgements(view)) == 2, "the resolver's state is read whole"
    with store.view(CUSTODIAN) as view:
        found = {p for persons in members(view, keys, most=200).values() for p in persons}
        assert found == same_name
        assert members(view, keys, most=3) == {}
    with store.unscoped_view() as view:
        hits = likely_duplicates(view, [NAME], None, limit=10, reader=INTERNAL)
        assert {h[0] for h in hits} == {world["public"], world["other"]}
        everyone = likely_duplicates(view, [NAME], None, limit=10)
        assert {h[0] for h in everyone} == same_name
