"""Records as a user sees and changes them: every read checked, redacted and (when confidential
or restricted) audited; every write checked against the user's clearance and compartments.

The API and the web call these rather than ``services.records`` directly, so that both apply
the same rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Invalid
from ..model import Confidentiality, Record
from ..model.codec import dump
from ..model.revision import Revision
from ..services.access import (
    Permission,
    can,
    check_writable,
    grant,
    readable_stored,
    redact,
    redact_state,
    require,
    visible_records,
)
from ..services.accounts import User
from ..services.archive import Archive
from ..services.audit import audit_reads
from ..services.evidence import raised_to_links
from ..services.records import build_record, merge_patch, parse_as_of, record_class
from ..store import Stored
from ..store.sql import record_of
from .masking import hidden_ids, mask, restore

__all__ = [
    "AUDITED",
    "actor_of",
    "create_record",
    "list_records",
    "read_history",
    "read_record",
    "shown",
    "update_record",
]

AUDITED = frozenset({Confidentiality.CONFIDENTIAL, Confidentiality.RESTRICTED})
_MAX_PAGE = 500


def actor_of(user: User) -> str:
    """How a user is named in revisions and custody events."""
    return f"user:{user.username}"


def _audit(
    archive: Archive, user: User, what: str, found: Sequence[Stored], ip: str | None
) -> None:
    refs = [s.record.id for s in found if s.record.confidentiality in AUDITED]
    audit_reads(archive.store, user, what, refs, ip=ip)


def shown(archive: Archive, user: User, found: Sequence[Stored]) -> list[dict[str, Any]]:
    """The records as JSON as the user may see them: references to records they may not read
    are null (``masking``). ``found`` comes from the functions here (already redacted)."""
    with archive.store.view() as view:
        hidden = hidden_ids(view, user, (s.record for s in found))
    return [mask(s.record, dump(s.record), hidden) for s in found]


def _shown(user: User, stored: Stored) -> Stored:
    return dataclasses.replace(stored, record=redact(user, stored.record))


def read_record(
    archive: Archive, user: User, record_id: str, *, as_of: str | None = None, ip: str | None
) -> Stored:
    """The record as the user may see it; ``NotFound`` if it does not exist *or* they may not
    read it. A confidential or restricted record's read is audited before it is returned."""
    require(user, Permission.READ)
    moment = parse_as_of(as_of) if as_of else None
    with archive.store.view() as view:
        found = readable_stored(view, user, record_id, as_of=moment)
    _audit(archive, user, "read", [found], ip)
    return _shown(user, found)


def list_records(
    archive: Archive,
    user: User,
    kind: str,
    *,
    where: Mapping[str, str] | None = None,
    limit: int = 50,
    offset: int = 0,
    ip: str | None,
) -> tuple[list[Stored], int]:
    """One page of what the user may read, and the total they may read (nothing else counted)."""
    require(user, Permission.READ)
    record_class(kind)
    if not 1 <= limit <= _MAX_PAGE or offset < 0:
        raise Invalid("Bad page.", {"limit": f"1 to {_MAX_PAGE}", "offset": "0 or more"})
    page, total = visible_records(
        archive.store, user, kind, where=where, limit=limit, offset=offset
    )
    _audit(archive, user, "read", page, ip)
    return [_shown(user, s) for s in page], total


def read_history(archive: Archive, user: User, record_id: str, *, ip: str | None) -> list[Revision]:
    """Every revision of a readable record, sensitive fields removed unless the role allows and
    references to records the user may not read masked."""
    require(user, Permission.READ)
    with archive.store.view() as view:
        found = readable_stored(view, user, record_id)
        revisions = view.history(record_id)
        states = [redact_state(user, type(found.record), r.state) for r in revisions]
        olds = [record_of(found.record.KIND, record_id, dict(state)) for state in states]
        hidden = hidden_ids(view, user, olds)
    _audit(archive, user, "history", [found], ip)
    return [
        dataclasses.replace(r, state=mask(old, state, hidden))
        for r, old, state in zip(revisions, olds, states, strict=True)
    ]


def create_record(
    archive: Archive,
    user: User,
    kind: str,
    payload: Any,
    *,
    reason: str | None,
    ip: str | None,
) -> Stored:
    """Add a record. A restricted record is granted to its author at once (audited), or they
    could not read what they wrote."""
    require(user, Permission.CREATE)
    record = build_record(kind, payload)
    with archive.store.writer() as writer:
        check_writable(writer, user, record)
        record = raised_to_links(writer, user, record)  # a file is as protected as it shows
        writer.add(record, actor=actor_of(user), reason=reason)
        stored = writer.get(record.id)
    if record.confidentiality is Confidentiality.RESTRICTED:
        grant(archive.store, record.id, grantee_kind="user", grantee=user.id, actor=user, ip=ip)
    return _shown(user, stored)


def update_record(
    archive: Archive,
    user: User,
    record_id: str,
    payload: Any,
    *,
    revision: int,
    reason: str | None,
    patch: bool,
) -> tuple[Stored, bool]:
    """Replace (or merge-patch) a readable record at ``revision``; ``Conflict`` if someone
    changed it since. Fields the user may not see are kept as stored, never wiped."""
    require(user, Permission.UPDATE)
    with archive.store.writer() as writer:
        current = readable_stored(writer, user, record_id)
        if patch:
            if not isinstance(payload, Mapping):
                raise Invalid("A patch must be a JSON object.", {"patch": "must be an object"})
            payload = merge_patch(dump(redact(user, current.record)), payload)
        payload = restore(current.record, payload, hidden_ids(writer, user, [current.record]))
        record = _keep_hidden(
            user, current.record, build_record(current.record.KIND, payload, record_id)
        )
        check_writable(writer, user, record, before=current.record)
        record = raised_to_links(writer, user, record)  # a file is as protected as it shows
        made = writer.update(
            record, actor=actor_of(user), reason=reason, expected_revision=revision
        )
        result = _shown(user, writer.get(record_id)), made.seq != current.revision
    if _newly_restricted(current.record, record):
        grant(archive.store, record_id, grantee_kind="user", grantee=user.id, actor=user, ip=None)
    return result


def _newly_restricted(old: Record, new: Record) -> bool:
    """A record made restricted is granted to whoever did it, who could not read it otherwise."""
    restricted = Confidentiality.RESTRICTED
    return new.confidentiality is restricted and old.confidentiality is not restricted


def _keep_hidden(user: User, stored: Record, new: Record) -> Record:
    if not new.SENSITIVE or can(user, Permission.READ_SENSITIVE):
        return new
    return dataclasses.replace(new, **{f: getattr(stored, f) for f in new.SENSITIVE})
