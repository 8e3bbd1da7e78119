"""Compartments: who may read a restricted record. Granting, revoking and listing are bound by
the policy like any read: the record must be one the principal may read (else ``NotFound``,
exactly as for an id never used), and the principal must have ``manage_grants``.

Every grant and revocation is audited in the transaction that makes it; a new restricted record
is granted to its author in the transaction that writes it (``grant_author``), so that no crash
can leave a record its own author cannot read.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...errors import Invalid, NotFound
from ...model.revision import timestamp
from ...policy import Grantee, GranteeKind, Permission, Principal, read_scope, require
from ...store import SqlStore, View, Writer
from ...store.compartments import Grant, account_exists, drop_grant, grants_of, put_grant
from ...store.scoped import scoped
from .audit import audit_in

__all__ = ["Grant", "add_grant", "grant_author", "grant_in", "list_grants", "remove_grant"]


def list_grants(store: SqlStore, principal: Principal, record_id: str) -> list[Grant]:
    """Who may read a restricted record (users by id, groups by name)."""
    require(principal, Permission.MANAGE_GRANTS)
    with store.view(principal) as view:
        view.get(record_id)
        return grants_of(view, record_id)


def add_grant(
    store: SqlStore,
    principal: Principal,
    record_id: str,
    *,
    grantee_kind: str,
    grantee: str,
    ip: str | None = None,
) -> Grant:
    """Let a user (by id) or a group read a record the principal may read; audited."""
    require(principal, Permission.MANAGE_GRANTS)
    to = _grantee(grantee_kind, grantee)
    with store.writer() as writer:
        _readable(writer, principal, record_id)
        if to.kind is GranteeKind.USER and not account_exists(writer, to.name):
            raise Invalid("Bad grantee.", {"grantee": f"no user with id {to.name}"})
        return grant_in(writer, principal, record_id, to, ip=ip)


def remove_grant(
    store: SqlStore,
    principal: Principal,
    record_id: str,
    *,
    grantee_kind: str,
    grantee: str,
    ip: str | None = None,
) -> None:
    """Withdraw a grant of a record the principal may read; audited. ``NotFound`` if there was
    no such grant."""
    require(principal, Permission.MANAGE_GRANTS)
    to = _grantee(grantee_kind, grantee)
    with store.writer() as writer:
        _readable(writer, principal, record_id)
        if not drop_grant(writer, record_id, to):
            raise NotFound(f"No grant of {record_id} to that {grantee_kind}.")
        details = {"grantee_kind": to.kind.value, "grantee": to.name}
        audit_in(writer, "revoke", record_id, actor=principal, ip=ip, details=details)


def grant_in(
    writer: Writer, principal: Principal, record_id: str, to: Grantee, *, ip: str | None
) -> Grant:
    """Grant a record in the writer's transaction, with its audit event (also when the grantee
    had it already: the request is what is audited)."""
    made = Grant(record_id, to.kind.value, to.name, principal.name, timestamp())
    put_grant(writer, made)
    details = {"grantee_kind": to.kind.value, "grantee": to.name}
    audit_in(writer, "grant", record_id, actor=principal, ip=ip, details=details)
    return made


def grant_author(
    writer: Writer, principal: Principal, record_ids: Iterable[str], *, ip: str | None
) -> None:
    """Grant new (or newly) restricted records to their author, who could not read them
    otherwise, in the transaction that writes them. Nothing for a principal with no account
    (the custodian reads every compartment)."""
    if principal.id is None:
        return
    for record_id in record_ids:
        grant_in(writer, principal, record_id, Grantee(GranteeKind.USER, principal.id), ip=ip)


def _grantee(kind: str, name: str) -> Grantee:
    if kind not in {k.value for k in GranteeKind}:
        raise Invalid("Bad grantee.", {"grantee_kind": "user or group"})
    return Grantee(GranteeKind(kind), name)


def _readable(view: View, principal: Principal, record_id: str) -> None:
    """``NotFound`` unless the principal may read the record (one query either way)."""
    if scoped(view, read_scope(principal)).find(record_id) is None:
        raise NotFound(f"No record with id {record_id}.")
