"""Reading evidence: the file and record a principal may see, its chain of custody as that
principal may see it, and the events logged when a file is viewed or downloaded.

A file is reached by its SHA-256 and exists for a principal only through an Evidence record that
an ingest made for it (the custody event ``ingested`` names it) and that the principal may read;
otherwise the answer is ``NotFound``, exactly as for a hash never stored. A record that merely
names the hash (written through the records API) opens nothing. The same bytes may be described
by several records (one per principal who could not reach the others): each custody event names
its record, and a reader sees the events of the records it may read, and the file's own events
(``verified``, ``reencrypted``) from its first visible ingest on, so that nothing shows the file
was there before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ...errors import NotFound
from ...model import Confidentiality, Evidence, Record
from ...model.custody import CustodyEvent, CustodyKind
from ...model.revision import timestamp
from ...policy import Permission, redact, require
from ...store import BlobRecord, Stored, View
from ..archive.audit import audit_read
from ..archive.folder import Archive
from .names import safe_name
from .principal import Custodian, Principal, actor_name, reads

__all__ = [
    "custody_chain",
    "log_access",
    "readable_evidence",
    "shown_evidence",
    "visible_twins",
]

_FILE_EVENTS = frozenset({CustodyKind.VERIFIED, CustodyKind.REENCRYPTED})
_AUDITED = frozenset({Confidentiality.CONFIDENTIAL, Confidentiality.RESTRICTED})


def readable_evidence(
    view: View, who: Principal, sha256: str, *, to: Permission | None = None
) -> tuple[Stored, BlobRecord]:
    """The Evidence record that describes a file (or its thumbnail) and that the principal may
    read, with the vault's record of the file; ``NotFound`` otherwise, whatever the reason.
    With ``to`` (``read`` to describe it, ``evidence_download`` to hand it out), ``Forbidden``
    first unless the principal may do that."""
    if to is not None:
        require(who, to)
    blob = view.blob(sha256) if len(sha256) == 64 else None
    if blob is not None:
        found = _thumbnailed(view, sha256) if blob.derived else _ingested(view, sha256)
        for stored in found:
            if reads(view, who, stored.record):
                return stored, blob
    raise NotFound(f"No evidence with sha256 {sha256}.")


def _ingested(view: View, sha256: str, events: list[CustodyEvent] | None = None) -> list[Stored]:
    """The records an ingest made (or linked anew) for a file, oldest first. A record written
    through the records API that names the file's hash is not one: it does not open the file."""
    events = view.custody(sha256) if events is None else events
    ingests = [e for e in events if e.kind is CustodyKind.INGESTED]
    named = {str(e.details["evidence"]) for e in ingests if "evidence" in e.details}
    found = list(_describing(view, "sha256", sha256))
    if found and any("evidence" not in e.details for e in ingests):
        named.add(found[0].record.id)  # before events named their record: the file's first
    return [s for s in found if s.record.id in named]


def _thumbnailed(view: View, sha256: str) -> list[Stored]:
    """The records whose thumbnail this is, among those an ingest made for their own file."""
    return [
        s
        for s in _describing(view, "thumbnail", sha256)
        if isinstance(s.record, Evidence)
        and s.record.sha256
        and s in _ingested(view, s.record.sha256)
    ]


def _describing(view: View, field: str, sha256: str) -> Iterable[Stored]:
    offset = 0
    while page := view.records("evidence", where={field: sha256}, limit=100, offset=offset):
        yield from page
        offset += len(page)


def custody_chain(archive: Archive, sha256: str, who: Principal | str) -> list[CustodyEvent]:
    """The file's chain of custody as the principal may see it, oldest first; ``Forbidden``
    unless it may read, ``NotFound`` if it may read no record of the file."""
    reader = Custodian(who) if isinstance(who, str) else who
    require(reader, Permission.READ)
    # Unscoped on purpose: which events belong to a record the reader may read is decided from
    # every record an ingest made for the file (the first one owns events that name none)
    with archive.store.unscoped_view() as view:
        events = view.custody(sha256)
        records = [s.record for s in _ingested(view, sha256, events)]
        mine = {r.id for r in records if reads(view, reader, r)}
    if not mine:
        raise NotFound(f"No evidence with sha256 {sha256}.")
    first = records[0].id  # before events named their record, a file had one record
    owned = [e for e in events if e.kind not in _FILE_EVENTS]
    seen = {id(e) for e in owned if str(e.details.get("evidence", first)) in mine}
    since = min((e.at for e in events if id(e) in seen), default="")
    return [e for e in events if id(e) in seen or (e.kind in _FILE_EVENTS and e.at >= since)]


def visible_twins(view: View, who: Principal, evidence: Record) -> tuple[str, ...]:
    """The near-duplicates of a file that the principal may read, of those the record names."""
    if not isinstance(evidence, Evidence):
        return ()
    return tuple(
        sha
        for sha in evidence.near_duplicates
        if any(reads(view, who, s.record) for s in _ingested(view, sha))
    )


def shown_evidence(view: View, who: Principal, evidence: Evidence) -> Evidence:
    """The record as a page shows it: redacted for the user, only the near-duplicates they may
    read, and names without invisible characters (records stored before names were cleaned)."""
    record = redact(who, evidence)
    assert isinstance(record, Evidence)
    return dataclasses.replace(
        record,
        title=safe_name(record.title),
        original_name=safe_name(record.original_name) if record.original_name else None,
        near_duplicates=visible_twins(view, who, record),
    )


def log_access(
    archive: Archive, who: Principal, evidence: Record, *, inline: bool, via: str, ip: str | None
) -> None:
    """Custody (viewed or exported) and audit events for a file about to be sent: if either
    cannot be written, nothing is sent."""
    sha256 = getattr(evidence, "sha256", None) or ""
    kind = CustodyKind.VIEWED if inline else CustodyKind.EXPORTED
    details = {"via": via, "evidence": evidence.id}
    event = CustodyEvent(sha256, kind, actor_name(who), timestamp(), None, details)
    with archive.store.writer() as writer:
        writer.add_custody(event)
    what = "evidence_view" if inline else "evidence_download"
    audit_read(archive.store, who, what, sha256, ip=ip)
    if evidence.confidentiality in _AUDITED:
        audit_read(archive.store, who, "read", evidence.id, ip=ip)
