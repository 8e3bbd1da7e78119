"""``SqlView``: one read transaction on the SQL store, every record visible. ``scoped.py`` narrows
it to what a principal may read; ``writer.py`` builds on it to write."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from ..errors import NotFound
from ..model import Verdict, Vocabulary
from ..model.custody import CustodyEvent
from ..model.revision import Revision
from . import schema as t
from .base import BlobRecord, Cluster, Judgement, Stored, View, VocabInfo
from .dialect import json_text
from .rows import custody_of, judgement_of, record_of, revision_of, stored_of, term_of
from .search import search_hits, search_texts
from .search_query import Filters, Hits, SearchTexts, Term

__all__ = ["SqlView"]

_CHUNK = 500  # stay under SQLite's limit on bound parameters per statement


class SqlView(View):
    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self._codes: dict[str, frozenset[str]] = {}

    def flush(self) -> None:
        """Nothing: a view has nothing buffered (a writer writes what it has)."""

    def find(self, record_id: str) -> Stored | None:
        row = self.conn.execute(sa.select(t.records).where(t.records.c.id == record_id)).first()
        return None if row is None else stored_of(row)

    def get(self, record_id: str, *, as_of: str | None = None) -> Stored:
        if as_of is None:
            found = self.find(record_id)
            if found is None:
                raise NotFound(f"No record with id {record_id}.")
            return found
        return self._as_of(record_id, as_of)

    def _as_of(self, record_id: str, as_of: str) -> Stored:
        revs = t.revisions.c
        query = sa.select(t.revisions).where(revs.record_id == record_id, revs.at <= as_of)
        row = self.conn.execute(query.order_by(revs.seq.desc()).limit(1)).first()
        if row is None:
            raise NotFound(f"No record with id {record_id} existed at {as_of}.")
        first = sa.select(revs.at).where(revs.record_id == record_id, revs.seq == 1)
        created = self.conn.scalar(first) or row.at
        revision = revision_of(row)
        record = record_of(row.kind, revision.record_id, dict(revision.state))
        return Stored(record, row.seq, row.sha256, created, row.at)

    def records(
        self,
        kind: str,
        *,
        where: Mapping[str, str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Stored]:
        query = self._filtered(sa.select(t.records), kind, where)
        query = query.order_by(t.records.c.id).limit(limit).offset(offset)
        return [stored_of(row) for row in self.conn.execute(query)]

    def count(self, kind: str, *, where: Mapping[str, str] | None = None) -> int:
        query = self._filtered(sa.select(sa.func.count()).select_from(t.records), kind, where)
        return int(self.conn.scalar(query) or 0)

    def _filtered(self, query: Any, kind: str, where: Mapping[str, str] | None) -> Any:
        query = query.where(t.records.c.kind == kind)
        for path, value in (where or {}).items():
            query = query.where(json_text(self.conn.dialect.name, path) == value)
        return query

    def history(self, record_id: str) -> list[Revision]:
        revs = t.revisions.c
        query = sa.select(t.revisions).where(revs.record_id == record_id).order_by(revs.seq)
        found = [revision_of(row) for row in self.conn.execute(query)]
        if not found:
            raise NotFound(f"No record with id {record_id}.")
        return found

    def kinds_of(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(ids))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            query = sa.select(t.records.c.id, t.records.c.kind).where(t.records.c.id.in_(chunk))
            found.update({row.id: row.kind for row in self.conn.execute(query)})
        return found

    def vocabularies(self) -> list[VocabInfo]:
        terms = sa.select(t.vocab_terms.c.vocab, sa.func.count().label("n"))
        grouped = self.conn.execute(terms.group_by(t.vocab_terms.c.vocab))
        counts: dict[str, int] = {row.vocab: int(row.n) for row in grouped}
        rows = self.conn.execute(sa.select(t.vocabularies).order_by(t.vocabularies.c.name))
        return [VocabInfo(r.name, r.title, r.source, counts.get(r.name, 0)) for r in rows]

    def vocabulary(self, name: str) -> Vocabulary:
        head = self.conn.execute(
            sa.select(t.vocabularies).where(t.vocabularies.c.name == name)
        ).first()
        if head is None:
            raise NotFound(f"No vocabulary named {name!r}. `sviedka vocab list` shows them all.")
        c = t.vocab_terms.c
        rows = self.conn.execute(
            sa.select(t.vocab_terms).where(c.vocab == name).order_by(c.ord, c.code)
        )
        terms = tuple(term_of(row) for row in rows)
        return Vocabulary(head.name, head.title, head.source, terms)

    def known_codes(self, vocab: str) -> frozenset[str]:
        if vocab not in self._codes:
            c = t.vocab_terms.c
            codes = self.conn.scalars(sa.select(c.code).where(c.vocab == vocab))
            self._codes[vocab] = frozenset(codes)
        return self._codes[vocab]

    def judgements(self, record_id: str) -> list[Judgement]:
        c = t.judgements.c
        query = sa.select(t.judgements).where(
            sa.or_(c.left_id == record_id, c.right_id == record_id)
        )
        return [judgement_of(row) for row in self.conn.execute(query.order_by(c.at))]

    def cluster(self, record_id: str) -> Cluster:
        if not self.kinds_of([record_id]):
            raise NotFound(f"No record with id {record_id}.")
        members, frontier = {record_id}, [record_id]
        while frontier:
            linked = self._same_as(frontier)
            frontier = sorted(linked - members)
            members |= linked
        ordered = tuple(sorted(members))  # UUIDv7 ids sort by creation time
        return Cluster(ordered[0], ordered)

    def _same_as(self, ids: list[str]) -> set[str]:
        c = t.judgements.c
        found: set[str] = set()
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            query = sa.select(c.left_id, c.right_id).where(
                c.verdict == Verdict.SAME.value, sa.or_(c.left_id.in_(chunk), c.right_id.in_(chunk))
            )
            for left, right in self.conn.execute(query):
                found.update((left, right))
        return found

    def meta(self, key: str) -> str | None:
        value = self.conn.scalar(sa.select(t.meta.c.value).where(t.meta.c.key == key))
        return None if value is None else str(value)

    def blob(self, sha256: str) -> BlobRecord | None:
        row = self.conn.execute(sa.select(t.blobs).where(t.blobs.c.sha256 == sha256)).first()
        return None if row is None else BlobRecord(**row._mapping)

    def blobs(self) -> list[BlobRecord]:
        rows = self.conn.execute(sa.select(t.blobs).order_by(t.blobs.c.sha256))
        return [BlobRecord(**row._mapping) for row in rows]

    def custody(self, sha256: str) -> list[CustodyEvent]:
        c = t.custody_events.c
        query = sa.select(c.entry).where(c.sha256 == sha256).order_by(c.id)
        return [custody_of(json.loads(entry)) for entry in self.conn.scalars(query)]

    def search_hits(
        self, terms: Sequence[Term], filters: Filters, *, need: int, closed: bool = False
    ) -> Hits:
        return search_hits(self.conn, terms, filters, need=need, closed=closed)

    def search_texts(self, record_ids: Sequence[str]) -> dict[str, SearchTexts]:
        return search_texts(self.conn, record_ids)
