"""The audit trail: who read what sensitive, and who changed who may read it.

An audit event is an entry of kind ``audit`` in the archive's transparency log, through the
store's journal (the same seam revisions and custody events use). So an event cannot be removed
or altered without breaking the log's hashes and signed checkpoints, and ``sviedka verify``
checks them with the rest. ``events`` reads the log itself.

The event of a read is queued (``store.enqueue``: one INSERT, committed before the read is
answered; if it cannot be stored, the read fails) and appended to the log by the store's
sequencer a moment later (0.2 s), a burst of reads in one append; listing the audit, signing a
checkpoint and ``verify`` append what is queued first.

An event records who (user id and name), what (an action and the id or file hash it is about),
when (UTC) and from where (the client address, when known). It never holds record contents.

An event that belongs to a change (a grant and the record it opens) is written in the change's
own transaction (``audit_in``). Listing is bound like reading (``visible_events``): a principal
sees only events about what it may read (``policy.may_see_audit``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...model.revision import canonical, timestamp
from ...policy import AuditSubject as Subject
from ...policy import Permission, Principal, audit_subject, may_see_audit, require
from ...store import SqlStore, View, Writer
from ...store.audit_log import audit_entries
from ...store.compartments import journal
from ...store.scoped import ScopedView

__all__ = [
    "KIND",
    "AuditEvent",
    "audit_event",
    "audit_in",
    "audit_read",
    "audit_reads",
    "events",
    "visible_events",
]

Actor = Principal | str  # a principal, or the CLI's actor name

KIND = "audit"


@dataclass(frozen=True)
class AuditEvent:
    action: str  # read | evidence_view | evidence_download | grant | revoke | user_* …
    ref: str  # a record id, a file's sha256, or a user id
    user: str  # the user name (or the CLI actor)
    user_id: str | None
    at: str
    ip: str | None
    details: Mapping[str, Any] = field(default_factory=dict)
    index: int | None = None  # the entry's index in the log, once appended

    def data(self) -> dict[str, Any]:
        return {
            "audit": self.action,
            "ref": self.ref,
            "user": self.user,
            "user_id": self.user_id,
            "at": self.at,
            "ip": self.ip,
            "details": dict(self.details),
        }


def _who(actor: Actor) -> tuple[str, str | None]:
    """The name and user id an event records."""
    if isinstance(actor, str):
        return actor, None
    return actor.name, actor.id


def audit_read(
    store: SqlStore, principal: Principal, what: str, ref: str, *, ip: str | None
) -> None:
    """Log that ``principal`` read ``ref`` (``what``: ``read``, ``evidence_view``,
    ``evidence_download``, …). Call it before the content is shown: if the event cannot be
    logged, the read must fail."""
    audit_reads(store, principal, what, [ref], ip=ip)


def audit_reads(
    store: SqlStore, principal: Principal, what: str, refs: Iterable[str], *, ip: str | None
) -> None:
    """One event per ref, all in one transaction (a page of a list)."""
    at = timestamp()
    name, user_id = _who(principal)
    made = [AuditEvent(what, ref, name, user_id, at, ip) for ref in dict.fromkeys(refs)]
    _append(store, made)


def audit_event(
    store: SqlStore,
    action: str,
    ref: str,
    *,
    actor: Actor,
    ip: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Log an administrative action (a grant, a role change …) by a user or the CLI's actor."""
    _append(store, [_event(action, ref, actor, ip, details)])


def audit_in(
    writer: Writer,
    action: str,
    ref: str,
    *,
    actor: Actor,
    ip: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Log an action in the writer's transaction: the event and the change commit together."""
    event = _event(action, ref, actor, ip, details)
    journal(writer, KIND, event.ref, canonical(event.data()))
    return event


def _event(
    action: str, ref: str, actor: Actor, ip: str | None, details: Mapping[str, Any] | None
) -> AuditEvent:
    name, user_id = _who(actor)
    return AuditEvent(action, ref, name, user_id, timestamp(), ip, dict(details or {}))


def _append(store: SqlStore, made: list[AuditEvent]) -> None:
    """Stored (committed) before the read is answered; in the log a moment later (the store's
    sequencer), or at once when the audit is listed."""
    store.enqueue(KIND, [(event.ref, canonical(event.data())) for event in made])


def events(
    store: SqlStore,
    *,
    user: str | None = None,
    ref: str | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> list[AuditEvent]:
    """Every audit event (the custodian's view: ``visible_events`` is a principal's), oldest
    first, filtered by user name (or id), by what they are about, and by time (``since``: a UTC
    timestamp as the log writes them, or a prefix such as a date)."""
    found = []
    for event in _parsed(audit_entries(store, KIND, ref=ref)):
        if (user is None or user in (event.user, event.user_id)) and (
            since is None or event.at >= since
        ):
            found.append(event)
    return found[-limit:] if limit else found


def visible_events(
    store: SqlStore,
    principal: Principal,
    *,
    user: str | None = None,
    ref: str | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> list[AuditEvent]:
    """The events ``principal`` may list (``view_audit``, and only about what it may read: an
    event about a record it may not read is left out like one never written)."""
    require(principal, Permission.VIEW_AUDIT)
    found = events(store, user=user, ref=ref, since=since)
    with store.view(principal) as view:
        readable = _readable_refs(view, found)
    shown = [
        e
        for e in found
        if may_see_audit(principal, audit_subject(e.action, e.ref), e.ref in readable)
    ]
    return shown[-limit:] if limit else shown


def _readable_refs(view: View, found: list[AuditEvent]) -> set[str]:
    subjects = {e.ref: audit_subject(e.action, e.ref) for e in found}
    records = [ref for ref, subject in subjects.items() if subject is Subject.RECORD]
    files = [ref for ref, subject in subjects.items() if subject is Subject.FILE]
    readable = set(view.kinds_of(records))
    if isinstance(view, ScopedView):
        return readable | view.readable_files(files)
    return readable | set(files)


def _parsed(entries: Iterable[tuple[int, str]]) -> Iterator[AuditEvent]:
    for index, entry in entries:
        data = json.loads(entry)
        yield AuditEvent(
            action=data["audit"],
            ref=data["ref"],
            user=data["user"],
            user_id=data.get("user_id"),
            at=data["at"],
            ip=data.get("ip"),
            details=data.get("details") or {},
            index=index,
        )
