"""Adding, changing and reading records; every change is a revision made by the store's writer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from ...errors import Invalid
from ...model import KINDS, Evidence, Record
from ...model.codec import dump, load, references
from ...model.custom import CustomField
from ...model.ids import is_record_id, new_id
from ...model.revision import Revision, timestamp
from ...policy import Principal, may_write, reach
from ...store import Store, Stored, View
from ...store.scoped import scoped
from ...store.validate import problems

__all__ = [
    "add_record",
    "build_record",
    "changed_fields",
    "check_vault_fields",
    "check_writable",
    "get_record",
    "list_records",
    "merge_patch",
    "parse_as_of",
    "record_class",
    "record_history",
    "update_record",
]


def record_class(kind: str) -> type[Record]:
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise Invalid(
            f"Unknown record kind {kind!r}. Kinds: {known}.", {"kind": "unknown"}
        ) from None


def build_record(kind: str, payload: Any, record_id: str | None = None) -> Record:
    """A record of ``kind`` from JSON data; the id comes from ``record_id``, the data, or is new."""
    cls = record_class(kind)
    if not isinstance(payload, Mapping):
        raise Invalid("The record must be a JSON object.", {"(record)": "must be an object"})
    data = dict(payload)
    given = data.get("id")
    if record_id is not None and given not in (None, record_id):
        raise Invalid("The data names another record.", {"id": f"must be {record_id} or absent"})
    data["id"] = record_id or given or new_id()
    if not isinstance(data["id"], str) or not is_record_id(data["id"]):
        raise Invalid("The record id is not valid.", {"id": "must be a UUIDv7 like Sviedka makes"})
    return load(cls, data)


def add_record(
    store: Store, kind: str, payload: Any, *, actor: str, reason: str | None = None
) -> Stored:
    record = build_record(kind, payload)
    with store.writer() as writer:
        writer.add(record, actor=actor, reason=reason)
        return writer.get(record.id)


def update_record(
    store: Store,
    record_id: str,
    payload: Any,
    *,
    actor: str,
    reason: str | None = None,
    expected_revision: int | None = None,
    patch: bool = False,
) -> tuple[Stored, bool]:
    """Replace (or, with ``patch``, merge-patch per RFC 7396) a record; return it and whether it
    changed."""
    with store.writer() as writer:
        current = writer.get(record_id)
        if patch:
            if not isinstance(payload, Mapping):
                raise Invalid("A patch must be a JSON object.", {"(patch)": "must be an object"})
            payload = merge_patch(dump(current.record), payload)
        record = build_record(current.record.KIND, payload, record_id)
        revision = writer.update(
            record, actor=actor, reason=reason, expected_revision=expected_revision
        )
        return writer.get(record_id), revision.seq != current.revision


def check_writable(
    view: View,
    principal: Principal,
    record: Record,
    before: Record | None = None,
    *,
    declared: Mapping[str, CustomField] | None = None,
) -> None:
    """``Invalid`` (nothing saved) unless the principal may write the record as it is: its
    level within their clearance, and every record it newly points at (not already in
    ``before``) within their reach. The record is validated as the writer would, against a view
    in which what is out of reach does not exist: a reference to a record one may not read is
    refused with the very answer (headline, fields, messages) of one to an id never used."""
    errors: dict[str, str] = {}
    if not may_write(principal, record.confidentiality):
        errors["confidentiality"] = f"above your clearance ({principal.clearance})"
    kept = {r.value for r in references(before) if r.kind == "ref"} if before else set()
    reachable = scoped(view, reach(principal), kept=kept)
    errors.update(problems(record, declared or {}, reachable))
    if errors:
        raise Invalid(f"The {record.KIND} is not valid; nothing was saved.", errors)


def check_vault_fields(record: Record, before: Record | None = None) -> None:
    """``Invalid`` (nothing saved) if a generic write would set or change what only the
    evidence ingest may: the file an Evidence record describes (its sha256), its size, media
    type, name as given and what was extracted from it. A new record may claim none of them: a
    record that names a hash no ingest made has no bytes or custody behind it."""
    if not isinstance(record, Evidence):
        return
    was = before if before is not None else Evidence(id=record.id, title=record.title)
    errors = {
        name: "set only by the evidence ingest (upload the file: POST /api/v1/evidence)"
        for name in Evidence.VAULT_FIELDS
        if getattr(record, name) != getattr(was, name)
    }
    if errors:
        raise Invalid(
            f"What the vault knows of a file cannot be changed here; the {record.KIND} was "
            "not saved.",
            errors,
        )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch: ``null`` removes a field, objects merge, the rest replaces."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def get_record(
    store: Store, principal: Principal, record_id: str, *, as_of: str | None = None
) -> Stored:
    """A record as the principal may read it (``NotFound`` alike if absent or hidden)."""
    with store.view(principal) as view:
        return view.get(record_id, as_of=parse_as_of(as_of) if as_of else None)


def record_history(store: Store, principal: Principal, record_id: str) -> list[Revision]:
    """The revisions of a record that the principal may read."""
    with store.view(principal) as view:
        return view.history(record_id)


def list_records(
    store: Store,
    principal: Principal,
    kind: str,
    *,
    where: Mapping[str, str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Stored], int]:
    """One page of the records of ``kind`` that the principal may read, and how many match."""
    record_class(kind)
    if limit < 1 or offset < 0:
        raise Invalid("Bad page.", {"limit": "must be at least 1", "offset": "must be 0 or more"})
    with store.view(principal) as view:
        return view.records(kind, where=where, limit=limit, offset=offset), view.count(
            kind, where=where
        )


def parse_as_of(text: str) -> str:
    """A moment for "as of" reads. A bare date means the end of that day, UTC; a time without an
    offset is UTC."""
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(
            "Bad time.", {"as_of": f"{text!r} is not a date or time (use 2024-05-01 or ISO 8601)"}
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return timestamp(moment)


def changed_fields(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    """Top-level fields that differ between two states (all of ``new``'s for a first revision)."""
    if old is None:
        return sorted(new)
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
