"""Administration: compartments (grants of restricted records), the audit trail, and users.
Every change made here is itself an audit event."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from ....model import Confidentiality
from ....services.accounts import Role, User
from ....services.accounts.admin import Administration, administration
from ....services.archive import grants
from ....services.archive.audit import visible_events
from ....services.archive.folder import Archive
from ...config import API_PREFIX
from ...deps import PrincipalDep, client_ip, get_archive
from ..models import GrantIn, OkOut, Strict
from .auth import user_out

router = APIRouter(prefix=API_PREFIX, tags=["administration"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]


def _administration(request: Request, archive: ArchiveDep, me: PrincipalDep) -> Administration:
    return administration(archive.store, me, ip=client_ip(request))


# The accounts as the principal administers them (``Forbidden`` unless it may manage users).
AdminDep = Annotated[Administration, Depends(_administration)]


@router.get("/records/{record_id}/grants")
def list_grants(archive: ArchiveDep, me: PrincipalDep, record_id: str) -> dict[str, Any]:
    """Who may read a record you may read (users by id, groups by name); 404 otherwise."""
    found = grants.list_grants(archive.store, me, record_id)
    return {"ok": True, "grants": [dataclasses.asdict(g) for g in found]}


@router.post("/records/{record_id}/grants", status_code=201)
def add_grant(
    request: Request, archive: ArchiveDep, me: PrincipalDep, record_id: str, body: GrantIn
) -> dict[str, Any]:
    """Let a user or a group read a record you may read (audited)."""
    made = grants.add_grant(
        archive.store,
        me,
        record_id,
        grantee_kind=body.grantee_kind,
        grantee=body.grantee,
        ip=client_ip(request),
    )
    return {"ok": True, "grant": dataclasses.asdict(made)}


@router.delete("/records/{record_id}/grants/{grantee_kind}/{grantee}", response_model=OkOut)
def remove_grant(
    request: Request,
    archive: ArchiveDep,
    me: PrincipalDep,
    record_id: str,
    grantee_kind: str,
    grantee: str,
) -> OkOut:
    """Withdraw a grant of a record you may read (audited)."""
    grants.remove_grant(
        archive.store,
        me,
        record_id,
        grantee_kind=grantee_kind,
        grantee=grantee,
        ip=client_ip(request),
    )
    return OkOut()


@router.get("/audit")
def audit_trail(
    archive: ArchiveDep,
    me: PrincipalDep,
    username: Annotated[str | None, Query(alias="user", max_length=64)] = None,
    record: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    """Audit events (reads of confidential and restricted records, evidence views and
    downloads, grants, account changes), oldest first; the last ``limit`` that match. Only
    events about records and files you may read are listed (account changes: to admins)."""
    found = visible_events(archive.store, me, user=username, ref=record, since=since, limit=limit)
    return {"ok": True, "events": [dataclasses.asdict(e) for e in found]}


class UserIn(Strict):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    role: Role
    clearance: Confidentiality = Confidentiality.INTERNAL
    groups: list[str] = Field(default_factory=list, max_length=50)


class PasswordResetIn(Strict):
    password: str | None = Field(default=None, max_length=1024)


class UserChange(Strict):
    role: Role | None = None
    clearance: Confidentiality | None = None
    add_groups: list[str] = Field(default_factory=list, max_length=50)
    remove_groups: list[str] = Field(default_factory=list, max_length=50)
    disabled: bool | None = None
    totp_required: bool | None = None
    unlock: bool = False


@router.get("/users")
def list_users(admin: AdminDep) -> dict[str, Any]:
    """Every account (never a password or secret)."""
    return {"ok": True, "users": [user_out(u).model_dump() for u in admin.users()]}


@router.post("/users", status_code=201)
def add_user(admin: AdminDep, body: UserIn) -> dict[str, Any]:
    """Create an account (audited)."""
    made = admin.add(
        body.username,
        body.password,
        role=body.role,
        clearance=body.clearance,
        groups=body.groups,
    )
    return user_out(made).model_dump()


@router.patch("/users/{username}")
def change_user(admin: AdminDep, username: str, body: UserChange) -> dict[str, Any]:
    """Change an account's role, clearance, groups, state or second factor (audited). When a
    second factor is required of someone not yet enrolled, the answer holds their new
    ``otpauth://`` URI, once. Disabling the account, or lowering its role or clearance, ends
    every session of theirs and revokes every API token, for good."""
    target, uri = _apply(admin, username, body)
    admin.audit("user_change", target, body.model_dump(exclude_defaults=True, mode="json"))
    return user_out(target).model_dump() | {"totp_uri": uri}


@router.post("/users/{username}/password")
def reset_password(admin: AdminDep, username: str, body: PasswordResetIn) -> dict[str, Any]:
    """Reset an account's password (audited): to ``password``, or, without one, to a temporary
    password made here and answered once as ``password``. The user must change it at their
    next login; every session of theirs ends and every API token is revoked."""
    target, temporary = admin.reset_password(username, body.password)
    return user_out(target).model_dump() | {"password": temporary}


def _apply(admin: Administration, username: str, body: UserChange) -> tuple[User, str | None]:
    target = admin.find(username)
    uri = None
    if body.role is not None:
        admin.set_role(target.username, body.role)
    if body.clearance is not None:
        admin.set_clearance(target.username, body.clearance)
    for group in body.add_groups:
        admin.add_group(target.username, group)
    for group in body.remove_groups:
        admin.remove_group(target.username, group)
    if body.disabled is not None:
        admin.set_disabled(target.username, body.disabled)
    if body.totp_required is not None:
        uri = admin.require_totp(target.username, body.totp_required)
    if body.unlock:
        admin.unlock(target.username)
    return admin.get(target.id), uri
