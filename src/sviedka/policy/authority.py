"""The one authority: may this principal do this action (on this record), which records may a
query return to it, and what it may write.

Three layers, all of which must allow a read:

1. the **role** (``PERMISSIONS``), narrowed for an API token by its scopes (``SCOPES``); the
   custodian may do everything, a partner or the public only read;
2. the **clearance**: records up to the principal's level (public < internal < confidential <
   restricted);
3. **compartments**: a restricted record only if it is granted to the principal or one of its
   groups, whatever its role or clearance (the custodian excepted).

A record a principal may not read does not exist for it; what it may not do is ``Forbidden``.
"""

from __future__ import annotations

from ..errors import SviedkaError
from ..model import Confidentiality
from .principal import Principal, PrincipalKind
from .roles import PERMISSIONS, SCOPES, Permission
from .scope import NOTHING, ReadScope, Subject

__all__ = [
    "LEVELS",
    "Forbidden",
    "can",
    "clearance_levels",
    "may",
    "may_read",
    "may_write",
    "permissions",
    "reach",
    "read_scope",
    "require",
    "visible_levels",
    "within_reach",
]

LEVELS: tuple[Confidentiality, ...] = tuple(Confidentiality)  # least to most protected
_USERS = (PrincipalKind.USER, PrincipalKind.TOKEN)


class Forbidden(SviedkaError):
    """The role (or the token's scope) does not allow this action. Never raised for a record
    the principal may not read: that is ``NotFound``, so that its existence stays secret."""

    status = 403


def permissions(principal: Principal) -> frozenset[Permission]:
    """Everything the principal may do, on records it may read."""
    if principal.disabled:
        return frozenset()
    if principal.kind is PrincipalKind.CUSTODIAN:
        return frozenset(Permission)
    if principal.kind not in _USERS:
        return frozenset({Permission.READ})
    if principal.role is None:
        return frozenset()
    allowed = PERMISSIONS[principal.role]
    if principal.scopes is None:
        return allowed
    return allowed & frozenset().union(*(SCOPES[scope] for scope in principal.scopes))


def can(principal: Principal, permission: Permission) -> bool:
    return permission in permissions(principal)


def require(principal: Principal, permission: Permission) -> None:
    """``Forbidden`` unless ``can(principal, permission)``."""
    if can(principal, permission):
        return
    if principal.kind is PrincipalKind.TOKEN:
        raise Forbidden(f"This token does not allow this ({permission}); use one with that scope.")
    if principal.kind is PrincipalKind.USER:
        raise Forbidden(
            f"Your role ({principal.role}) does not allow this ({permission}); ask a coordinator."
        )
    raise Forbidden(f"A {principal.kind} may not do this ({permission}).")


def clearance_levels(principal: Principal) -> frozenset[Confidentiality]:
    """The levels up to the principal's clearance, whatever it may do: what it may write (a
    write-only token writes within its account's clearance)."""
    if principal.disabled:
        return frozenset()
    return frozenset(LEVELS[: LEVELS.index(principal.clearance) + 1])


def visible_levels(principal: Principal) -> frozenset[Confidentiality]:
    """The levels it reads (restricted still needs a grant); none without ``read``."""
    return clearance_levels(principal) if can(principal, Permission.READ) else frozenset()


def reach(principal: Principal) -> ReadScope:
    """The records within its clearance and compartments, whether or not it may read: what a
    record it writes may point at."""
    return ReadScope(
        levels=clearance_levels(principal),
        grantees=principal.grantees,
        every_compartment=principal.kind is PrincipalKind.CUSTODIAN,
        kinds=principal.kinds,
    )


def read_scope(principal: Principal) -> ReadScope:
    """The records a query may return to it: its reach, if it may read at all."""
    return reach(principal) if can(principal, Permission.READ) else NOTHING


def may_read(principal: Principal, subject: Subject) -> bool:
    """Whether it may read this record, or this state of it (as of a time, or a revision in
    its history: a revision is shown only to who may read the record at the level it had)."""
    return read_scope(principal).admits(subject)


def within_reach(principal: Principal, subject: Subject) -> bool:
    """Whether a record it writes may point at this one."""
    return reach(principal).admits(subject)


def may_write(principal: Principal, level: Confidentiality) -> bool:
    """Whether it may save a record at ``level`` (with ``create`` or ``update``)."""
    return level in clearance_levels(principal)


def may(principal: Principal, permission: Permission, subject: Subject) -> bool:
    """Whether it may do ``permission`` to this record: the role allows it and the record is
    one it may read (an update, a proof, a judgement start from the record as read)."""
    return can(principal, permission) and may_read(principal, subject)
