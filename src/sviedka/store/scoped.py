"""``ScopedView``: the store read by one principal. Every read returns only what its scope
admits; a record outside it answers exactly like an id never used, after the same queries.

Made by ``store.view(principal)`` (or ``scoped(view, scope)`` inside a writer's transaction);
an unscoped view is asked for by name (``store.view(CUSTODIAN)``, ``store.unscoped_view()``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

import sqlalchemy as sa

from ..errors import NotFound
from ..model import Confidentiality, Record, Vocabulary
from ..model.custody import CustodyEvent
from ..model.revision import Revision
from ..policy import Grantee, ReadScope, Subject
from . import schema as t
from .base import BlobRecord, Cluster, Judgement, Stored, View, VocabInfo
from .dialect import json_text
from .rows import stored_of
from .scoping import admitted, to_grantees
from .search_query import Filters, Hits, SearchTexts, Term
from .view import SqlView

__all__ = ["ScopedView", "level_of", "scoped"]

_CHUNK = 500  # stay under SQLite's limit on bound parameters per statement


def scoped(view: View, scope: ReadScope, *, kept: Iterable[str] = ()) -> View:
    """``view`` as seen through ``scope`` (itself if the scope admits everything). ``kept``:
    ids whose kinds it tells whatever the scope (the references an update keeps)."""
    if scope.unscoped:
        return view
    assert isinstance(view, SqlView)
    return ScopedView(view, scope, kept=frozenset(kept))


def level_of(state: Mapping[str, Any]) -> Confidentiality:
    """The level a stored state (a revision's) had."""
    return Confidentiality(state.get("confidentiality", Record.confidentiality))


class ScopedView(View):
    def __init__(self, inner: SqlView, scope: ReadScope, *, kept: frozenset[str] = frozenset()):
        self.inner = inner
        self.scope = scope
        self.kept = kept

    @property
    def conn(self) -> sa.Connection:
        self.inner.flush()  # a writer's buffered records are read like the rest
        return self.inner.conn

    # -- records ---------------------------------------------------------------------------

    def find(self, record_id: str) -> Stored | None:
        row = self.conn.execute(_find(self.scope), {"id": record_id}).first()
        return None if row is None else stored_of(row)

    def get(self, record_id: str, *, as_of: str | None = None) -> Stored:
        """The record now, or as it was at ``as_of`` if it was readable then too."""
        found = self.find(record_id)
        if found is None:
            raise NotFound(f"No record with id {record_id}.")
        if as_of is None:
            return found
        then = self.inner.get(record_id, as_of=as_of)
        if not self.admits(record_id, then.record.KIND, then.record.confidentiality):
            raise NotFound(f"No record with id {record_id}.")
        return then

    def records(
        self,
        kind: str,
        *,
        where: Mapping[str, str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Stored]:
        query = _listed(self.scope, self.conn.dialect.name, tuple(where or ()), "rows")
        params = _params(kind, where) | {"limit": limit, "offset": offset}
        return [stored_of(row) for row in self.conn.execute(query, params)]

    def page(
        self, kind: str, *, where: Mapping[str, str] | None = None, limit: int, offset: int
    ) -> tuple[list[Stored], int]:
        """One page and the total in one statement (the total as a window over the rows the
        scope admits); a count of its own only past the last page, where no row carries it."""
        query = _listed(self.scope, self.conn.dialect.name, tuple(where or ()), "page")
        params = _params(kind, where) | {"limit": limit, "offset": offset}
        rows = self.conn.execute(query, params).all()
        if not rows:
            return [], self.count(kind, where=where)
        return [stored_of(row) for row in rows], int(rows[0].total)

    def count(self, kind: str, *, where: Mapping[str, str] | None = None) -> int:
        query = _listed(self.scope, self.conn.dialect.name, tuple(where or ()), "count")
        return int(self.conn.scalar(query, _params(kind, where)) or 0)

    def history(self, record_id: str) -> list[Revision]:
        """The revisions of a readable record that the scope admits at the level each had."""
        found = self.find(record_id)
        if found is None:
            raise NotFound(f"No record with id {record_id}.")
        revisions = self.inner.history(record_id)
        kind = found.record.KIND
        return [r for r in revisions if self.admits(record_id, kind, level_of(r.state))]

    def admits(self, record_id: str, kind: str, level: Confidentiality) -> bool:
        """Whether the scope admits this record at ``level`` (asks for its grants only if
        they matter)."""
        granted: frozenset[Grantee] = frozenset()
        if level is Confidentiality.RESTRICTED and self.scope.compartments:
            granted = self.granted_to(record_id)
        return self.scope.admits(Subject(kind, level, granted))

    def granted_to(self, record_id: str) -> frozenset[Grantee]:
        """Which of the scope's grantees the record is granted to."""
        g = t.record_grants.c
        query = sa.select(g.grantee_kind, g.grantee).where(g.record_id == record_id)
        return to_grantees(self.conn.execute(query).all()) & self.scope.compartments

    def kinds_of(self, ids: Iterable[str]) -> dict[str, str]:
        """``{id: kind}`` for those of ``ids`` the scope admits (or ``kept``)."""
        asked = set(ids)
        found = self.inner.kinds_of(asked & self.kept) if self.kept else {}
        wanted = sorted(asked - self.kept)
        r = t.records.c
        for i in range(0, len(wanted), _CHUNK):
            query = sa.select(r.id, r.kind).where(
                r.id.in_(wanted[i : i + _CHUNK]), admitted(self.scope)
            )
            found.update({row.id: row.kind for row in self.conn.execute(query)})
        return found

    def readable(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` the scope admits."""
        return set(self.kinds_of(ids))

    # -- files -----------------------------------------------------------------------------

    def readable_files(self, hashes: Iterable[str]) -> set[str]:
        """Those of the file hashes (originals or thumbnails) that an Evidence record the
        scope admits describes."""
        wanted = sorted(set(hashes))
        dialect = self.conn.dialect.name
        sha, thumb = json_text(dialect, "sha256"), json_text(dialect, "thumbnail")
        found: set[str] = set()
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            query = sa.select(sha, thumb).where(
                t.records.c.kind == "evidence",
                sa.or_(sha.in_(chunk), thumb.in_(chunk)),
                admitted(self.scope),
            )
            for row in self.conn.execute(query):
                found.update(h for h in row if h in chunk)
        return found

    def custody(self, sha256: str) -> list[CustodyEvent]:
        return self.inner.custody(sha256) if self.readable_files([sha256]) else []

    def blob(self, sha256: str) -> BlobRecord | None:
        return self.inner.blob(sha256) if self.readable_files([sha256]) else None

    def blobs(self) -> list[BlobRecord]:
        every = self.inner.blobs()
        shown = self.readable_files(b.sha256 for b in every)
        return [b for b in every if b.sha256 in shown]

    # -- judgements ------------------------------------------------------------------------

    def judgements(self, record_id: str) -> list[Judgement]:
        """Judgements between the record and others the scope admits."""
        found = self.inner.judgements(record_id)
        shown = self.readable([record_id, *(j.left for j in found), *(j.right for j in found)])
        return [j for j in found if record_id in shown and {j.left, j.right} <= shown]

    def cluster(self, record_id: str) -> Cluster:
        """The members of the record's cluster that the scope admits."""
        if self.find(record_id) is None:
            raise NotFound(f"No record with id {record_id}.")
        members = self.readable(self.inner.cluster(record_id).members)
        ordered = tuple(sorted(members))
        return Cluster(ordered[0], ordered)

    # -- what every principal reads alike --------------------------------------------------

    def vocabularies(self) -> list[VocabInfo]:
        return self.inner.vocabularies()

    def vocabulary(self, name: str) -> Vocabulary:
        return self.inner.vocabulary(name)

    def known_codes(self, vocab: str) -> frozenset[str]:
        return self.inner.known_codes(vocab)

    def meta(self, key: str) -> str | None:
        return self.inner.meta(key)

    # -- search (the service applies the scope's levels to the filters and restricted hits) ---

    def search_hits(
        self, terms: Sequence[Term], filters: Filters, *, need: int, closed: bool = False
    ) -> Hits:
        return self.inner.search_hits(terms, filters, need=need, closed=closed)

    def search_texts(self, record_ids: Sequence[str]) -> dict[str, SearchTexts]:
        return self.inner.search_texts(sorted(self.readable(record_ids)))


# The statements of the busiest reads, built once per scope (and filter paths) with the values
# as parameters: building and compiling a statement anew cost more CPU than running it.


@lru_cache(maxsize=512)
def _find(scope: ReadScope) -> sa.Select[Any]:
    return sa.select(t.records).where(t.records.c.id == sa.bindparam("id"), admitted(scope))


@lru_cache(maxsize=512)
def _listed(
    scope: ReadScope, dialect: str, paths: tuple[str, ...], shape: Literal["rows", "page", "count"]
) -> Any:
    """Records of one kind filtered on ``paths``: a page of them in id order (``page``: each
    row with the total, ``total``), or their count."""
    r = t.records.c
    columns: dict[str, list[Any]] = {
        "rows": [t.records],
        "page": [t.records, sa.func.count().over().label("total")],
        "count": [sa.func.count()],
    }
    query = sa.select(*columns[shape]).select_from(t.records)
    query = query.where(r.kind == sa.bindparam("kind"), admitted(scope))
    for i, path in enumerate(paths):
        query = query.where(json_text(dialect, path) == sa.bindparam(f"where_{i}"))
    if shape == "count":
        return query
    query = query.order_by(r.id).limit(sa.bindparam("limit", type_=sa.Integer))
    return query.offset(sa.bindparam("offset", type_=sa.Integer))


def _params(kind: str, where: Mapping[str, str] | None) -> dict[str, Any]:
    return {"kind": kind} | {f"where_{i}": value for i, value in enumerate((where or {}).values())}
