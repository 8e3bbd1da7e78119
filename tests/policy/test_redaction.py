"""Which fields a principal sees: sensitive fields only with ``read_sensitive``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import pytest
from oracle import ROLE_CAN, ROLES

from sviedka.model import Confidentiality, Event, NameForm, Person, PersonSensitive, Record
from sviedka.policy import (
    CUSTODIAN,
    PUBLIC,
    Principal,
    PrincipalKind,
    Role,
    Scope,
    hidden_fields,
    redact,
    redact_state,
)

PERSON = Person(
    id="p1",
    names=(NameForm(full="A"),),
    sensitive=PersonSensitive(contacts=("+375 29 000",), address="Minsk"),
)


def user(role: str, scopes: frozenset[Scope] | None = None) -> Principal:
    kind = PrincipalKind.USER if scopes is None else PrincipalKind.TOKEN
    return Principal(
        kind, "a", id="u1", role=Role(role), clearance=Confidentiality.RESTRICTED, scopes=scopes
    )


@pytest.mark.parametrize("role", ROLES)
def test_sensitive_fields_are_seen_only_by_roles_that_may_read_them(role: str) -> None:
    sees = "read_sensitive" in ROLE_CAN[role]
    principal = user(role)
    assert hidden_fields(principal, Person) == (frozenset() if sees else {"sensitive"})
    assert redact(principal, PERSON) == (
        PERSON if sees else PERSON.__class__(id="p1", names=PERSON.names)
    )
    state = {"names": [{"full": "A"}], "sensitive": {"address": "Minsk"}}
    assert redact_state(principal, Person, state) == (state if sees else {"names": [{"full": "A"}]})


def test_a_token_sees_sensitive_fields_only_with_the_read_scope() -> None:
    assert redact(user("admin", frozenset({Scope.READ})), PERSON) is PERSON
    assert redact(user("admin", frozenset({Scope.WRITE})), PERSON).sensitive is None  # type: ignore[attr-defined]


def test_the_public_never_and_the_custodian_always_sees_them() -> None:
    assert redact(PUBLIC, PERSON).sensitive is None  # type: ignore[attr-defined]
    assert redact(CUSTODIAN, PERSON) is PERSON


def test_a_kind_without_sensitive_fields_is_shown_whole() -> None:
    event = Event(id="e1", title="March")
    assert hidden_fields(PUBLIC, Event) == frozenset()
    assert redact(PUBLIC, event) is event
    assert redact_state(PUBLIC, Event, {"title": "March"}) == {"title": "March"}


@dataclass(frozen=True, kw_only=True)
class Secretive(Record):
    KIND: ClassVar[str] = "secretive"
    SENSITIVE: ClassVar[tuple[str, ...]] = ("code", "listed", "given")

    code: str
    listed: tuple[str, ...] = field(default_factory=lambda: ("placeholder",))
    given: str = "unset"
    shown: str = "visible"


def test_a_hidden_field_takes_its_default_or_none() -> None:
    record = Secretive(id="s1", code="1234", listed=("a",), given="b", shown="c")
    assert redact(PUBLIC, record) == Secretive(
        id="s1",
        code=None,
        listed=("placeholder",),
        given="unset",
        shown="c",  # type: ignore[arg-type]
    )
    assert redact(CUSTODIAN, record) is record
    assert Confidentiality.INTERNAL is record.confidentiality
