"""``SqlWriter``: the one path by which records change.

In one transaction it validates a record, writes its current row, appends a revision chained to
the previous one, and hands the revision to the journal. New records are buffered and written with
``executemany`` (bulk imports run at thousands of revisions a second); any read flushes first, so
the writer always reads its own writes.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from ..errors import Conflict, Invalid, NotFound
from ..model import Record, Verdict, Vocabulary
from ..model.codec import check_text, dump
from ..model.custody import CustodyEvent
from ..model.custom import CustomField
from ..model.revision import Revision, canonical, sha256_hex, timestamp
from . import schema as t
from .base import BlobRecord, Journal, Judgement, Stored, Writer
from .dialect import upsert
from .indexes import Index
from .validate import problems
from .view import SqlView

__all__ = ["SqlWriter", "state_of_record"]

_BATCH = 2000


class SqlWriter(SqlView, Writer):
    def __init__(
        self,
        conn: sa.Connection,
        custom_fields: Mapping[str, Mapping[str, CustomField]],
        journal: Journal,
        indexes: Sequence[Index] = (),
    ) -> None:
        super().__init__(conn)
        self.indexes = indexes
        self._changed: dict[str, Record] = {}  # for the derived indexes, at the next flush
        self.custom_fields = custom_fields
        self.journal = journal.open(conn)
        self._rows: list[dict[str, Any]] = []
        self._revs: list[dict[str, Any]] = []
        self._pending: dict[str, str] = {}  # id -> kind of buffered new records
        # id -> kind of records known to exist. Safe to keep for the transaction: records are
        # never deleted and never change kind. Saves a query per reference on bulk imports.
        self._known: dict[str, str] = {}

    # -- records -------------------------------------------------------------------------

    def add(self, record: Record, *, actor: str, reason: str | None = None) -> Revision:
        """Add a new record. An id that exists already is a ``Conflict``, found here for ids this
        writer knows and otherwise when the buffer is flushed (one query per batch)."""
        if record.id in self._pending or record.id in self._known:
            raise Conflict(f"A record with id {record.id} already exists; use update instead.")
        self._check_who(actor, reason)
        self._validate(record)
        state = state_of_record(record)
        split = _split(record, state)
        revision = Revision.make(
            record.KIND,
            state,
            seq=1,
            actor=actor,
            at=timestamp(),
            reason=reason,
            prev=None,
            state_bytes=split[2],
        )
        self._rows.append(_row(record, revision, created_at=revision.at, split=split))
        self._revs.append(_revision_row(record, revision, split=split))
        self._pending[record.id] = record.KIND
        self._changed[record.id] = record
        self.journal.append("revision", record.id, revision.entry())
        if len(self._rows) >= _BATCH:
            self.flush()
        return revision

    def update(
        self,
        record: Record,
        *,
        actor: str,
        reason: str | None = None,
        expected_revision: int | None = None,
    ) -> Revision:
        """Replace the record's state. A change that changes nothing writes nothing and returns
        the current revision, so re-importing the same data is idempotent."""
        self.flush()
        self._check_who(actor, reason)
        head = self._lock_head(record)
        if expected_revision is not None and expected_revision != head.revision:
            raise Conflict(
                f"Record {record.id} is at revision {head.revision}, not {expected_revision}: "
                "someone changed it meanwhile. Reload it and apply your change again."
            )
        self._validate(record)
        state = state_of_record(record)
        current = self.history_head(record.id)
        if current.state_sha256 == sha256_hex(canonical(state)):
            return current
        at = max(timestamp(), head.updated_at)  # never earlier than the revision before
        revision = Revision.make(
            record.KIND,
            state,
            seq=head.revision + 1,
            actor=actor,
            at=at,
            reason=reason,
            prev=head.sha256,
        )
        row = _row(record, revision, created_at=head.created_at)
        self.conn.execute(sa.update(t.records).where(t.records.c.id == record.id).values(**row))
        self.conn.execute(sa.insert(t.revisions), _revision_row(record, revision))
        self._changed[record.id] = record
        self.journal.append("revision", record.id, revision.entry())
        return revision

    def _lock_head(self, record: Record) -> Any:
        # FOR UPDATE serialises concurrent writers of one record on PostgreSQL, so each sees the
        # true head of the hash chain; SQLite has one writer at a time already.
        query = sa.select(t.records).where(t.records.c.id == record.id).with_for_update()
        head = self.conn.execute(query).first()
        if head is None:
            raise NotFound(f"No record with id {record.id}.")
        if head.kind != record.KIND:
            raise Invalid(
                f"Record {record.id} is a {head.kind}, not a {record.KIND}.",
                {"kind": f"must stay {head.kind}"},
            )
        return head

    def history_head(self, record_id: str) -> Revision:
        return self.history(record_id)[-1]

    def _check_who(self, actor: str, reason: str | None) -> None:
        errors = {}
        for name, text in (("actor", actor), ("reason", reason)):
            try:
                check_text(text or "-")
            except ValueError as exc:
                errors[name] = str(exc)
        if errors:
            raise Invalid("Who or why is not valid text; nothing was saved.", errors)

    def _validate(self, record: Record) -> None:
        errors = problems(record, self.custom_fields.get(record.KIND, {}), self)
        if errors:
            raise Invalid(f"The {record.KIND} is not valid; nothing was saved.", errors)

    def kinds_of(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = set(ids)
        found = {i: self._pending[i] for i in wanted if i in self._pending}
        found |= {i: self._known[i] for i in wanted if i in self._known}
        missing = wanted - set(found)
        if missing:
            stored = self.kinds_of_stored(missing)
            self._known |= stored
            found |= stored
        return found

    def kinds_of_stored(self, ids: Iterable[str]) -> dict[str, str]:
        return super().kinds_of(ids)

    def flush(self) -> None:
        if self._rows:
            taken = sorted(self.kinds_of_stored(self._pending))
            if taken:
                shown = ", ".join(taken[:5]) + (" …" if len(taken) > 5 else "")
                raise Conflict(f"Records with these ids already exist: {shown}; nothing was saved.")
            self.conn.execute(sa.insert(t.records), self._rows)
            self.conn.execute(sa.insert(t.revisions), self._revs)
        self._known |= self._pending
        self._rows, self._revs = [], []
        self._pending = {}
        self._refresh_indexes()
        self.journal.flush()

    def _refresh_indexes(self) -> None:
        changed = list(self._changed.values())
        self._changed = {}
        for index in self.indexes:
            mine = [r for r in changed if r.KIND in index.kinds]
            if mine:
                index.refresh(self.conn, mine)

    def find(self, record_id: str) -> Stored | None:
        self.flush()
        return super().find(record_id)

    def records(
        self,
        kind: str,
        *,
        where: Mapping[str, str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Stored]:
        self.flush()
        return super().records(kind, where=where, limit=limit, offset=offset)

    def count(self, kind: str, *, where: Mapping[str, str] | None = None) -> int:
        self.flush()
        return super().count(kind, where=where)

    def history(self, record_id: str) -> list[Revision]:
        self.flush()
        return super().history(record_id)

    # -- vocabularies, judgements, meta -------------------------------------------------

    def put_vocabulary(self, vocabulary: Vocabulary) -> None:
        """Add or update a vocabulary and its terms. Terms are never removed: records use them."""
        head = {"name": vocabulary.name, "title": vocabulary.title, "source": vocabulary.source}
        upsert(self.conn, t.vocabularies, head, ["name"])
        rows = [_term_row(vocabulary.name, term) for term in vocabulary.terms]
        existing = self.known_codes(vocabulary.name)
        new = [r for r in rows if r["code"] not in existing]
        if new:
            self.conn.execute(sa.insert(t.vocab_terms), new)
        for row in (r for r in rows if r["code"] in existing):
            upsert(self.conn, t.vocab_terms, row, ["vocab", "code"])
        self._codes.pop(vocabulary.name, None)

    def judge(
        self, left: str, right: str, verdict: Verdict, *, actor: str, reason: str | None = None
    ) -> Judgement:
        self.flush()
        left, right = self._pair(left, right)
        if verdict is Verdict.SAME:
            self._check_no_split(left, right)
        judgement = Judgement(left, right, verdict, actor, timestamp(), reason)
        row: dict[str, Any] = {"left_id": left, "right_id": right, "verdict": verdict.value}
        row |= {"actor": actor, "at": judgement.at, "reason": reason}
        upsert(self.conn, t.judgements, row, ["left_id", "right_id"])
        self._log_judgement(row)
        return judgement

    def retract(self, left: str, right: str, *, actor: str, reason: str | None = None) -> None:
        left, right = sorted((left, right))
        c = t.judgements.c
        deleted = self.conn.execute(
            sa.delete(t.judgements).where(c.left_id == left, c.right_id == right)
        )
        if deleted.rowcount == 0:
            raise NotFound(f"No judgement between {left} and {right}.")
        row: dict[str, Any] = {"left_id": left, "right_id": right, "verdict": "retracted"}
        self._log_judgement(row | {"actor": actor, "at": timestamp(), "reason": reason})

    def _pair(self, left: str, right: str) -> tuple[str, str]:
        if left == right:
            raise Invalid("A record is always the same as itself.", {"right": "give another id"})
        kinds = self.kinds_of([left, right])
        for rid in (left, right):
            if rid not in kinds:
                raise NotFound(f"No record with id {rid}.")
        if kinds[left] != kinds[right]:
            raise Invalid(
                f"Only records of one kind can be the same ({kinds[left]} vs {kinds[right]}).",
                {"right": f"must be a {kinds[left]}"},
            )
        low, high = sorted((left, right))
        return low, high

    def _check_no_split(self, left: str, right: str) -> None:
        merged = set(self.cluster(left).members) | set(self.cluster(right).members)
        c = t.judgements.c
        query = sa.select(c.left_id, c.right_id).where(
            c.verdict == Verdict.NOT_SAME.value, c.left_id.in_(merged), c.right_id.in_(merged)
        )
        clash = self.conn.execute(query).first()
        if clash is not None:
            raise Conflict(
                f"{clash.left_id} and {clash.right_id} were judged not the same; joining "
                f"{left} and {right} would put them in one cluster. Retract that judgement first."
            )

    def _log_judgement(self, row: dict[str, Any]) -> None:
        entry = canonical(row)
        self.conn.execute(sa.insert(t.judgement_log), row | {"digest": sha256_hex(entry)})
        self.journal.append("judgement", row["left_id"], entry)

    def add_custody(self, event: CustodyEvent) -> None:
        entry = event.entry()
        row: dict[str, Any] = {"sha256": event.sha256, "kind": event.kind.value}
        row |= {
            "actor": event.actor,
            "at": event.at,
            "reason": event.reason,
            "entry": entry.decode(),
            "digest": sha256_hex(entry),
        }
        self.conn.execute(sa.insert(t.custody_events), row)
        self.journal.append("custody", event.sha256, entry)

    def put_blob(self, blob: BlobRecord) -> None:
        upsert(self.conn, t.blobs, dataclasses.asdict(blob), ["sha256"])

    def set_meta(self, key: str, value: str) -> None:
        upsert(self.conn, t.meta, {"key": key, "value": value}, ["key"])


Split = tuple[str, str | None, bytes]


def state_of_record(record: Record) -> dict[str, Any]:
    """What a revision hashes: the record's fields and its kind, so that a record can never be
    relabelled as another kind without breaking its hashes."""
    return {"record_kind": record.KIND, **dump(record)}


def _split(record: Record, state: Mapping[str, Any]) -> Split:
    """Canonical JSON of the state without, and of, the record's sensitive fields, and of the
    whole state. Without sensitive fields the first and last are the same bytes, made once."""
    secret = {k: v for k, v in state.items() if k in record.SENSITIVE}
    if not secret:
        whole = canonical(state)
        return whole.decode(), None, whole
    public = {k: v for k, v in state.items() if k not in record.SENSITIVE}
    return canonical(public).decode(), canonical(secret).decode(), canonical(state)


def _row(
    record: Record, revision: Revision, *, created_at: str, split: Split | None = None
) -> dict[str, Any]:
    data, sensitive, _ = split or _split(record, revision.state)
    return {
        "id": record.id,
        "kind": record.KIND,
        "confidentiality": record.confidentiality.value,
        "data": data,
        "sensitive": sensitive,
        "revision": revision.seq,
        "sha256": revision.sha256,
        "created_at": created_at,
        "updated_at": revision.at,
    }


def _revision_row(record: Record, revision: Revision, split: Split | None = None) -> dict[str, Any]:
    state, sensitive, _ = split or _split(record, revision.state)
    return {
        "record_id": revision.record_id,
        "seq": revision.seq,
        "kind": revision.kind,
        "actor": revision.actor,
        "at": revision.at,
        "reason": revision.reason,
        "state": state,
        "sensitive": sensitive,
        "state_sha256": revision.state_sha256,
        "sha256": revision.sha256,
        "prev_sha256": revision.prev_sha256,
    }


def _term_row(vocab: str, term: Any) -> dict[str, Any]:
    return {
        "vocab": vocab,
        "code": term.code,
        "parent": term.parent,
        "level": term.level,
        "ord": term.order,
        "labels": json.dumps(dict(term.labels), ensure_ascii=False, sort_keys=True),
        "extra": json.dumps(dict(term.extra), ensure_ascii=False, sort_keys=True),
    }
