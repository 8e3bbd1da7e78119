"""The store contract: ``Store`` opens ``View``s (reads) and ``Writer``s (one transaction).

Every change to a record goes through ``Writer.add`` or ``Writer.update``, which validate it,
write the current row and append a revision in the same transaction, then hand the revision's
entry to the ``Journal`` — the seam where the transparency log plugs in. There is no delete.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from ..model import Record, Verdict, Vocabulary
from ..model.custody import CustodyEvent
from ..model.revision import Revision
from ..policy import CUSTODIAN, Principal
from .integrity import Problem
from .search_query import Filters, Hits, SearchTexts, Term

__all__ = [
    "BlobRecord",
    "Cluster",
    "Journal",
    "JournalSession",
    "Judgement",
    "NoJournal",
    "Store",
    "Stored",
    "View",
    "VocabInfo",
    "Writer",
]


@dataclass(frozen=True)
class Stored:
    """A record as stored now (or as of a time): the record and its latest revision's facts."""

    record: Record
    revision: int
    sha256: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Judgement:
    left: str
    right: str
    verdict: Verdict
    actor: str
    at: str
    reason: str | None


@dataclass(frozen=True)
class BlobRecord:
    """What the vault holds for one file, as recorded when it was stored (or re-encrypted)."""

    sha256: str
    ciphertext_sha256: str
    size: int
    ciphertext_size: int
    media_type: str
    derived: bool
    at: str


@dataclass(frozen=True)
class Cluster:
    """Records judged to be the same entity; ``canonical`` is the earliest-created member."""

    canonical: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class VocabInfo:
    name: str
    title: str
    source: str
    terms: int


class JournalSession(Protocol):
    """Receives, inside one writing transaction, every entry that transaction appends."""

    def append(self, kind: str, ref: str, entry: bytes) -> None:
        """``ref`` names what the entry is about: a record id, or a file's sha256."""

    def flush(self) -> None:
        """Write what is buffered; called before the transaction commits."""

    def drain(self) -> int:
        """Append the queued entries (``Journal.enqueue``), oldest first, and take them off the
        queue, in this transaction; how many there were."""


class Journal(Protocol):
    """The seam for the transparency log: one session per writing transaction.

    ``tx`` is the open transaction (a SQLAlchemy ``Connection``) so that a log kept in the same
    database commits or rolls back with the write it records.
    """

    def open(self, tx: Any) -> JournalSession: ...

    def enqueue(self, tx: Any, kind: str, entries: Sequence[tuple[str, bytes]]) -> None:
        """Queue entries ``(ref, entry)`` in ``tx``: committed with it, in the log once a
        session drains them."""

    def waiting(self, tx: Any) -> bool:
        """Whether entries wait in the queue."""


class NoJournal:
    """Records nothing (a store opened without a ledger, e.g. in tests of the store alone)."""

    def open(self, tx: Any) -> JournalSession:
        return self

    def append(self, kind: str, ref: str, entry: bytes) -> None:
        return None

    def flush(self) -> None:
        return None

    def drain(self) -> int:
        return 0

    def enqueue(self, tx: Any, kind: str, entries: Sequence[tuple[str, bytes]]) -> None:
        return None

    def waiting(self, tx: Any) -> bool:
        return False


class View(ABC):
    """Read access inside one transaction (a consistent snapshot)."""

    @abstractmethod
    def find(self, record_id: str) -> Stored | None: ...

    @abstractmethod
    def get(self, record_id: str, *, as_of: str | None = None) -> Stored:
        """The record now, or as it was at UTC time ``as_of``; ``NotFound`` if it did not exist."""

    @abstractmethod
    def records(
        self,
        kind: str,
        *,
        where: Mapping[str, str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Stored]:
        """Records of ``kind`` in creation order; ``where`` matches JSON paths to text values."""

    @abstractmethod
    def count(self, kind: str, *, where: Mapping[str, str] | None = None) -> int: ...

    def page(
        self, kind: str, *, where: Mapping[str, str] | None = None, limit: int, offset: int
    ) -> tuple[list[Stored], int]:
        """One page of ``records`` and the total; the last page's total needs no count."""
        found = self.records(kind, where=where, limit=limit, offset=offset)
        if 0 < len(found) < limit:
            return found, offset + len(found)
        return found, self.count(kind, where=where)

    @abstractmethod
    def history(self, record_id: str) -> list[Revision]: ...

    @abstractmethod
    def kinds_of(self, ids: Iterable[str]) -> dict[str, str]:
        """``{id: kind}`` for those of ``ids`` that exist."""

    @abstractmethod
    def vocabularies(self) -> list[VocabInfo]: ...

    @abstractmethod
    def vocabulary(self, name: str) -> Vocabulary: ...

    @abstractmethod
    def known_codes(self, vocab: str) -> frozenset[str]: ...

    @abstractmethod
    def judgements(self, record_id: str) -> list[Judgement]: ...

    @abstractmethod
    def cluster(self, record_id: str) -> Cluster: ...

    @abstractmethod
    def meta(self, key: str) -> str | None: ...

    @abstractmethod
    def custody(self, sha256: str) -> list[CustodyEvent]:
        """The custody chain of one file, oldest first."""

    @abstractmethod
    def blob(self, sha256: str) -> BlobRecord | None: ...

    @abstractmethod
    def blobs(self) -> list[BlobRecord]:
        """Every file the vault should hold."""

    @abstractmethod
    def search_hits(
        self, terms: Sequence[Term], filters: Filters, *, need: int, closed: bool = False
    ) -> Hits:
        """Search index matches: the best ``need`` of the open levels in ``filters`` and their
        total; with ``closed``, every restricted match too, for the caller to filter."""

    @abstractmethod
    def search_texts(self, record_ids: Sequence[str]) -> dict[str, SearchTexts]:
        """The indexed names and texts of these records, for snippets (see search.py)."""


class Writer(View):
    """One write transaction; commits when the ``with`` block ends without an exception."""

    @abstractmethod
    def add(self, record: Record, *, actor: str, reason: str | None = None) -> Revision: ...

    @abstractmethod
    def update(
        self,
        record: Record,
        *,
        actor: str,
        reason: str | None = None,
        expected_revision: int | None = None,
    ) -> Revision:
        """Replace the record's state; ``Conflict`` if ``expected_revision`` is stale."""

    @abstractmethod
    def put_vocabulary(self, vocabulary: Vocabulary) -> None: ...

    @abstractmethod
    def judge(
        self, left: str, right: str, verdict: Verdict, *, actor: str, reason: str | None = None
    ) -> Judgement: ...

    @abstractmethod
    def retract(self, left: str, right: str, *, actor: str, reason: str | None = None) -> None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def add_custody(self, event: CustodyEvent) -> None:
        """Append a custody event for an evidence file (and journal it)."""

    @abstractmethod
    def put_blob(self, blob: BlobRecord) -> None:
        """Record a stored file, or its new ciphertext after re-encryption."""


class Store(ABC):
    dialect: str

    @abstractmethod
    def view(self, principal: Principal) -> AbstractContextManager[View]:
        """Reads as ``principal`` may read them; the whole store is asked for by name
        (``unscoped_view()``, ``view(CUSTODIAN)``)."""

    def unscoped_view(self) -> AbstractContextManager[View]:
        """Every record, whoever may read it: for the custodian, verify, backup."""
        return self.view(CUSTODIAN)

    @abstractmethod
    def writer(self) -> AbstractContextManager[Writer]: ...

    @abstractmethod
    def integrity_problems(self) -> Iterator[Problem]:
        """Everything stored that no longer matches its own hashes, each naming its record."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def iter_kind(self, kind: str, batch: int = 1000) -> Iterator[Stored]:
        """Every record of ``kind``, read in batches."""
        offset = 0
        while True:
            with self.unscoped_view() as view:
                page = view.records(kind, limit=batch, offset=offset)
            yield from page
            if len(page) < batch:
                return
            offset += batch
