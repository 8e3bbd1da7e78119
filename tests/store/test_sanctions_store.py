"""The sanctions review's queries in ``store/`` (``store/sanctions.py`` decisions,
``store/reach.py``), on SQLite and PostgreSQL: read through ``store.view(principal)``, a user
with internal clearance never learns of a restricted record through them — not its id, not a
decision on it, not a confirmation that made one — while the custodian reads everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sviedka.model import Confidentiality, NameForm, Person, Sanction
from sviedka.model.ids import new_id
from sviedka.policy import CUSTODIAN, Principal, PrincipalKind, Role
from sviedka.store import SqlStore
from sviedka.store.compartments import Grant, put_grant
from sviedka.store.reach import ids_within, scope_of
from sviedka.store.sanctions import (
    Decision,
    ListVersion,
    add_decision,
    add_version,
    cite_version,
    get_version,
    verdict_of,
    verdicts,
)

C = Confidentiality
INTERNAL = Principal(
    PrincipalKind.USER, "doc", id="doc-id", role=Role.VERIFIER, clearance=C.INTERNAL
)
CLEARED = Principal(
    PrincipalKind.USER, "chief", id="chief-id", role=Role.VERIFIER, clearance=C.RESTRICTED
)
AT = "2024-01-01T00:00:00.000000Z"


@dataclass(frozen=True)
class World:
    open: str  # an internal person
    hidden: str  # a restricted person, granted to nobody
    granted: str  # a restricted person, granted to CLEARED
    secret_sanction: str  # a restricted sanction record on the open person
    public_sanction: str  # a public sanction record on the open person


def _person(level: C, name: str) -> Person:
    return Person(id=new_id(), confidentiality=level, names=(NameForm(full=name),))


def _decision(person: str, ref: str, verdict: str, sanction: str | None = None) -> Decision:
    return Decision(person, "us_ofac_sdn", ref, verdict, "v1", sanction, "tester", AT, None)


@pytest.fixture
def world(store: SqlStore) -> World:
    open_, hidden, granted = (
        _person(C.INTERNAL, "Open"),
        _person(C.RESTRICTED, "Hidden"),
        _person(C.RESTRICTED, "Granted"),
    )
    secret = Sanction(id=new_id(), authority="OFAC", subject=open_.id, confidentiality=C.RESTRICTED)
    public = Sanction(id=new_id(), authority="OFAC", subject=open_.id)
    with store.writer() as w:
        for record in (open_, hidden, granted, secret, public):
            w.add(record, actor="tester")
        put_grant(w, Grant(granted.id, "user", "chief-id", "tester", AT))
        add_decision(w, _decision(open_.id, "1", "rejected"))
        add_decision(w, _decision(hidden.id, "2", "rejected"))
        add_decision(w, _decision(granted.id, "3", "rejected"))
        add_decision(w, _decision(open_.id, "4", "confirmed", secret.id))
        add_decision(w, _decision(open_.id, "5", "confirmed", public.id))
    return World(open_.id, hidden.id, granted.id, secret.id, public.id)


def test_ids_within_are_the_records_of_those_kinds_the_view_reads(
    store: SqlStore, world: World
) -> None:
    with store.view(INTERNAL) as view:
        assert ids_within(view, ["person"]) == {world.open}
        assert ids_within(view, ["person", "sanction"]) == {world.open, world.public_sanction}
        assert ids_within(view, ["detention"]) == frozenset()
    with store.view(CLEARED) as view:
        assert ids_within(view, ["person"]) == {world.open, world.granted}


def test_an_unscoped_view_reads_every_record(store: SqlStore, world: World) -> None:
    with store.unscoped_view() as view:
        assert scope_of(view) is None
        assert ids_within(view, ["person"]) is None  # everything: not listed one by one
    with store.view(INTERNAL) as view:
        assert scope_of(view) is not None


def test_verdicts_name_only_persons_and_sanction_records_the_view_reads(
    store: SqlStore, world: World
) -> None:
    with store.view(INTERNAL) as view:
        assert verdicts(view) == {
            (world.open, "us_ofac_sdn", "1"): "rejected",
            (world.open, "us_ofac_sdn", "5"): "confirmed",
        }
    with store.view(CLEARED) as view:
        seen = verdicts(view)
    assert (world.granted, "us_ofac_sdn", "3") in seen
    assert (world.hidden, "us_ofac_sdn", "2") not in seen
    assert (world.open, "us_ofac_sdn", "4") not in seen  # its restricted sanction is not granted
    with store.unscoped_view() as view:
        assert len(verdicts(view)) == 5


@pytest.mark.parametrize(
    ("which", "ref", "internal", "custodian"),
    [
        ("open", "1", "rejected", "rejected"),
        ("hidden", "2", None, "rejected"),
        ("granted", "3", None, "rejected"),
        ("open", "4", None, "confirmed"),
        ("open", "5", "confirmed", "confirmed"),
        ("open", "9", None, None),
    ],
)
def test_a_verdict_is_read_through_the_scope(
    store: SqlStore, world: World, which: str, ref: str, internal: Any, custodian: Any
) -> None:
    person = getattr(world, which)
    with store.view(INTERNAL) as view:
        assert verdict_of(view, person, "us_ofac_sdn", ref) == internal
    with store.view(CUSTODIAN) as view:
        assert verdict_of(view, person, "us_ofac_sdn", ref) == custodian
    with store.writer() as writer:  # a writer reads every decision: review checks it is new
        assert verdict_of(writer, person, "us_ofac_sdn", ref) == custodian


def test_a_version_cites_the_source_it_is_given(store: SqlStore) -> None:
    version = ListVersion(
        "v1", "us_ofac_sdn", "OFAC", "ofac-sdn", "sdn.csv", "0" * 64, None, AT, "t", 0, None, None
    )
    with store.writer() as writer:
        add_version(writer, version, [], replaces=None)
        cite_version(writer, "v1", "source-id")
    with store.view(INTERNAL) as view:
        assert get_version(view, "v1").source_id == "source-id"
