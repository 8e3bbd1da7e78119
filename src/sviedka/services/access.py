"""Who may do what, and who may read which record.

Three layers, all of which must allow a read:

1. the **role** (``PERMISSIONS``, the one table of what each role may do; an API token's scopes
   narrow it further, ``SCOPES``);
2. the **clearance**: a user reads records up to their clearance level (public < internal <
   confidential < restricted);
3. **compartments**: a restricted record is readable only by the users and groups granted it,
   whatever their role or clearance (administrators grant, and every grant is audited).

A record a user may not read does not exist for them: lists, counts and searches leave it out
(``readable`` is the SQL filter they share) and a direct request answers "not found", exactly
as for an id that was never used. Sensitive person fields (contacts, address, family) are removed
from what is shown unless the role has ``read_sensitive`` (``redact``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from ..errors import Invalid, NotFound, SviedkaError
from ..model import Confidentiality, Record
from ..model.codec import references
from ..model.revision import timestamp
from ..store import SqlStore, Stored, View
from ..store import schema as t
from ..store.sql import SqlView, record_of, state_of
from .accounts import Role, Scope, User, write_transaction
from .audit import audit_event

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


class Permission(StrEnum):
    READ = "read"  # records, vocabularies, evidence metadata, custody, statistics, search
    READ_SENSITIVE = "read_sensitive"  # a person's contacts, address and family
    CREATE = "create"
    UPDATE = "update"
    JUDGE = "judge"  # same / not same judgements between records
    EVIDENCE_UPLOAD = "evidence_upload"
    EVIDENCE_DOWNLOAD = "evidence_download"
    IMPORT = "import"
    PROOF = "proof"  # ledger proofs (they carry a record's full state)
    CHECKPOINT = "checkpoint"  # sign a new checkpoint of the log
    MANAGE_GRANTS = "manage_grants"  # compartments of restricted records
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_KEYS = "manage_keys"


class Forbidden(SviedkaError):
    """The role (or the token's scope) does not allow this action. Never raised for a record
    the user may not read: that is ``NotFound``, so that its existence stays secret."""

    status = 403


_P = Permission
_DOCUMENTER = frozenset(
    {
        _P.READ,
        _P.READ_SENSITIVE,
        _P.CREATE,
        _P.UPDATE,
        _P.EVIDENCE_UPLOAD,
        _P.EVIDENCE_DOWNLOAD,
        _P.IMPORT,
    }
)
_VERIFIER = _DOCUMENTER | {_P.JUDGE, _P.PROOF}
_COORDINATOR = _VERIFIER | {_P.MANAGE_GRANTS, _P.VIEW_AUDIT, _P.CHECKPOINT}

# The roles table. docs/security.md shows it; tests/server/test_roles.py keeps the two equal.
PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({_P.READ}),
    Role.DOCUMENTER: _DOCUMENTER,
    Role.VERIFIER: _VERIFIER,
    Role.COORDINATOR: _COORDINATOR,
    Role.ADMIN: _COORDINATOR | {_P.MANAGE_USERS, _P.MANAGE_KEYS},
}

# What an API token of each scope may do (never more than its user's role).
SCOPES: Mapping[Scope, frozenset[Permission]] = {
    Scope.READ: frozenset({_P.READ, _P.READ_SENSITIVE, _P.PROOF}),
    Scope.WRITE: frozenset({_P.CREATE, _P.UPDATE, _P.JUDGE}),
    Scope.EVIDENCE: frozenset({_P.EVIDENCE_UPLOAD, _P.EVIDENCE_DOWNLOAD}),
    Scope.IMPORT: frozenset({_P.IMPORT}),
    Scope.ADMIN: frozenset(
        {_P.MANAGE_GRANTS, _P.VIEW_AUDIT, _P.CHECKPOINT, _P.MANAGE_USERS, _P.MANAGE_KEYS}
    ),
}

LEVELS: tuple[Confidentiality, ...] = tuple(Confidentiality)  # least to most protected
_RESTRICTED = Confidentiality.RESTRICTED


def can(user: User, permission: Permission) -> bool:
    """Whether the user's role (and token scopes, if any) allow ``permission``."""
    if user.disabled or permission not in PERMISSIONS[user.role]:
        return False
    if user.scopes is None:
        return True
    return any(permission in SCOPES.get(Scope(s), frozenset()) for s in user.scopes)


def require(user: User, permission: Permission) -> None:
    """``Forbidden`` unless ``can(user, permission)``."""
    if not can(user, permission):
        raise Forbidden(
            f"Your role ({user.role}) does not allow this ({permission}); ask a coordinator."
            if user.scopes is None
            else f"This token does not allow this ({permission}); use one with that scope."
        )


def visible_levels(user: User) -> frozenset[Confidentiality]:
    """The confidentiality levels up to the user's clearance (restricted still needs a grant);
    none for a user (or token) without ``read``."""
    return clearance_levels(user) if can(user, _P.READ) else frozenset()


def clearance_levels(user: User) -> frozenset[Confidentiality]:
    """The levels up to the user's clearance, whatever the role or token may do: what they may
    write (a write-only token writes within its user's clearance)."""
    return frozenset() if user.disabled else frozenset(LEVELS[: LEVELS.index(user.clearance) + 1])


# -- reading ---------------------------------------------------------------------------------


def granted_ids(user: User) -> sa.Select[Any]:
    """The ids of the restricted records granted to the user or to one of their groups."""
    g = t.record_grants.c
    mine = sa.and_(g.grantee_kind == "user", g.grantee == user.id)
    if user.groups:
        mine = sa.or_(mine, sa.and_(g.grantee_kind == "group", g.grantee.in_(sorted(user.groups))))
    return sa.select(g.record_id).where(mine)


def readable(user: User) -> sa.ColumnElement[bool]:
    """A condition on the ``records`` table: the rows this user may read. Lists, counts, search
    and statistics apply it (joined on a record id) so that nothing else is listed or counted."""
    r = t.records.c
    levels = visible_levels(user)
    open_levels = sorted(level.value for level in levels if level is not _RESTRICTED)
    condition: sa.ColumnElement[bool] = (
        r.confidentiality.in_(open_levels) if open_levels else sa.false()
    )
    if _RESTRICTED in levels:
        restricted = sa.and_(r.confidentiality == _RESTRICTED.value, r.id.in_(granted_ids(user)))
        condition = sa.or_(condition, restricted)
    return condition


def readable_ids(user: User) -> sa.Select[Any]:
    """``SELECT id FROM records WHERE readable(user)``: for ``x.record_id.in_(…)`` filters."""
    return sa.select(t.records.c.id).where(readable(user))


def may_read(source: SqlStore | View, user: User, record: Record) -> bool:
    """Whether the user may read this record (level, clearance and, if restricted, a grant)."""
    return can(user, _P.READ) and within_reach(source, user, record)


def within_reach(source: SqlStore | View, user: User, record: Record) -> bool:
    """Whether the record is within the user's clearance and compartments (``may_read``
    without the ``read`` permission: what a write-only token may point at)."""
    level = record.confidentiality
    if level not in clearance_levels(user):
        return False
    if level is not _RESTRICTED:
        return True
    query = sa.select(sa.func.count()).select_from(
        granted_ids(user).where(t.record_grants.c.record_id == record.id).subquery()
    )
    if isinstance(source, SqlView):
        return bool(source.conn.scalar(query))
    if isinstance(source, SqlStore):
        with source.engine.connect() as conn:
            return bool(conn.scalar(query))
    raise TypeError("may_read needs a SqlStore or a SqlView")


def readable_stored(view: View, user: User, record_id: str, *, as_of: str | None = None) -> Stored:
    """The record, if it exists and the user may read it (now, and as it was at ``as_of``);
    ``NotFound`` otherwise, with the same message either way."""
    missing = NotFound(f"No record with id {record_id}.")
    found = view.find(record_id)
    if found is None or not may_read(view, user, found.record):
        raise missing
    if as_of is None:
        return found
    try:
        then = view.get(record_id, as_of=as_of)
    except NotFound:
        raise NotFound(f"No record with id {record_id} existed at {as_of}.") from None
    if not may_read(view, user, then.record):
        raise missing
    return then


def visible_records(
    store: SqlStore,
    user: User,
    kind: str,
    *,
    where: Mapping[str, str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Stored], int]:
    """One page of the records of ``kind`` that the user may read, and how many there are."""
    with store.view() as view:
        assert isinstance(view, SqlView)
        base = view._filtered(sa.select(t.records), kind, where).where(readable(user))
        rows = view.conn.execute(base.order_by(t.records.c.id).limit(limit).offset(offset))
        page = [_stored(row) for row in rows]
        if 0 < len(page) < limit:  # the last page: the total is known without counting
            return page, offset + len(page)
        counting = sa.select(sa.func.count()).select_from(t.records)
        count = view._filtered(counting, kind, where).where(readable(user))
        return page, int(view.conn.scalar(count) or 0)


def _stored(row: Any) -> Stored:
    record = record_of(row.kind, row.id, state_of(row.data, row.sensitive))
    return Stored(record, row.revision, row.sha256, row.created_at, row.updated_at)


def redact(user: User, record: Record) -> Record:
    """The record as this user may see it: sensitive fields emptied unless the role allows."""
    if not record.SENSITIVE or can(user, _P.READ_SENSITIVE):
        return record
    fields = {f.name: f for f in dataclasses.fields(record)}
    cleared = {name: _empty(fields[name]) for name in record.SENSITIVE}
    return dataclasses.replace(record, **cleared)


def redact_state(user: User, kind_class: type[Record], state: Mapping[str, Any]) -> dict[str, Any]:
    """A stored state (a revision's JSON) without the sensitive fields, unless the role allows."""
    if not kind_class.SENSITIVE or can(user, _P.READ_SENSITIVE):
        return dict(state)
    return {k: v for k, v in state.items() if k not in kind_class.SENSITIVE}


def _empty(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


# -- writing ---------------------------------------------------------------------------------


def check_writable(view: View, user: User, record: Record, before: Record | None = None) -> None:
    """A user writes only what they could read back: the record's level within their
    clearance, and every record it newly points to (not already in ``before``) within their
    reach. A reference out of reach is reported exactly like one to a record that does not
    exist."""
    errors: dict[str, str] = {}
    if record.confidentiality not in clearance_levels(user):
        errors["confidentiality"] = f"above your clearance ({user.clearance})"
    kept = {r.value for r in references(before) if r.kind == "ref"} if before else set()
    refs = [r for r in references(record) if r.kind == "ref" and r.value not in kept]
    kinds = view.kinds_of(r.value for r in refs)
    for ref in refs:
        target = view.find(ref.value) if ref.value in kinds else None
        if target is not None and not within_reach(view, user, target.record):
            errors[ref.path] = f"no {' or '.join(ref.targets)} with id {ref.value}"
    if errors:
        raise Invalid(f"The {record.KIND} cannot be saved as given; nothing was saved.", errors)


# -- compartments ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Grant:
    record_id: str
    grantee_kind: str  # user | group
    grantee: str  # a user id or a group name
    granted_by: str
    granted_at: str


def grants(store: SqlStore, record_id: str) -> list[Grant]:
    g = t.record_grants.c
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.record_grants)
            .where(g.record_id == record_id)
            .order_by(g.grantee_kind, g.grantee)
        )
        return [Grant(**row._mapping) for row in rows]


def grant(
    store: SqlStore,
    record_id: str,
    *,
    grantee_kind: str,
    grantee: str,
    actor: User | str,
    ip: str | None = None,
) -> Grant:
    """Let a user (by id) or a group read a restricted record; audited."""
    _check_grantee(store, record_id, grantee_kind, grantee)
    name = actor.username if isinstance(actor, User) else actor
    made = Grant(record_id, grantee_kind, grantee, name, timestamp())
    g = t.record_grants.c
    with write_transaction(store) as conn:
        exists = sa.select(g.record_id).where(
            g.record_id == record_id, g.grantee_kind == grantee_kind, g.grantee == grantee
        )
        if conn.execute(exists).first() is None:
            conn.execute(sa.insert(t.record_grants), dataclasses.asdict(made))
    details = {"grantee_kind": grantee_kind, "grantee": grantee}
    audit_event(store, "grant", record_id, actor=actor, ip=ip, details=details)
    return made


def revoke(
    store: SqlStore,
    record_id: str,
    *,
    grantee_kind: str,
    grantee: str,
    actor: User | str,
    ip: str | None = None,
) -> None:
    """Withdraw a grant; audited. ``NotFound`` if there was no such grant."""
    g = t.record_grants.c
    with write_transaction(store) as conn:
        done = conn.execute(
            sa.delete(t.record_grants).where(
                g.record_id == record_id, g.grantee_kind == grantee_kind, g.grantee == grantee
            )
        )
    if done.rowcount == 0:
        raise NotFound(f"No grant of {record_id} to that {grantee_kind}.")
    details = {"grantee_kind": grantee_kind, "grantee": grantee}
    audit_event(store, "revoke", record_id, actor=actor, ip=ip, details=details)


def _check_grantee(store: SqlStore, record_id: str, kind: str, grantee: str) -> None:
    if kind not in ("user", "group"):
        raise Invalid("Bad grantee.", {"grantee_kind": "user or group"})
    with store.view() as view:
        if not view.kinds_of([record_id]):
            raise NotFound(f"No record with id {record_id}.")
    if kind == "user":
        with store.engine.connect() as conn:
            if conn.scalar(sa.select(t.users.c.id).where(t.users.c.id == grantee)) is None:
                raise Invalid("Bad grantee.", {"grantee": f"no user with id {grantee}"})
