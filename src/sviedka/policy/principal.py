"""Who is asking: one ``Principal`` for every kind of caller.

A person in a web session and an API token are made from their account (``principal_of``); the
CLI's custodian, who holds the archive's keys, is named explicitly (``custodian``, ``CUSTODIAN``);
a partner archive reads what its profile allows (``partner``); the public reads public records.
A principal is a value: it says who, never what may be done (that is ``authority``'s).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ..model import Confidentiality
from .roles import Role, Scope

__all__ = [
    "CUSTODIAN",
    "PUBLIC",
    "Account",
    "Grantee",
    "GranteeKind",
    "Principal",
    "PrincipalKind",
    "custodian",
    "partner",
    "principal_of",
]


class PrincipalKind(StrEnum):
    USER = "user"  # a person in a web session: their account's role
    TOKEN = "token"  # an API token: its account's role, narrowed to the token's scopes
    CUSTODIAN = "custodian"  # the CLI with the archive's keys: everything, asked for by name
    PARTNER = "partner"  # another archive: reads what its profile allows
    PUBLIC = "public"  # anyone: public records, read only


class GranteeKind(StrEnum):
    USER = "user"  # by account id
    GROUP = "group"  # by group name


@dataclass(frozen=True)
class Grantee:
    """Whom a restricted record may be granted to."""

    kind: GranteeKind
    name: str  # an account id or a group name


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    name: str  # the account name, the custodian's actor, the partner's name
    id: str | None = None  # the account id (what "user" grants name)
    role: Role | None = None
    clearance: Confidentiality = Confidentiality.PUBLIC
    groups: frozenset[str] = frozenset()
    scopes: frozenset[Scope] | None = None  # a token's; None for everyone else
    disabled: bool = False
    kinds: frozenset[str] | None = None  # the record kinds it may read; None: every kind

    # The logic of these properties is in functions: mutation testing (mutmut) does not reach
    # into decorated methods.
    @property
    def actor(self) -> str:
        """How it is named in revisions and custody events."""
        return _actor(self)

    @property
    def grantees(self) -> frozenset[Grantee]:
        """The grants that open a restricted record to it: its own and its groups'."""
        return _grantees(self)


def _actor(principal: Principal) -> str:
    if principal.kind in (PrincipalKind.USER, PrincipalKind.TOKEN):
        return f"user:{principal.name}"
    if principal.kind is PrincipalKind.PARTNER:
        return f"partner:{principal.name}"
    return principal.name


def _grantees(principal: Principal) -> frozenset[Grantee]:
    mine = {Grantee(GranteeKind.GROUP, group) for group in principal.groups}
    if principal.id is not None:
        mine.add(Grantee(GranteeKind.USER, principal.id))
    return frozenset(mine)


class Account(Protocol):
    """What ``principal_of`` reads from an account (``services.accounts.User``)."""

    @property
    def id(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def clearance(self) -> Confidentiality: ...
    @property
    def groups(self) -> frozenset[str]: ...
    @property
    def disabled(self) -> bool: ...
    @property
    def scopes(self) -> frozenset[str] | None: ...


def principal_of(who: Account | Principal) -> Principal:
    """The principal of a request's account: a token if it came with scopes, else a user in a
    session. A principal is returned as it is."""
    if isinstance(who, Principal):
        return who
    return Principal(
        kind=PrincipalKind.USER if who.scopes is None else PrincipalKind.TOKEN,
        name=who.username,
        id=who.id,
        role=Role(who.role),
        clearance=Confidentiality(who.clearance),
        groups=frozenset(who.groups),
        scopes=None if who.scopes is None else _scopes(who.scopes),
        disabled=who.disabled,
    )


def _scopes(names: Iterable[str]) -> frozenset[Scope]:
    """The scopes among ``names``; an unknown name grants nothing."""
    known = {scope.value for scope in Scope}
    return frozenset(Scope(name) for name in names if name in known)


def custodian(actor: str) -> Principal:
    """The custodian at the CLI, named as revisions will name it (``cli:alice``)."""
    return Principal(PrincipalKind.CUSTODIAN, actor, clearance=Confidentiality.RESTRICTED)


def partner(name: str, *, clearance: Confidentiality, kinds: Iterable[str]) -> Principal:
    """A partner archive reading the record kinds of its profile up to ``clearance``; a
    restricted record only when granted to the group ``partner:<name>``."""
    groups = frozenset({f"partner:{name}"})
    return Principal(
        PrincipalKind.PARTNER, name, clearance=clearance, groups=groups, kinds=frozenset(kinds)
    )


CUSTODIAN = custodian("custodian")
PUBLIC = Principal(PrincipalKind.PUBLIC, "public")
