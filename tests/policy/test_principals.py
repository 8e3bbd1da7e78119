"""Principals: one type for every kind of caller, made from an account or named explicitly."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sviedka.model import Confidentiality
from sviedka.policy import (
    CUSTODIAN,
    PUBLIC,
    Grantee,
    GranteeKind,
    Principal,
    PrincipalKind,
    Role,
    Scope,
    custodian,
    partner,
    principal_of,
)


@dataclass(frozen=True)
class Account:
    id: str = "u1"
    username: str = "alice"
    role: str = "documenter"
    clearance: Confidentiality = Confidentiality.CONFIDENTIAL
    groups: frozenset[str] = frozenset({"case-a", "case-b"})
    disabled: bool = False
    scopes: frozenset[str] | None = None


def test_an_account_in_a_session_is_a_user_principal() -> None:
    assert principal_of(Account()) == Principal(
        PrincipalKind.USER,
        "alice",
        id="u1",
        role=Role.DOCUMENTER,
        clearance=Confidentiality.CONFIDENTIAL,
        groups=frozenset({"case-a", "case-b"}),
    )


def test_an_account_with_token_scopes_is_a_token_principal_and_unknown_scopes_grant_nothing() -> (
    None
):
    made = principal_of(Account(scopes=frozenset({"read", "evidence", "teleport"}), disabled=True))
    assert made.kind is PrincipalKind.TOKEN
    assert made.scopes == frozenset({Scope.READ, Scope.EVIDENCE})
    assert made.disabled is True
    assert principal_of(Account(scopes=frozenset())).scopes == frozenset()


def test_a_principal_is_its_own_principal() -> None:
    assert principal_of(CUSTODIAN) is CUSTODIAN


@pytest.mark.parametrize(
    ("principal", "actor"),
    [
        (principal_of(Account()), "user:alice"),
        (principal_of(Account(scopes=frozenset({"read"}))), "user:alice"),
        (custodian("cli:bob"), "cli:bob"),
        (partner("viasna", clearance=Confidentiality.INTERNAL, kinds=["person"]), "partner:viasna"),
        (PUBLIC, "public"),
    ],
)
def test_every_principal_is_named_in_revisions(principal: Principal, actor: str) -> None:
    assert principal.actor == actor


def test_grants_reach_an_account_by_its_id_and_its_groups() -> None:
    assert principal_of(Account()).grantees == frozenset(
        {
            Grantee(GranteeKind.USER, "u1"),
            Grantee(GranteeKind.GROUP, "case-a"),
            Grantee(GranteeKind.GROUP, "case-b"),
        }
    )
    assert principal_of(Account(groups=frozenset())).grantees == {Grantee(GranteeKind.USER, "u1")}


def test_the_custodian_the_public_and_partners_are_named_explicitly() -> None:
    assert custodian("cli:bob") == Principal(
        PrincipalKind.CUSTODIAN, "cli:bob", clearance=Confidentiality.RESTRICTED
    )
    assert CUSTODIAN.name == "custodian" and CUSTODIAN.grantees == frozenset()
    assert Principal(PrincipalKind.PUBLIC, "public") == PUBLIC
    assert PUBLIC.clearance is Confidentiality.PUBLIC
    made = partner("viasna", clearance=Confidentiality.INTERNAL, kinds=["person", "detention"])
    assert made == Principal(
        PrincipalKind.PARTNER,
        "viasna",
        clearance=Confidentiality.INTERNAL,
        groups=frozenset({"partner:viasna"}),
        kinds=frozenset({"person", "detention"}),
    )
    assert made.grantees == {Grantee(GranteeKind.GROUP, "partner:viasna")}


def test_principals_are_values() -> None:
    with pytest.raises(AttributeError):
        PUBLIC.clearance = Confidentiality.RESTRICTED  # type: ignore[misc]
    assert hash(principal_of(Account())) == hash(principal_of(Account()))
