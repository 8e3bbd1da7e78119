"""Stored rows into the domain's objects: a record from its stored state, and the revisions,
vocabulary terms, custody events and judgements a view reads. The one place rows are decoded."""

from __future__ import annotations

import json
from typing import Any

from ..errors import IntegrityFailure
from ..model import KINDS, Record, Verdict, VocabTerm
from ..model.codec import load
from ..model.custody import CustodyEvent, CustodyKind
from ..model.revision import Revision
from .base import Judgement, Stored
from .decoded import decoded

__all__ = [
    "custody_of",
    "judgement_of",
    "record_of",
    "revision_of",
    "state_of",
    "stored_of",
    "term_of",
]


def state_of(data: str, sensitive: str | None) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(data)
    if sensitive:
        state.update(json.loads(sensitive))
    return state


def record_of(kind: str, record_id: str, state: dict[str, Any]) -> Record:
    """The record a stored state describes; its kind must be the one it was stored as."""
    stated = state.pop("record_kind", None)
    if stated != kind or kind not in KINDS:
        raise IntegrityFailure(
            f"Record {record_id} is stored as a {kind} but its state says {stated}: the "
            "archive was altered outside Sviedka. Run `sviedka verify`."
        )
    return load(KINDS[kind], state)


def stored_of(row: Any) -> Stored:
    def decode() -> Record:
        return record_of(row.kind, row.id, state_of(row.data, row.sensitive))

    record = decoded(row.kind, row.id, row.sha256, decode)
    return Stored(record, row.revision, row.sha256, row.created_at, row.updated_at)


def revision_of(row: Any) -> Revision:
    state = state_of(row.state, row.sensitive)
    return Revision(
        row.record_id,
        row.seq,
        row.kind,
        row.actor,
        row.at,
        row.reason,
        state,
        row.state_sha256,
        row.sha256,
        row.prev_sha256,
    )


def term_of(row: Any) -> VocabTerm:
    return VocabTerm(
        code=row.code,
        labels=json.loads(row.labels),
        parent=row.parent,
        level=row.level,
        order=row.ord,
        extra=json.loads(row.extra),
    )


def custody_of(data: dict[str, Any]) -> CustodyEvent:
    kind = CustodyKind(data["custody"])
    return CustodyEvent(
        data["sha256"], kind, data["actor"], data["at"], data["reason"], data["details"]
    )


def judgement_of(row: Any) -> Judgement:
    return Judgement(row.left_id, row.right_id, Verdict(row.verdict), row.actor, row.at, row.reason)
