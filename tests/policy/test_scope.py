"""Read scopes: the rule a store turns into SQL, decided here one record at a time."""

from __future__ import annotations

from sviedka.model import Confidentiality, NameForm, Person
from sviedka.policy import (
    EVERYTHING,
    NOTHING,
    Grantee,
    GranteeKind,
    ReadScope,
    Subject,
    subject_of,
)

C = Confidentiality
ME = Grantee(GranteeKind.USER, "u1")
ALL = frozenset(C)


def test_restricted_records_open_with_a_grant_unless_every_compartment_is_open() -> None:
    scope = ReadScope(ALL, frozenset({ME}))
    assert scope.open_levels == {C.PUBLIC, C.INTERNAL, C.CONFIDENTIAL}
    assert scope.compartments == {ME}
    assert not scope.unscoped
    assert scope.admits(Subject("person", C.RESTRICTED, frozenset({ME})))
    assert not scope.admits(Subject("person", C.RESTRICTED))
    assert not scope.admits(
        Subject("person", C.RESTRICTED, frozenset({Grantee(GranteeKind.GROUP, "u1")}))
    )
    assert EVERYTHING.open_levels == ALL and EVERYTHING.compartments == frozenset()
    assert EVERYTHING.admits(Subject("person", C.RESTRICTED))


def test_compartments_matter_only_where_restricted_is_within_the_scope() -> None:
    below = ReadScope(frozenset({C.PUBLIC, C.INTERNAL}), frozenset({ME}))
    assert below.compartments == frozenset()
    assert not below.admits(Subject("person", C.RESTRICTED, frozenset({ME})))
    odd = ReadScope(frozenset({C.PUBLIC, C.RESTRICTED}), frozenset({ME}))  # no prefix of levels
    assert odd.compartments == {ME}
    assert not odd.admits(Subject("person", C.CONFIDENTIAL, frozenset({ME})))
    assert odd.admits(Subject("person", C.RESTRICTED, frozenset({ME})))


def test_only_a_scope_over_every_level_kind_and_compartment_is_unscoped() -> None:
    assert EVERYTHING.unscoped
    assert not NOTHING.unscoped
    assert not ReadScope(ALL, every_compartment=True, kinds=frozenset({"person"})).unscoped
    assert not ReadScope(ALL - {C.PUBLIC}, every_compartment=True).unscoped
    assert not ReadScope(ALL).unscoped


def test_kinds_narrow_a_scope() -> None:
    people = ReadScope(ALL, every_compartment=True, kinds=frozenset({"person"}))
    assert people.admits(Subject("person", C.PUBLIC))
    assert not people.admits(Subject("event", C.PUBLIC))
    assert [NOTHING.admits(Subject("person", level)) for level in C] == [False] * 4


def test_a_subject_is_what_the_policy_knows_of_a_record() -> None:
    record = Person(id="p1", confidentiality=C.CONFIDENTIAL, names=(NameForm(full="A"),))
    assert subject_of(record, [ME]) == Subject("person", C.CONFIDENTIAL, frozenset({ME}))
    assert subject_of(record) == Subject("person", C.CONFIDENTIAL)
