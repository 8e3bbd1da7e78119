"""A reviewer's verdict on a proposed match between a documented person and a list entry.

Confirming makes a ``sanction`` record linking the person, with a source link to a ``source``
record that cites the list version (made when the version is first cited). Rejecting is
remembered in ``sanction_decisions`` so the screening does not propose the pair again, and — as it
takes a person off the "possible" list — logged in the same transaction as an ``audit`` entry of
the ledger (who, which person, list, entry and version; not the reason's text), so that a
rejection cannot be slipped into the table unseen.
"""

from __future__ import annotations

from ...errors import Conflict, Invalid
from ...model import (
    Confidentiality,
    Credibility,
    PartialDate,
    Person,
    Reliability,
    Sanction,
    Source,
    SourceKind,
    SourceLink,
)
from ...model.ids import new_id
from ...model.revision import timestamp
from ...store import Store, Writer
from ...store.sanctions import Decision, add_decision, cite_version, verdict_of
from ..archive.audit import audit_in
from .entries import ListEntry
from .lists import ListVersion, find_entry

__all__ = ["confirm_match", "reject_match"]


def confirm_match(
    store: Store, person: str, list_name: str, ref: str, *, actor: str, reason: str | None = None
) -> str:
    """Record that ``person`` is the list's entry ``ref``; return the new sanction record's id."""
    with store.writer() as writer:
        subject = _person(writer, person)
        version, entry = find_entry(writer, list_name, ref)
        _not_decided(writer, person, list_name, ref)
        source = _version_source(writer, version, actor)
        record = _sanction(subject, version, entry, source)
        writer.add(record, actor=actor, reason=reason or "sanctions screening: match confirmed")
        _decide(writer, person, version, ref, "confirmed", record.id, actor, reason)
        return record.id


def reject_match(
    store: Store, person: str, list_name: str, ref: str, *, actor: str, reason: str | None = None
) -> None:
    """Record that ``person`` is not the list's entry ``ref``: it is not proposed again."""
    with store.writer() as writer:
        _person(writer, person)
        version, _ = find_entry(writer, list_name, ref)
        _not_decided(writer, person, list_name, ref)
        _decide(writer, person, version, ref, "rejected", None, actor, reason)
        _log_rejection(writer, person, version, ref, actor)


def _log_rejection(writer: Writer, person: str, version: ListVersion, ref: str, actor: str) -> None:
    details = {"list": version.list, "ref": ref, "version": version.id}
    audit_in(writer, "sanction_reject", person, actor=actor, details=details)


def _person(writer: Writer, person: str) -> Person:
    record = writer.get(person).record
    if not isinstance(record, Person):
        raise Invalid(
            f"Record {person} is a {record.KIND}, not a person.", {"person": "not a person"}
        )
    return record


def _not_decided(writer: Writer, person: str, list_name: str, ref: str) -> None:
    verdict = verdict_of(writer, person, list_name, ref)
    if verdict is not None:
        raise Conflict(f"This match was {verdict} already; nothing was changed.")


def _version_source(writer: Writer, version: ListVersion, actor: str) -> str:
    """The source record citing this list version, made the first time it is needed."""
    if version.source_id is not None:
        return version.source_id
    source = Source(
        id=new_id(),
        title=f"{version.authority}: {version.list}, {version.file} of {version.list_date or '?'}",
        kind=SourceKind.DATASET,
        reliability=Reliability.A,
        confidentiality=Confidentiality.PUBLIC,
        notes=f"Sanctions list version {version.id}; file SHA-256 {version.sha256}; "
        f"imported {version.imported_at} by {version.imported_by}.",
    )
    writer.add(source, actor=actor, reason="cited by a confirmed sanctions match")
    cite_version(writer, version.id, source.id)
    return source.id


def _sanction(subject: Person, version: ListVersion, entry: ListEntry, source: str) -> Sanction:
    listed = None
    if entry.listed:
        try:
            listed = PartialDate.parse(entry.listed[:10])
        except ValueError:
            listed = None
    link = SourceLink(
        source=source,
        reliability=Reliability.A,
        credibility=Credibility.CONFIRMED,
        locator=f"{version.list} entry {entry.ref}",
    )
    return Sanction(
        id=new_id(),
        authority=entry.authority,
        programme="; ".join(entry.programmes) or None,
        subject=subject.id,
        name_as_listed=entry.primary,
        reference=entry.ref,
        listed=listed,
        confidentiality=subject.confidentiality,
        sources=(link,),
    )


def _decide(
    writer: Writer,
    person: str,
    version: ListVersion,
    ref: str,
    verdict: str,
    sanction: str | None,
    actor: str,
    reason: str | None,
) -> None:
    decision = Decision(
        person, version.list, ref, verdict, version.id, sanction, actor, timestamp(), reason
    )
    add_decision(writer, decision)
