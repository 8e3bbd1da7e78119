"""Tampering with stored records or revisions is found and named by record id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa

from sviedka.model import NameForm, Person
from sviedka.model.ids import new_id
from sviedka.store import Problem, SqlStore
from sviedka.store import schema as t

R, V = t.records.c, t.revisions.c


@pytest.fixture
def people(store: SqlStore) -> list[Person]:
    made = [Person(id=new_id(), names=(NameForm(full=f"P{i}", lang="be"),)) for i in range(3)]
    with store.writer() as w:
        for p in made:
            w.add(p, actor="a")
        w.update(replace(made[1], occupation="teacher"), actor="b")
        w.update(replace(made[1], occupation="lawyer"), actor="b")
    return made


def tamper(store: SqlStore, statement: Any) -> None:
    with store.engine.begin() as conn:
        conn.execute(statement)


def problems(store: SqlStore) -> list[Problem]:
    return list(store.integrity_problems())


def test_an_untouched_archive_has_no_problems(store: SqlStore, people: list[Person]) -> None:
    assert problems(store) == []


def _edit_row(p: list[Person]) -> Any:
    return sa.update(t.records).where(R.id == p[0].id).values(data=R.data + " ")


def _edit_revision(p: list[Person]) -> Any:
    new = '{"confidentiality":"internal","id":"%s","names":[{"full":"X","lang":"be"}]}'
    return (
        sa.update(t.revisions).where(V.record_id == p[1].id, V.seq == 2).values(state=new % p[1].id)
    )


def _delete_revision(p: list[Person]) -> Any:
    return sa.delete(t.revisions).where(V.record_id == p[1].id, V.seq == 2)


def _delete_row(p: list[Person]) -> Any:
    return sa.delete(t.records).where(R.id == p[2].id)


def _reorder(p: list[Person]) -> Any:
    return sa.update(t.revisions).where(V.record_id == p[1].id, V.seq == 3).values(seq=9)


def _relabel_confidentiality(p: list[Person]) -> Any:
    return sa.update(t.records).where(R.id == p[0].id).values(confidentiality="public")


def _relabel_kind(p: list[Person]) -> Any:
    return sa.update(t.revisions).where(V.record_id == p[0].id).values(kind="organisation")


CASES: dict[str, tuple[Callable[[list[Person]], Any], int, str]] = {
    "relabelled kind": (_relabel_kind, 0, "stored as a organisation, its state says otherwise"),
    "altered current row": (_edit_row, 0, "differs from its last revision"),
    "altered revision": (_edit_revision, 1, "revision 2: state does not match"),
    "deleted revision": (_delete_revision, 1, "expected revision 2"),
    "deleted current row": (_delete_row, 2, "current row is missing"),
    "renumbered revision": (_reorder, 1, "expected revision 3"),
    "relabelled confidentiality": (_relabel_confidentiality, 0, "confidentiality column"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_kind_of_tampering_is_named_by_record(
    store: SqlStore, people: list[Person], case: str
) -> None:
    statement, victim, message = CASES[case]
    tamper(store, statement(people))
    found = problems(store)
    assert found, case
    assert {p.subject for p in found} == {people[victim].id}
    assert any(message in p.what for p in found), found


def test_a_row_inserted_outside_the_writer_is_named(store: SqlStore, people: list[Person]) -> None:
    rogue = new_id()
    row = {"id": rogue, "kind": "person", "confidentiality": "internal", "data": "{}"}
    row |= {"revision": 1, "sha256": "0" * 64, "created_at": "x", "updated_at": "x"}
    tamper(store, sa.insert(t.records).values(**row))
    assert [(p.subject, p.what) for p in problems(store)] == [
        (rogue, "current row has no revisions (inserted outside the writer?)")
    ]
