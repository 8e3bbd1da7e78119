"""Request and response bodies of the API (pydantic lives here only)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...model.codec import dump
from ...model.revision import Revision
from ...store import Stored

__all__ = [
    "ErrorItem",
    "ErrorOut",
    "GrantIn",
    "HistoryOut",
    "LoginIn",
    "OkOut",
    "Page",
    "RecordIn",
    "RecordOut",
    "RecordPatch",
    "RecordReplace",
    "RevisionOut",
    "Strict",
    "TotpConfirmIn",
    "UserOut",
    "record_out",
    "revision_out",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorItem(Strict):
    field: str
    problem: str


class ErrorOut(Strict):
    ok: bool = False
    error: str
    errors: list[ErrorItem]
    status: int


class OkOut(Strict):
    ok: bool = True


class LoginIn(Strict):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)
    totp: str | None = Field(default=None, max_length=16)


class TotpConfirmIn(Strict):
    code: str = Field(max_length=16)


class UserOut(Strict):
    ok: bool = True
    id: str
    username: str
    role: str
    clearance: str
    groups: list[str]
    language: str | None
    totp_required: bool
    totp_enabled: bool
    permissions: list[str]
    csrf_token: str | None = None
    must_change_password: bool = False  # after an administrator's reset: POST /me/password


class RecordIn(Strict):
    record: dict[str, Any]
    reason: str | None = Field(default=None, max_length=2000)


class RecordReplace(Strict):
    record: dict[str, Any]
    revision: int = Field(ge=1, description="the revision you read: a stale one is refused (409)")
    reason: str | None = Field(default=None, max_length=2000)


class RecordPatch(Strict):
    patch: dict[str, Any] = Field(description="RFC 7396 JSON Merge Patch: null removes a field")
    revision: int = Field(ge=1, description="the revision you read: a stale one is refused (409)")
    reason: str | None = Field(default=None, max_length=2000)


class RecordOut(Strict):
    ok: bool = True
    id: str
    kind: str
    revision: int
    sha256: str
    created_at: str
    updated_at: str
    data: dict[str, Any]
    changed: bool | None = None


class Page(Strict):
    ok: bool = True
    items: list[RecordOut]
    total: int
    limit: int
    offset: int


class RevisionOut(Strict):
    seq: int
    actor: str
    at: str
    reason: str | None
    state: dict[str, Any]
    state_sha256: str
    sha256: str
    prev_sha256: str | None


class HistoryOut(Strict):
    ok: bool = True
    id: str
    revisions: list[RevisionOut]


class GrantIn(Strict):
    grantee_kind: str = Field(pattern="^(user|group)$")
    grantee: str = Field(min_length=1, max_length=64)


def record_out(
    stored: Stored, changed: bool | None = None, data: dict[str, Any] | None = None
) -> RecordOut:
    """``data``: the record as the user may see it (``guarded.shown``); else all of it."""
    return RecordOut(
        id=stored.record.id,
        kind=stored.record.KIND,
        revision=stored.revision,
        sha256=stored.sha256,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        data=dump(stored.record) if data is None else data,
        changed=changed,
    )


def revision_out(revision: Revision) -> RevisionOut:
    return RevisionOut(
        seq=revision.seq,
        actor=revision.actor,
        at=revision.at,
        reason=revision.reason,
        state=dict(revision.state),
        state_sha256=revision.state_sha256,
        sha256=revision.sha256,
        prev_sha256=revision.prev_sha256,
    )
