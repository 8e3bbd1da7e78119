"""Ingest: the one use case for every way a file arrives (files given to the command line,
uploads through the API and the web pages).

1. The links, the source and the level asked for are checked against the principal, and the
   level is decided (``level``); nothing is stored if anything is wrong.
2. The file is read once, hashed while it is encrypted into the vault (``vault.blobs``): the
   vault's temporary folder only ever holds ciphertext. A full disk is a clear error.
3. In one transaction: the vault registry row, the principal's Evidence record and the custody
   events ``collected`` (as stated) and ``ingested``.
4. The record is described from a working copy (``describe``).

The same bytes are stored once, but an Evidence record belongs to those who may reach it: a
principal who uploads bytes that only a record beyond its reach describes gets a record of its
own, and the answer (``new_content`` included) is the one it would get for bytes never seen. The
hidden record gains no revision, link or custody event. A kill between 2 and 3 leaves an
unrecorded blob: the next ingest of the same content adopts it, and ``verify`` names it.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ...errors import Unavailable
from ...model import Confidentiality, Evidence, SourceLink
from ...model.custody import CustodyEvent, CustodyKind
from ...model.ids import new_id
from ...model.revision import timestamp
from ...policy import Permission
from ...store import Writer
from ...vault import Blob
from ..archive.folder import Archive
from ..archive.grants import grant_author
from ..archive.keys import recipients
from .describe import describe, mark_undescribed, register
from .level import Collection, Placement, place
from .names import entered_name, safe_name
from .principal import Principal, actor_name, as_principal, reaches, require_to
from .workcopy import LIMIT, Tee, WorkingCopy

__all__ = ["Ingested", "Readable", "Uploads", "ingest_file", "ingest_stream", "uploading"]

_UNDESCRIBED = (
    f"not described: no copy of the upload was kept to read it from (larger than "
    f"{LIMIT // 2**20} MiB, or no memory files on this system); add the file with "
    "`sviedka evidence add` to describe it"
)


class Readable(Protocol):
    """A file opened for reading, an upload's body: anything with ``read(size)``."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Ingested:
    """What an ingest did, as the principal may know it. ``new_content``: no record within its
    reach described these bytes before (whatever records beyond its reach hold). ``readable``:
    whether it may read the record back (an upload-only token may not)."""

    sha256: str
    evidence_id: str
    size: int
    new_content: bool
    confidentiality: Confidentiality
    name: str
    readable: bool


def ingest_stream(
    archive: Archive,
    stream: Readable,
    *,
    name: str,
    actor: Principal | str,
    collection: Collection | None = None,
    reason: str | None = None,
    ip: str | None = None,
) -> Ingested:
    """Store a stream (an upload) and record it, described from a copy kept in memory.
    ``actor`` is a user, or a name for the custodian (full access)."""
    who, wanted = as_principal(actor), collection or Collection()
    with WorkingCopy() as copy:
        made, fresh = _ingest(archive, who, Tee(stream, copy), name, wanted, reason, ip)
        if fresh and copy.complete:
            describe(archive, who, made.evidence_id, copy.path)
        elif fresh:
            mark_undescribed(archive, who, made.evidence_id, _UNDESCRIBED)
    return made


def uploading(archive: Archive, who: Principal, *, ip: str | None) -> Uploads:
    """The uploads of ``who`` (a form of many files, the API's body): ``Forbidden`` unless it
    may upload files, asked before the first file arrives."""
    require_to(who, Permission.EVIDENCE_UPLOAD)
    return Uploads(archive, who, ip)


@dataclass(frozen=True)
class Uploads:
    """Made by ``uploading`` (which asked the policy); each file is ``ingest_stream``'s."""

    archive: Archive
    who: Principal
    ip: str | None

    def ingest(self, stream: Readable, *, name: str, collection: Collection) -> Ingested:
        return ingest_stream(
            self.archive, stream, name=name, actor=self.who, collection=collection, ip=self.ip
        )


def ingest_file(
    archive: Archive,
    path: Path,
    *,
    actor: Principal | str,
    collection: Collection | None = None,
    reason: str | None = None,
    stream: Readable | None = None,
) -> Ingested:
    """Ingest one file, then describe it from the file itself (a working copy, never the
    vault's evidentiary copy). ``stream`` may wrap the open file, e.g. to report progress."""
    who, wanted = as_principal(actor), collection or Collection()
    with open(path, "rb") as file:
        made, fresh = _ingest(archive, who, stream or file, path.name, wanted, reason, None)
    if fresh:
        describe(archive, who, made.evidence_id, path)
    return made


def _ingest(
    archive: Archive,
    who: Principal,
    stream: Readable,
    name: str,
    collection: Collection,
    reason: str | None,
    ip: str | None,
) -> tuple[Ingested, bool]:
    """Store and record; also whether the record still needs describing."""
    require_to(who, Permission.EVIDENCE_UPLOAD)
    # ``place`` scopes each reference to the principal's reach itself (it also runs inside the
    # writer below), so it is given the whole store, asked for by name
    with archive.store.unscoped_view() as view:
        place(view, who, collection)  # refuse before anything is stored
    blob = _store(archive, stream)
    with archive.store.writer() as w:
        placement = place(w, who, collection)  # and again where it counts
        register(w, blob, "application/octet-stream", derived=False)
        evidence, before = _record(w, who, blob, name, collection, placement, reason)
        _log(w, who, evidence, blob, name, collection, reason, new=before is None)
        if _newly_restricted(evidence, before):  # in this transaction, or a crash locks it out
            grant_author(w, who, [evidence.id], ip=ip)
    with archive.store.view(who) as view:
        readable = view.find(evidence.id) is not None
    made = Ingested(
        blob.sha256,
        evidence.id,
        blob.size,
        before is None,
        evidence.confidentiality,
        safe_name(name),
        readable,
    )
    return made, before is None or before.media_type is None


def _store(archive: Archive, stream: Readable) -> Blob:
    try:
        return archive.vault.put(
            stream,
            recipients(archive.path),
            recorded=lambda sha256: _recorded(archive, sha256),
        )
    except OSError as exc:
        raise _unwritten(exc) from None


def _recorded(archive: Archive, sha256: str) -> str | None:
    """The ciphertext hash the registry holds for a blob, if it holds one. Read unscoped on
    purpose: the vault stores the same bytes once, whoever may read the records that describe
    them, and what the principal is told does not depend on it (``_record``)."""
    with archive.store.unscoped_view() as view:
        found = view.blob(sha256)
    return found.ciphertext_sha256 if found else None


def _unwritten(exc: OSError) -> Unavailable:
    """A clear message for an I/O error, without the paths or contents involved."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Unavailable(
            "The disk that holds the vault is full: nothing of this file was stored. "
            "Free some space, then add the file again."
        )
    code = errno.errorcode.get(exc.errno or 0, "an I/O error")
    return Unavailable(
        f"The file could not be read or the vault could not be written ({code}): nothing of "
        "this file was stored. Check the disks, then add the file again."
    )


def _record(
    w: Writer,
    who: Principal,
    blob: Blob,
    name: str,
    c: Collection,
    placement: Placement,
    reason: str | None,
) -> tuple[Evidence, Evidence | None]:
    """The principal's Evidence record of the file, made or linked anew, and how it was before
    (None if new). Records beyond the principal's reach are never touched."""
    mine = next(_reachable(w, who, blob.sha256), None)
    if mine is None:
        evidence = _new_evidence(blob, safe_name(name), c, placement.new_level)
        w.add(evidence, actor=actor_name(who), reason=reason or "ingested")
        return evidence, None
    links = tuple(dict.fromkeys((*mine.links, *c.links)))
    changed = replace(mine, links=links, confidentiality=placement.raised(mine.confidentiality))
    if changed != mine:
        w.update(changed, actor=actor_name(who), reason=reason or "linked again at a new ingest")
    return changed, mine


def _reachable(w: Writer, who: Principal, sha256: str) -> Iterator[Evidence]:
    offset = 0
    while page := w.records("evidence", where={"sha256": sha256}, limit=100, offset=offset):
        for stored in page:
            if isinstance(stored.record, Evidence) and reaches(w, who, stored.record):
                yield stored.record
        offset += len(page)


def _new_evidence(blob: Blob, name: str, c: Collection, level: Confidentiality) -> Evidence:
    return Evidence(
        id=new_id(),
        title=name,
        sha256=blob.sha256,
        size=blob.size,
        original_name=name,
        collected_by=c.collected_by,
        collected_at=c.collected_at,
        captured_place=c.collected_place,
        links=c.links,
        sources=(SourceLink(source=c.source),) if c.source else (),
        notes=c.note,
        confidentiality=level,
    )


def _log(
    w: Writer,
    who: Principal,
    evidence: Evidence,
    blob: Blob,
    name: str,
    c: Collection,
    reason: str | None,
    *,
    new: bool,
) -> None:
    """The custody events of this ingest, each naming the Evidence record it belongs to."""
    actor, at, sha256 = actor_name(who), timestamp(), blob.sha256
    if c.collected_by or c.collected_at or c.collected_place:
        stated = {"evidence": evidence.id, "by": c.collected_by, "at": c.collected_at}
        stated["place"] = c.collected_place
        w.add_custody(CustodyEvent(sha256, CustodyKind.COLLECTED, actor, at, reason, stated))
    details: dict[str, object] = {
        "evidence": evidence.id,
        "name": safe_name(name),
        "size": blob.size,
        "ciphertext_sha256": blob.ciphertext_sha256,
        "new_content": new,
    }
    if entered_name(name) != safe_name(name):
        details["name_as_entered"] = entered_name(name)
    w.add_custody(CustodyEvent(sha256, CustodyKind.INGESTED, actor, at, reason, details))


def _newly_restricted(evidence: Evidence, before: Evidence | None) -> bool:
    """Whether this write makes the file restricted: its author is then granted it, or they
    could not read what they stored."""
    restricted = Confidentiality.RESTRICTED
    was = before is not None and before.confidentiality is restricted
    return evidence.confidentiality is restricted and not was
