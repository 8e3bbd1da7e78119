"""Records as a principal sees and changes them: every read through a view scoped to it,
redacted and (when confidential or restricted) audited; every write checked against its
clearance and compartments, and a restricted record granted to its author in the same
transaction.

The API and the web call these rather than ``services.records.records`` directly, so that both apply
the same rules. Each takes the ``Principal`` asking and asks the policy itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...errors import Invalid
from ...model import Confidentiality, Record
from ...model.codec import dump
from ...model.revision import Revision
from ...policy import (
    AUDITED,
    Permission,
    Principal,
    audited,
    hidden_fields,
    read_scope,
    redact,
    redact_state,
    require,
    visible_levels,
)
from ...store import Stored
from ...store.decoded import dumped
from ...store.scoped import level_of, scoped
from ...store.sql import record_of
from ..archive.audit import audit_reads
from ..archive.folder import Archive
from ..archive.grants import grant_author
from ..evidence import raised_to_links
from .masking import hidden_ids, mask, reference_ids, restore
from .records import (
    build_record,
    check_vault_fields,
    check_writable,
    merge_patch,
    parse_as_of,
    record_class,
)

__all__ = [
    "AUDITED",
    "create_record",
    "list_records",
    "read_history",
    "read_record",
    "recording_levels",
    "shown",
    "update_record",
]

_MAX_PAGE = 500


def recording_levels(principal: Principal) -> list[Confidentiality]:
    """The levels at which the principal may record a case from a form, least protected first
    (within its clearance: a restricted case is granted to its author); ``Forbidden`` unless it
    may create records. The record forms, their pickers and duplicate warnings start here."""
    require(principal, Permission.CREATE)
    mine = visible_levels(principal)
    return [level for level in Confidentiality if level in mine]


def _audit(
    archive: Archive,
    principal: Principal,
    what: str,
    seen: Iterable[tuple[str, Confidentiality]],
    ip: str | None,
) -> None:
    refs = [record_id for record_id, level in seen if audited(level)]
    audit_reads(archive.store, principal, what, refs, ip=ip)


def _levels(found: Sequence[Stored]) -> list[tuple[str, Confidentiality]]:
    return [(s.record.id, s.record.confidentiality) for s in found]


def shown(archive: Archive, principal: Principal, found: Sequence[Stored]) -> list[dict[str, Any]]:
    """The records as JSON as the user may see them: references to records they may not read
    are null (``masking``). ``found`` comes from the functions here (already redacted)."""
    hidden: set[str] = set()
    if any(reference_ids(s.record) for s in found):  # most records point nowhere: no query
        with archive.store.view(principal) as view:
            hidden = hidden_ids(view, (s.record for s in found))
    return [mask(s.record, dumped(s.record), hidden) for s in found]


def _shown(principal: Principal, stored: Stored) -> Stored:
    return dataclasses.replace(stored, record=redact(principal, stored.record))


def read_record(
    archive: Archive,
    principal: Principal,
    record_id: str,
    *,
    as_of: str | None = None,
    ip: str | None,
) -> Stored:
    """The record as the user may see it; ``NotFound`` if it does not exist *or* they may not
    read it (now, or as it was at ``as_of``). A confidential or restricted record's read is
    audited before it is returned."""
    require(principal, Permission.READ)
    moment = parse_as_of(as_of) if as_of else None
    with archive.store.view(principal) as view:
        found = view.get(record_id, as_of=moment)
    _audit(archive, principal, "read", _levels([found]), ip)
    return _shown(principal, found)


def list_records(
    archive: Archive,
    principal: Principal,
    kind: str,
    *,
    where: Mapping[str, str] | None = None,
    limit: int = 50,
    offset: int = 0,
    ip: str | None,
) -> tuple[list[Stored], int]:
    """One page of what the user may read, and the total they may read (nothing else counted)."""
    require(principal, Permission.READ)
    record_class(kind)
    if not 1 <= limit <= _MAX_PAGE or offset < 0:
        raise Invalid("Bad page.", {"limit": f"1 to {_MAX_PAGE}", "offset": "0 or more"})
    with archive.store.view(principal) as view:
        page, total = view.page(kind, where=where, limit=limit, offset=offset)
    _audit(archive, principal, "read", _levels(page), ip)
    return [_shown(principal, s) for s in page], total


def read_history(
    archive: Archive, principal: Principal, record_id: str, *, ip: str | None
) -> list[Revision]:
    """The revisions of a readable record that the user may read at the level each had (a
    revision made while the record was above their clearance, or restricted and not granted
    to them, is left out), sensitive fields removed unless the role allows and references to
    records the user may not read masked."""
    require(principal, Permission.READ)
    with archive.store.view(principal) as view:
        revisions = view.history(record_id)
        kind = revisions[-1].kind
        states = [redact_state(principal, record_class(kind), r.state) for r in revisions]
        olds = [record_of(kind, record_id, dict(state)) for state in states]
        hidden = hidden_ids(view, olds)
    _audit(archive, principal, "history", [(record_id, _highest(revisions))], ip)
    return [
        dataclasses.replace(r, state=mask(old, state, hidden))
        for r, old, state in zip(revisions, olds, states, strict=True)
    ]


def _highest(revisions: Sequence[Revision]) -> Confidentiality:
    levels = list(Confidentiality)
    return max((level_of(r.state) for r in revisions), key=levels.index)


def create_record(
    archive: Archive,
    principal: Principal,
    kind: str,
    payload: Any,
    *,
    reason: str | None,
    ip: str | None,
) -> Stored:
    """Add a record. A restricted record is granted to its author in the same transaction
    (audited), or they could not read what they wrote. What only the evidence ingest sets (a
    file's hash, size, extracted metadata) is refused (``check_vault_fields``)."""
    require(principal, Permission.CREATE)
    record = build_record(kind, payload)
    check_vault_fields(record)
    declared = archive.store.custom_fields.get(record.KIND, {})
    with archive.store.writer() as writer:
        check_writable(writer, principal, record, declared=declared)
        record = raised_to_links(writer, principal, record)  # a file is as protected as it shows
        writer.add(record, actor=principal.actor, reason=reason)
        if record.confidentiality is Confidentiality.RESTRICTED:
            grant_author(writer, principal, [record.id], ip=ip)
        stored = writer.get(record.id)
    return _shown(principal, stored)


def update_record(
    archive: Archive,
    principal: Principal,
    record_id: str,
    payload: Any,
    *,
    revision: int,
    reason: str | None,
    patch: bool,
    ip: str | None = None,
) -> tuple[Stored, bool]:
    """Replace (or merge-patch) a readable record at ``revision``; ``Conflict`` if someone
    changed it since. Fields the user may not see are kept as stored, never wiped. A record
    made restricted is granted to whoever did it, in the same transaction."""
    require(principal, Permission.UPDATE)
    with archive.store.writer() as writer:
        readable = scoped(writer, read_scope(principal))
        current = readable.get(record_id)
        if patch:
            if not isinstance(payload, Mapping):
                raise Invalid("A patch must be a JSON object.", {"patch": "must be an object"})
            payload = merge_patch(dump(redact(principal, current.record)), payload)
        payload = restore(current.record, payload, hidden_ids(readable, [current.record]))
        built = build_record(current.record.KIND, payload, record_id)
        record = _keep_hidden(principal, current.record, built)
        check_vault_fields(record, before=current.record)
        declared = archive.store.custom_fields.get(record.KIND, {})
        check_writable(writer, principal, record, before=current.record, declared=declared)
        record = raised_to_links(writer, principal, record)  # a file is as protected as it shows
        made = writer.update(
            record, actor=principal.actor, reason=reason, expected_revision=revision
        )
        if _newly_restricted(current.record, record):
            grant_author(writer, principal, [record_id], ip=ip)
        return _shown(principal, writer.get(record_id)), made.seq != current.revision


def _newly_restricted(old: Record, new: Record) -> bool:
    restricted = Confidentiality.RESTRICTED
    return new.confidentiality is restricted and old.confidentiality is not restricted


def _keep_hidden(principal: Principal, stored: Record, new: Record) -> Record:
    """``new`` with the fields the principal does not see taken from ``stored``."""
    hidden = hidden_fields(principal, type(new))
    return dataclasses.replace(new, **{f: getattr(stored, f) for f in hidden}) if hidden else new
