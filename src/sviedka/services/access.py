"""Temporary: the names modules imported from here before ``policy/`` and scoped store views.

The rules now live in ``sviedka.policy`` (who may do what, which records, which fields, what is
audited) and their SQL in ``sviedka.store`` (``store.view(principal)``, ``store.scoping``);
grants in ``archive.grants``. Each name below adapts the old signature (a ``User``) to them.
Callers move to ``policy`` and scoped views, and this module goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from .. import policy
from ..errors import Invalid, NotFound
from ..model import Confidentiality, Record
from ..policy import LEVELS, PERMISSIONS, SCOPES, Forbidden, Permission, Principal, principal_of
from ..policy import custodian as _custodian
from ..store import SqlStore, Stored, View
from ..store import scoping as _scoping
from ..store.compartments import Grant, account_exists, drop_grant, grants_of
from ..store.scoped import ScopedView, scoped
from .accounts import User
from .archive.audit import audit_in
from .archive.grants import grant_in
from .records.records import check_writable as _check_writable

__all__ = [
    "LEVELS",
    "PERMISSIONS",
    "SCOPES",
    "Forbidden",
    "Grant",
    "Permission",
    "can",
    "check_writable",
    "clearance_levels",
    "grant",
    "granted_ids",
    "grants",
    "may_read",
    "readable",
    "readable_ids",
    "readable_stored",
    "redact",
    "redact_state",
    "require",
    "revoke",
    "visible_levels",
    "visible_records",
    "within_reach",
]

Who = User | Principal


def can(user: Who, permission: Permission) -> bool:
    return policy.can(principal_of(user), permission)


def require(user: Who, permission: Permission) -> None:
    policy.require(principal_of(user), permission)


def visible_levels(user: Who) -> frozenset[Confidentiality]:
    return policy.visible_levels(principal_of(user))


def clearance_levels(user: Who) -> frozenset[Confidentiality]:
    return policy.clearance_levels(principal_of(user))


def granted_ids(user: Who) -> sa.Select[Any]:
    return _scoping.granted_ids(principal_of(user).grantees)


def readable(user: Who) -> sa.ColumnElement[bool]:
    return _scoping.admitted(policy.read_scope(principal_of(user)))


def readable_ids(user: Who) -> sa.Select[Any]:
    return _scoping.admitted_ids(policy.read_scope(principal_of(user)))


def may_read(source: SqlStore | View, user: Who, record: Record) -> bool:
    return _admits(source, policy.read_scope(principal_of(user)), record)


def within_reach(source: SqlStore | View, user: Who, record: Record) -> bool:
    return _admits(source, policy.reach(principal_of(user)), record)


def _admits(source: SqlStore | View, scope: policy.ReadScope, record: Record) -> bool:
    if isinstance(source, SqlStore):
        with source.unscoped_view() as view:  # scoped just below
            return _admits(view, scope, record)
    seen = scoped(source, scope)
    if not isinstance(seen, ScopedView):
        return True
    return seen.admits(record.id, record.KIND, record.confidentiality)


def readable_stored(view: View, user: Who, record_id: str, *, as_of: str | None = None) -> Stored:
    return scoped(view, policy.read_scope(principal_of(user))).get(record_id, as_of=as_of)


def visible_records(
    store: SqlStore,
    user: Who,
    kind: str,
    *,
    where: Mapping[str, str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Stored], int]:
    with store.view(principal_of(user)) as view:
        return view.page(kind, where=where, limit=limit, offset=offset)


def redact(user: Who, record: Record) -> Record:
    return policy.redact(principal_of(user), record)


def redact_state(user: Who, kind_class: type[Record], state: Mapping[str, Any]) -> dict[str, Any]:
    return policy.redact_state(principal_of(user), kind_class, state)


def check_writable(view: View, user: Who, record: Record, before: Record | None = None) -> None:
    _check_writable(view, principal_of(user), record, before)


def grants(store: SqlStore, record_id: str) -> list[Grant]:
    """Every grant of a record, unchecked (the custodian's)."""
    with store.unscoped_view() as view:
        return grants_of(view, record_id)


def grant(
    store: SqlStore,
    record_id: str,
    *,
    grantee_kind: str,
    grantee: str,
    actor: User | str,
    ip: str | None = None,
) -> Grant:
    """Grant a record to a user or a group without checking who asks (tests, the custodian);
    audited. A principal's grants go through ``services.archive.grants.add_grant``."""
    principal = _actor(actor)
    with store.writer() as writer:
        to = _known_grantee(writer, record_id, grantee_kind, grantee)
        return grant_in(writer, principal, record_id, to, ip=ip)


def revoke(
    store: SqlStore,
    record_id: str,
    *,
    grantee_kind: str,
    grantee: str,
    actor: User | str,
    ip: str | None = None,
) -> None:
    """Withdraw a grant without checking who asks; audited."""
    details = {"grantee_kind": grantee_kind, "grantee": grantee}
    with store.writer() as writer:
        if grantee_kind not in ("user", "group") or not drop_grant(
            writer, record_id, policy.Grantee(policy.GranteeKind(grantee_kind), grantee)
        ):
            raise NotFound(f"No grant of {record_id} to that {grantee_kind}.")
        audit_in(writer, "revoke", record_id, actor=_actor(actor), ip=ip, details=details)


def _actor(actor: User | str) -> Principal:
    return _custodian(actor) if isinstance(actor, str) else principal_of(actor)


def _known_grantee(view: View, record_id: str, kind: str, grantee: str) -> policy.Grantee:
    if kind not in ("user", "group"):
        raise Invalid("Bad grantee.", {"grantee_kind": "user or group"})
    if not view.kinds_of([record_id]):
        raise NotFound(f"No record with id {record_id}.")
    if kind == "user" and not account_exists(view, grantee):
        raise Invalid("Bad grantee.", {"grantee": f"no user with id {grantee}"})
    return policy.Grantee(policy.GranteeKind(kind), grantee)
