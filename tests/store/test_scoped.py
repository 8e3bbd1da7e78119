"""Views scoped to a principal (``store.view(principal)``), on SQLite and PostgreSQL: every read
returns only what the policy admits, and a hidden id costs the same statements as an unknown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa

from sviedka.errors import NotFound
from sviedka.model import Confidentiality, Evidence, NameForm, Organisation, Person, Verdict
from sviedka.model.custody import CustodyEvent, CustodyKind
from sviedka.model.ids import new_id
from sviedka.policy import (
    CUSTODIAN,
    PUBLIC,
    Grantee,
    GranteeKind,
    Principal,
    PrincipalKind,
    Role,
    partner,
    read_scope,
)
from sviedka.store import BlobRecord, SqlStore
from sviedka.store.compartments import Grant, drop_grant, grants_of, put_grant
from sviedka.store.scoped import ScopedView, scoped
from sviedka.store.sql import SqlView

LEVELS = list(Confidentiality)
C = Confidentiality


def user(clearance: C, *, groups: tuple[str, ...] = (), role: Role = Role.VIEWER) -> Principal:
    return Principal(
        PrincipalKind.USER, "u", id="u1", role=role, clearance=clearance, groups=frozenset(groups)
    )


def person(level: C, name: str = "P") -> Person:
    return Person(id=new_id(), confidentiality=level, names=(NameForm(full=name),))


def add(store: SqlStore, *records: Any) -> None:
    with store.writer() as w:
        for r in records:
            w.add(r, actor="tester")


def grant(store: SqlStore, record_id: str, kind: GranteeKind, name: str) -> None:
    with store.writer() as w:
        put_grant(w, Grant(record_id, kind.value, name, "tester", "2024-01-01T00:00:00.000000Z"))


@pytest.fixture
def world(store: SqlStore) -> dict[str, str]:
    """A person at every level, and restricted ones granted to a group, a user, nobody."""
    made = {level.value: person(level, level.value) for level in LEVELS}
    made["by_group"] = person(C.RESTRICTED, "by group")
    made["by_user"] = person(C.RESTRICTED, "by user")
    made["org"] = Organisation(id=new_id(), names=(NameForm(full="Unit"),))
    add(store, *made.values())
    grant(store, made["by_group"].id, GranteeKind.GROUP, "case-a")
    grant(store, made["by_user"].id, GranteeKind.USER, "u1")
    return {name: record.id for name, record in made.items()}


READERS = {
    "internal": (user(C.INTERNAL, groups=("case-a",)), {"public", "internal"}),
    "restricted, in case-a": (
        user(C.RESTRICTED, groups=("case-a",)),
        {"public", "internal", "confidential", "by_group", "by_user"},
    ),
    "restricted, no group": (
        user(C.RESTRICTED),
        {"public", "internal", "confidential", "by_user"},
    ),
    "the custodian": (
        CUSTODIAN,
        {"public", "internal", "confidential", "restricted", "by_group", "by_user"},
    ),
    "the public": (PUBLIC, {"public"}),
    "a partner without persons": (partner("p", clearance=C.CONFIDENTIAL, kinds=["event"]), set()),
    "a disabled account": (replace(user(C.RESTRICTED), disabled=True), set()),
}


@pytest.mark.parametrize("reader", list(READERS))
def test_a_scoped_view_reads_lists_and_counts_only_what_the_policy_admits(
    store: SqlStore, world: dict[str, str], reader: str
) -> None:
    principal, expected = READERS[reader]
    people = {world[name] for name in expected}
    with store.view(principal) as view:
        listed = {s.record.id for s in view.records("person", limit=100)}
        assert listed == people
        assert view.count("person") == len(people)
        page, total = view.page("person", limit=2, offset=0)
        assert (len(page), total) == (min(2, len(people)), len(people))
        names = {n for n in world if n != "org"}
        assert {n for n in names if view.find(world[n]) is not None} == expected
        assert set(view.kinds_of(world[n] for n in names)) == people
        for name in names - expected:
            with pytest.raises(NotFound, match=f"^No record with id {world[name]}.$"):
                view.get(world[name])
            with pytest.raises(NotFound, match=f"^No record with id {world[name]}.$"):
                view.history(world[name])


def test_filters_apply_within_the_scope(store: SqlStore, world: dict[str, str]) -> None:
    add(store, replace(person(C.INTERNAL), occupation="lawyer"))
    add(store, replace(person(C.CONFIDENTIAL), occupation="lawyer"))
    with store.view(user(C.INTERNAL)) as view:
        found = view.records("person", where={"occupation": "lawyer"})
        assert [s.record.confidentiality for s in found] == [C.INTERNAL]
        assert view.count("person", where={"occupation": "lawyer"}) == 1


def test_every_page_carries_the_scoped_total_and_past_the_end_too(
    store: SqlStore, world: dict[str, str]
) -> None:
    add(store, *(replace(person(C.INTERNAL), occupation="lawyer") for _ in range(3)))
    add(store, replace(person(C.CONFIDENTIAL), occupation="lawyer"))
    principal, expected = READERS["internal"]
    with store.view(principal) as view:
        everyone = [s.record.id for s in view.records("person", limit=100)]
        assert len(everyone) == len(expected) + 3
        for offset in range(len(everyone) + 2):
            page, total = view.page("person", limit=2, offset=offset)
            assert [s.record.id for s in page] == everyone[offset : offset + 2]
            assert total == len(everyone)
        lawyers, total = view.page("person", where={"occupation": "lawyer"}, limit=2, offset=1)
        assert (len(lawyers), total) == (2, 3)
        assert view.page("person", where={"occupation": "lawyer"}, limit=2, offset=9) == ([], 3)


def test_the_whole_store_is_asked_for_by_name(store: SqlStore, world: dict[str, str]) -> None:
    with store.unscoped_view() as view:
        assert isinstance(view, SqlView) and not isinstance(view, ScopedView)
        assert view.count("person") == 6
    with store.view(CUSTODIAN) as view:
        assert view.count("person") == 6


def test_history_and_as_of_reads_show_a_state_only_at_a_level_the_reader_may_read(
    store: SqlStore,
) -> None:
    secret = replace(person(C.RESTRICTED), notes="the address")
    add(store, secret)
    grant(store, secret.id, GranteeKind.USER, "u1")
    with store.writer() as w:
        w.update(replace(secret, confidentiality=C.INTERNAL, notes=None), actor="tester")
    with store.unscoped_view() as view:
        first, second = view.history(secret.id)
    with store.view(user(C.INTERNAL)) as view:
        assert [r.seq for r in view.history(secret.id)] == [2]
        assert view.get(secret.id, as_of=second.at).record.notes is None  # type: ignore[attr-defined]
        with pytest.raises(NotFound, match=f"^No record with id {secret.id}.$"):
            view.get(secret.id, as_of=first.at)
    with store.view(user(C.RESTRICTED)) as view:
        assert [r.seq for r in view.history(secret.id)] == [1, 2]
        assert view.get(secret.id, as_of=first.at).record.notes == "the address"  # type: ignore[attr-defined]
    stranger = replace(user(C.RESTRICTED), id="u2")  # cleared, and not granted
    with store.view(stranger) as view:
        assert [r.seq for r in view.history(secret.id)] == [2]


@contextmanager
def statements(store: SqlStore) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", note)


@pytest.mark.parametrize("reader", [user(C.RESTRICTED), user(C.INTERNAL)])
def test_a_hidden_id_runs_the_same_statements_as_an_unknown_one(
    store: SqlStore, world: dict[str, str], reader: Principal
) -> None:
    def attempts(record_id: str) -> list[str]:
        with statements(store) as seen, store.view(reader) as view:
            for read in (view.get, view.history, lambda i: view.get(i, as_of="2099-01-01")):
                with pytest.raises(NotFound):
                    read(record_id)
        return seen

    assert attempts(world["restricted"]) == attempts(new_id())


def test_judgements_and_clusters_name_only_readable_records(
    store: SqlStore, world: dict[str, str]
) -> None:
    with store.writer() as w:
        w.judge(world["internal"], world["public"], Verdict.SAME, actor="tester")
        w.judge(world["internal"], world["confidential"], Verdict.SAME, actor="tester")
    with store.view(user(C.INTERNAL)) as view:
        pairs = [(j.left, j.right) for j in view.judgements(world["internal"])]
        assert pairs == [tuple(sorted((world["internal"], world["public"])))]
        assert view.judgements(world["confidential"]) == []
        members = {world["internal"], world["public"]}
        assert view.cluster(world["internal"]).members == tuple(sorted(members))
        assert view.cluster(world["internal"]).canonical == min(members)
        with pytest.raises(NotFound):
            view.cluster(world["confidential"])
    with store.view(user(C.CONFIDENTIAL)) as view:
        assert len(view.cluster(world["public"]).members) == 3


def evidence(store: SqlStore, level: C, sha: str, thumb: str) -> None:
    record = Evidence(id=new_id(), confidentiality=level, title="f", sha256=sha, thumbnail=thumb)
    with store.writer() as w:
        w.add(record, actor="tester")
        for digest, derived in ((sha, False), (thumb, True)):
            w.put_blob(BlobRecord(digest, digest, 1, 1, "image/jpeg", derived, "2024"))
        w.add_custody(CustodyEvent(sha, CustodyKind.INGESTED, "tester", "2024"))


def test_files_are_read_only_through_an_evidence_record_the_reader_may_read(
    store: SqlStore,
) -> None:
    shown, hidden = "a" * 64, "b" * 64
    evidence(store, C.INTERNAL, shown, "c" * 64)
    evidence(store, C.CONFIDENTIAL, hidden, "d" * 64)
    with store.view(user(C.INTERNAL)) as view:
        assert isinstance(view, ScopedView)
        assert view.readable_files([shown, hidden, "c" * 64, "d" * 64]) == {shown, "c" * 64}
        assert view.blob(hidden) is None and view.custody(hidden) == []
        assert view.blob(shown) is not None and len(view.custody(shown)) == 1
        assert {b.sha256 for b in view.blobs()} == {shown, "c" * 64}
    with store.view(user(C.CONFIDENTIAL)) as view:
        assert len(view.blobs()) == 4


def test_kept_references_are_told_whatever_the_scope(
    store: SqlStore, world: dict[str, str]
) -> None:
    with store.unscoped_view() as view:
        seen = scoped(view, read_scope(user(C.INTERNAL)), kept=[world["confidential"]])
        wanted = [world["confidential"], world["restricted"], world["public"]]
        assert seen.kinds_of(wanted) == {world["confidential"]: "person", world["public"]: "person"}


def test_a_scoped_view_inside_a_writer_reads_what_the_writer_has_buffered(
    store: SqlStore,
) -> None:
    fresh = person(C.INTERNAL)
    with store.writer() as w:
        w.add(fresh, actor="tester")
        assert scoped(w, read_scope(user(C.INTERNAL))).find(fresh.id) is not None


def test_a_second_grant_to_the_same_grantee_is_one_grant_and_a_dropped_one_is_gone(
    store: SqlStore, world: dict[str, str]
) -> None:
    record_id = world["restricted"]
    made = Grant(record_id, "group", "case-b", "tester", "2024-01-01T00:00:00.000000Z")
    with store.writer() as w:
        assert put_grant(w, made) is True
        assert put_grant(w, replace(made, granted_by="again")) is False
    with store.unscoped_view() as view:
        assert grants_of(view, record_id) == [made]
    reader = user(C.RESTRICTED, groups=("case-b",))
    with store.view(reader) as view:
        assert view.find(record_id) is not None
    with store.writer() as w:
        assert drop_grant(w, record_id, Grantee(GranteeKind.GROUP, "case-b")) is True
        assert drop_grant(w, record_id, Grantee(GranteeKind.GROUP, "case-b")) is False
    with store.view(reader) as view:
        assert view.find(record_id) is None
