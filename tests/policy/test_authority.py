"""The authority against the roles, scopes and levels tables of docs/security.md (``oracle``):
every role × permission, every token scope, every clearance × level × compartment."""

from __future__ import annotations

from dataclasses import replace

import pytest
from oracle import LEVELS, PERMISSIONS, ROLE_CAN, ROLES, SCOPE_CAN, up_to

from sviedka.errors import SviedkaError
from sviedka.model import Confidentiality
from sviedka.policy import (
    CUSTODIAN,
    PUBLIC,
    SCOPES,
    Forbidden,
    Grantee,
    GranteeKind,
    Permission,
    Principal,
    PrincipalKind,
    Role,
    Scope,
    Subject,
    can,
    clearance_levels,
    custodian,
    may,
    may_read,
    may_write,
    partner,
    permissions,
    reach,
    read_scope,
    require,
    visible_levels,
    within_reach,
)
from sviedka.policy import (
    LEVELS as POLICY_LEVELS,
)
from sviedka.policy import (
    PERMISSIONS as TABLE,
)

C = Confidentiality
ME = Grantee(GranteeKind.USER, "u1")
MY_GROUP = Grantee(GranteeKind.GROUP, "case-a")
OTHER = Grantee(GranteeKind.GROUP, "case-z")


def user(
    role: str = "viewer",
    clearance: str = "restricted",
    *,
    scopes: set[str] | None = None,
    disabled: bool = False,
) -> Principal:
    return Principal(
        PrincipalKind.USER if scopes is None else PrincipalKind.TOKEN,
        "alice",
        id="u1",
        role=Role(role),
        clearance=C(clearance),
        groups=frozenset({"case-a"}),
        scopes=None if scopes is None else frozenset(Scope(s) for s in scopes),
        disabled=disabled,
    )


def test_the_tables_are_the_documented_ones() -> None:
    assert {r.value: {p.value for p in ps} for r, ps in TABLE.items()} == ROLE_CAN
    assert {s.value: {p.value for p in ps} for s, ps in SCOPES.items()} == SCOPE_CAN
    assert [p.value for p in Permission] == PERMISSIONS
    assert [level.value for level in POLICY_LEVELS] == LEVELS


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_do_exactly_what_the_roles_table_says(role: str) -> None:
    principal = user(role)
    assert {p.value for p in permissions(principal)} == ROLE_CAN[role]
    for permission in PERMISSIONS:
        assert can(principal, Permission(permission)) == (permission in ROLE_CAN[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "scopes", [set(), {"read"}, {"write"}, {"evidence"}, {"import"}, {"admin"}, {"read", "write"}]
)
def test_a_token_may_do_what_both_its_role_and_its_scopes_allow(
    role: str, scopes: set[str]
) -> None:
    allowed = ROLE_CAN[role] & set().union(*(SCOPE_CAN[s] for s in scopes))
    assert {p.value for p in permissions(user(role, scopes=scopes))} == allowed


@pytest.mark.parametrize("role", ROLES)
def test_a_disabled_account_may_do_nothing_and_read_no_level(role: str) -> None:
    for scopes in (None, {"read", "write", "admin"}):
        principal = user(role, scopes=scopes, disabled=True)
        assert permissions(principal) == frozenset()
        assert clearance_levels(principal) == frozenset()
        assert visible_levels(principal) == frozenset()
        assert not may_write(principal, C.PUBLIC)


def test_an_account_without_a_role_may_do_nothing() -> None:
    assert permissions(replace(user(), role=None)) == frozenset()
    assert permissions(replace(user(scopes={"read"}), role=None)) == frozenset()


def test_the_custodian_may_do_everything_and_partners_and_the_public_only_read() -> None:
    assert permissions(CUSTODIAN) == frozenset(Permission)
    assert permissions(custodian("cli:bob")) == frozenset(Permission)
    only_read = frozenset({Permission.READ})
    assert permissions(PUBLIC) == only_read
    assert permissions(partner("p", clearance=C.RESTRICTED, kinds=["person"])) == only_read


@pytest.mark.parametrize("clearance", LEVELS)
@pytest.mark.parametrize("role", ROLES)
def test_every_clearance_reads_and_writes_the_levels_up_to_it(role: str, clearance: str) -> None:
    principal = user(role, clearance)
    assert {level.value for level in clearance_levels(principal)} == up_to(clearance)
    assert {level.value for level in visible_levels(principal)} == up_to(clearance)
    for level in LEVELS:
        assert may_write(principal, C(level)) == (level in up_to(clearance))


def test_a_token_without_read_reads_no_level_but_writes_within_its_clearance() -> None:
    writer = user("documenter", "confidential", scopes={"write"})
    assert visible_levels(writer) == frozenset()
    assert {level.value for level in clearance_levels(writer)} == up_to("confidential")
    subject = Subject("person", C.CONFIDENTIAL)
    assert within_reach(writer, subject) and not may_read(writer, subject)


GRANTS = {"nobody": frozenset(), "me": frozenset({ME}), "my group": frozenset({MY_GROUP})}


@pytest.mark.parametrize("clearance", LEVELS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("granted", list(GRANTS))
def test_every_clearance_reads_every_level_and_restricted_only_when_granted(
    clearance: str, level: str, granted: str
) -> None:
    subject = Subject("person", C(level), GRANTS[granted] | {OTHER})
    expected = level in up_to(clearance) and (level != "restricted" or granted != "nobody")
    assert may_read(user("viewer", clearance), subject) == expected
    assert within_reach(user("viewer", clearance), subject) == expected
    assert may(user("viewer", clearance), Permission.READ, subject) == expected


def test_the_custodian_reads_every_compartment_and_the_public_only_public_records() -> None:
    hidden = Subject("person", C.RESTRICTED)
    assert may_read(CUSTODIAN, hidden)
    assert [may_read(PUBLIC, Subject("person", C(level))) for level in LEVELS] == [
        True,
        False,
        False,
        False,
    ]


def test_a_partner_reads_the_kinds_of_its_profile_up_to_its_level_and_its_compartment() -> None:
    viasna = partner("viasna", clearance=C.RESTRICTED, kinds=["person"])
    assert may_read(viasna, Subject("person", C.CONFIDENTIAL))
    assert not may_read(viasna, Subject("detention", C.PUBLIC))
    assert not may_read(viasna, Subject("person", C.RESTRICTED, frozenset({ME})))
    shared = Grantee(GranteeKind.GROUP, "partner:viasna")
    assert may_read(viasna, Subject("person", C.RESTRICTED, frozenset({shared})))


@pytest.mark.parametrize("role", ROLES)
def test_acting_on_a_record_needs_the_permission_and_the_record_readable(role: str) -> None:
    principal = user(role, "internal")
    for permission in PERMISSIONS:
        allowed = permission in ROLE_CAN[role]
        assert may(principal, Permission(permission), Subject("person", C.INTERNAL)) == allowed
        assert not may(principal, Permission(permission), Subject("person", C.CONFIDENTIAL))
    writer = user(role, "internal", scopes={"write"})
    assert not may(writer, Permission.UPDATE, Subject("person", C.INTERNAL))


def test_scopes_of_reads_and_of_reach() -> None:
    assert read_scope(user(scopes={"write"})).levels == frozenset()
    assert reach(user(scopes={"write"})).levels == frozenset(C)
    assert reach(user("viewer", "internal")).grantees == {ME, MY_GROUP}
    assert reach(user()).every_compartment is False
    assert reach(CUSTODIAN).every_compartment is True
    assert reach(partner("p", clearance=C.PUBLIC, kinds=["event"])).kinds == {"event"}
    assert reach(user()).kinds is None


def test_forbidden_says_what_to_do_and_is_a_403() -> None:
    assert issubclass(Forbidden, SviedkaError) and Forbidden.status == 403
    require(user("viewer"), Permission.READ)
    require(CUSTODIAN, Permission.MANAGE_KEYS)
    cases = [
        (
            user("viewer"),
            "Your role (viewer) does not allow this (create); ask a coordinator.",
        ),
        (
            user("admin", scopes={"read"}),
            "This token does not allow this (create); use one with that scope.",
        ),
        (PUBLIC, "A public may not do this (create)."),
        (
            partner("p", clearance=C.PUBLIC, kinds=[]),
            "A partner may not do this (create).",
        ),
    ]
    for principal, message in cases:
        with pytest.raises(Forbidden) as raised:
            require(principal, Permission.CREATE)
        assert str(raised.value) == message
