"""Evidence: ingest into the vault, describe from a working copy, export, custody, fixity.

Ingest stores the file first (encrypted, fsynced, content-addressed), then records it: the Evidence
record, the vault registry row and the custody events, in one transaction. A kill between the two
leaves an unrecorded blob: the next ingest of the same content adopts it, and ``verify`` names it.
Ingest needs no passphrase (files are encrypted to public keys); reading a file back does.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import ChecksumMismatch, Conflict, DecryptionFailed, Invalid, NotFound
from ..model import Confidentiality, Evidence, SourceLink
from ..model.codec import dump
from ..model.custody import CustodyEvent, CustodyKind
from ..model.ids import new_id
from ..model.revision import timestamp
from ..store import BlobRecord, Problem, Writer
from ..vault import Blob, metadata
from .archive import Archive
from .keys import ArchiveKeys, recipients

__all__ = [
    "Collection",
    "Ingested",
    "check_collection",
    "check_vault",
    "custody_chain",
    "describe",
    "export",
    "ingest_file",
    "ingest_stream",
    "reencrypt_all",
    "safe_name",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Collection:
    """What the collector states about a file, and what to link it to."""

    links: tuple[str, ...] = ()
    source: str | None = None
    collected_by: str | None = None
    collected_at: str | None = None
    collected_place: str | None = None
    note: str | None = None
    # of a new Evidence record (from its first revision: never readable below it, even briefly)
    confidentiality: Confidentiality = Confidentiality.INTERNAL


@dataclass(frozen=True)
class Ingested:
    sha256: str
    evidence_id: str
    size: int
    new_content: bool  # False: the vault had these bytes already; only custody was added


def safe_name(name: str) -> str:
    """A file name as metadata: control characters (NUL included) and bytes that were not UTF-8
    (lone surrogates from ``os.fsdecode``) shown as U+FFFD, at most 255 characters. It is never
    used as a path, so ``../`` is harmless text."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from undecodable bytes
        raw = name.encode("utf-8", "replace")
    return _CONTROL.sub("\ufffd", raw.decode("utf-8", "replace"))[:255] or "(unnamed)"


def check_collection(archive: Archive, collection: Collection) -> None:
    """Refuse links or a source that do not exist, before anything is stored."""
    wanted = [*collection.links, *([collection.source] if collection.source else [])]
    with archive.store.view() as view:
        kinds = view.kinds_of(wanted)
    errors = {
        f"links[{i}]": f"no record with id {ref}"
        for i, ref in enumerate(collection.links)
        if ref not in kinds
    }
    if collection.source and kinds.get(collection.source) != "source":
        errors["source"] = f"no source with id {collection.source}"
    if errors:
        raise Invalid("The evidence cannot be linked as asked; nothing was stored.", errors)


def ingest_stream(
    archive: Archive,
    stream: BinaryIO,
    *,
    name: str,
    actor: str,
    collection: Collection = Collection(),
    reason: str | None = None,
) -> Ingested:
    """Store a stream in the vault and record it; the library form the API and web call."""
    check_collection(archive, collection)
    blob = archive.vault.put(stream, recipients(archive.path))
    at = timestamp()
    with archive.store.writer() as w:
        _register(w, blob, "application/octet-stream", derived=False)
        evidence = _record(w, blob.sha256, blob.size, safe_name(name), collection, actor, reason)
        if collection.collected_by or collection.collected_at or collection.collected_place:
            stated = {
                "by": collection.collected_by,
                "at": collection.collected_at,
                "place": collection.collected_place,
            }
            w.add_custody(
                CustodyEvent(blob.sha256, CustodyKind.COLLECTED, actor, at, reason, stated)
            )
        details = {
            "name": safe_name(name),
            "size": blob.size,
            "ciphertext_sha256": blob.ciphertext_sha256,
            "new_content": blob.created,
        }
        w.add_custody(CustodyEvent(blob.sha256, CustodyKind.INGESTED, actor, at, reason, details))
    return Ingested(blob.sha256, evidence.id, blob.size, blob.created)


def _register(w: Writer, blob: Blob, media_type: str, *, derived: bool) -> None:
    """Record a stored file in the vault registry, unless it is recorded already."""
    if w.blob(blob.sha256) is None:
        sizes = (blob.size, blob.ciphertext_size)
        w.put_blob(
            BlobRecord(
                blob.sha256, blob.ciphertext_sha256, *sizes, media_type, derived, timestamp()
            )
        )


def _evidence_for(w: Writer, sha256: str) -> Evidence | None:
    found = w.records("evidence", where={"sha256": sha256}, limit=1)
    return found[0].record if found else None  # type: ignore[return-value]


def _record(
    w: Writer, sha256: str, size: int, name: str, c: Collection, actor: str, reason: str | None
) -> Evidence:
    existing = _evidence_for(w, sha256)
    if existing is not None:
        links = tuple(dict.fromkeys((*existing.links, *c.links)))
        if links != existing.links:
            existing = replace(existing, links=links)
            w.update(existing, actor=actor, reason=reason or "linked again at a new ingest")
        return existing
    sources = (SourceLink(source=c.source),) if c.source else ()
    evidence = Evidence(
        id=new_id(),
        title=name,
        sha256=sha256,
        size=size,
        original_name=name,
        collected_by=c.collected_by,
        collected_at=c.collected_at,
        captured_place=c.collected_place,
        links=c.links,
        sources=sources,
        notes=c.note,
        confidentiality=c.confidentiality,
    )
    w.add(evidence, actor=actor, reason=reason or "ingested")
    return evidence


def ingest_file(
    archive: Archive,
    path: Path,
    *,
    actor: str,
    collection: Collection = Collection(),
    reason: str | None = None,
    stream: BinaryIO | None = None,
) -> Ingested:
    """Ingest one file, then describe it from the file itself (a working copy, never the vault's
    evidentiary copy). ``stream`` may wrap the open file, e.g. to report progress."""
    with open(path, "rb") as file:
        made = ingest_stream(
            archive,
            stream or file,
            name=path.name,
            actor=actor,
            collection=collection,
            reason=reason,
        )
    describe(archive, made.sha256, path, actor=actor)
    return made


def describe(archive: Archive, sha256: str, working_copy: Path, *, actor: str) -> None:
    """Extract metadata from a working copy and add it to the Evidence record as a new revision.

    Never fatal: what cannot be read is recorded in ``extraction_problems``. The thumbnail is
    stored encrypted in the vault, marked as a derived working copy.
    """
    with open(working_copy, "rb") as file:
        if hashlib.file_digest(file, "sha256").hexdigest() != sha256:
            return  # the file changed since ingest: its metadata would describe other bytes
    with tempfile.TemporaryDirectory(prefix="sviedka-describe-") as scratch:
        found = metadata.extract(working_copy, thumbnail_dir=Path(scratch), thumbnail_stem=sha256)
        thumb = _store_thumbnail(archive, found.thumbnail) if found.thumbnail else None
    with archive.store.writer() as w:
        evidence = _evidence_for(w, sha256)
        if evidence is None:
            raise NotFound(f"No evidence with sha256 {sha256}.")
        twins = _near_duplicates(w, sha256, found.phash)
        described = replace(
            evidence,
            media_type=found.media_type,
            extracted=dict(found.fields),
            phash=found.phash,
            thumbnail=thumb,
            near_duplicates=twins,
            extraction_problems=dict(found.problems),
        )
        w.update(described, actor=actor, reason="metadata extracted from a working copy")
        blob = w.blob(sha256)
        if blob is not None and blob.media_type != found.media_type:
            w.put_blob(replace(blob, media_type=found.media_type))


def _store_thumbnail(archive: Archive, path: Path) -> str:
    with open(path, "rb") as file:
        blob = archive.vault.put(file, recipients(archive.path))
    media_type = "image/png" if path.suffix == ".png" else "image/jpeg"
    with archive.store.writer() as w:
        _register(w, blob, media_type, derived=True)
    return blob.sha256


def _near_duplicates(w: Writer, sha256: str, phash: str | None) -> tuple[str, ...]:
    if phash is None:
        return ()
    others: dict[str, str] = {}
    offset = 0
    while page := w.records("evidence", limit=1000, offset=offset):
        for stored in page:
            e = stored.record
            if not isinstance(e, Evidence) or not e.phash or not e.sha256:
                continue
            if e.sha256 != sha256 and len(e.phash) == len(phash):
                others[e.sha256] = e.phash
        offset += len(page)
    return tuple(key for key, _ in metadata.near_duplicates(phash, others))


def custody_chain(archive: Archive, sha256: str) -> list[CustodyEvent]:
    with archive.store.view() as view:
        events = view.custody(sha256)
    if not events:
        raise NotFound(f"No evidence with sha256 {sha256}.")
    return events


def export(
    archive: Archive,
    keys: ArchiveKeys,
    sha256: str,
    out: Path,
    *,
    actor: str,
    reason: str | None = None,
) -> list[Path]:
    """Write the decrypted evidentiary copy, its record and its custody chain into ``out``, and
    log the export. The copy is checked against its SHA-256 before it gets its final name."""
    with archive.store.view() as view:
        blob = view.blob(sha256)
        found = view.records("evidence", where={"sha256": sha256}, limit=1)
    if blob is None:
        raise NotFound(f"No evidence with sha256 {sha256}.")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = out / (sha256 + (mimetypes.guess_extension(blob.media_type) or ""))
    if target.exists():
        raise Conflict(f"{target} exists already; export into another folder.")
    _export_blob(archive, keys, sha256, target)
    written = [target]
    written.append(
        _write_json(out / f"{sha256}.record.json", dump(found[0].record) if found else {})
    )
    with archive.store.writer() as w:
        details = {"to": out.name, "file": target.name}
        w.add_custody(
            CustodyEvent(sha256, CustodyKind.EXPORTED, actor, timestamp(), reason, details)
        )
    chain = [e.data() for e in custody_chain(archive, sha256)]
    written.append(_write_json(out / f"{sha256}.custody.json", chain))
    return written


def _export_blob(archive: Archive, keys: ArchiveKeys, sha256: str, target: Path) -> None:
    temp = target.with_name(f".{target.name}.partial")
    try:
        with open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as dst:
            archive.vault.export(sha256, dst, keys.unlocked.identities)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _write_json(path: Path, data: Any) -> Path:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(text)
    return path


def check_vault(
    archive: Archive, *, keys: ArchiveKeys | None = None, actor: str = "verify"
) -> list[Problem]:
    """Fixity: every recorded blob is present and hashes to its recorded ciphertext (fast, no
    key); with ``keys`` also decrypts each and checks the plaintext hash, logging ``verified``."""
    with archive.store.view() as view:
        recorded = view.blobs()
        linked = _evidence_links(view.records("evidence", limit=10**9))
    problems = [p for b in recorded for p in _check_blob(archive, b, keys, linked)]
    known = {b.sha256 for b in recorded}
    problems += [
        Problem(sha, "stored in the vault but not recorded (an interrupted ingest?)")
        for sha in archive.vault.iter_hashes()
        if sha not in known
    ]
    if keys is not None:
        _log_verified(archive, [b.sha256 for b in recorded if not b.derived], problems, actor)
    return problems


def _evidence_links(stored: Iterable[Any]) -> Mapping[str, Sequence[str]]:
    links: dict[str, list[str]] = {}
    for s in stored:
        if isinstance(s.record, Evidence) and s.record.sha256:
            links.setdefault(s.record.sha256, []).append(s.record.id)
    return links


def _check_blob(
    archive: Archive,
    blob: BlobRecord,
    keys: ArchiveKeys | None,
    linked: Mapping[str, Sequence[str]],
) -> list[Problem]:
    records = ", ".join(linked.get(blob.sha256, ())) or "no record"
    try:
        archive.vault.verify(blob.sha256, blob.ciphertext_sha256)
        if keys is not None:
            archive.vault.verify_full(blob.sha256, keys.unlocked.identities)
    except NotFound:
        return [Problem(blob.sha256, f"missing from the vault (evidence {records})")]
    except ChecksumMismatch as exc:
        return [Problem(blob.sha256, f"damaged: {exc} (evidence {records})")]
    except DecryptionFailed:
        return [Problem(blob.sha256, f"does not decrypt (evidence {records})")]
    return []


def _log_verified(archive: Archive, hashes: list[str], problems: list[Problem], actor: str) -> None:
    bad = {p.subject for p in problems}
    at = timestamp()
    with archive.store.writer() as w:
        for sha in hashes:
            if sha not in bad:
                details = {"check": "decrypted and re-hashed"}
                w.add_custody(CustodyEvent(sha, CustodyKind.VERIFIED, actor, at, None, details))


def reencrypt_all(
    archive: Archive,
    keys: ArchiveKeys,
    *,
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rewrite every file to the current keys (after a rotation, to retire the old key); each
    new ciphertext hash is recorded and logged. Returns how many files were rewritten."""
    to = recipients(archive.path)
    with archive.store.view() as view:
        stored = view.blobs()
    for blob in stored:
        digest = archive.vault.reencrypt(blob.sha256, keys.unlocked.identities, to)
        with archive.store.writer() as w:
            w.put_blob(replace(blob, ciphertext_sha256=digest, at=timestamp()))
            details = {"ciphertext_sha256": digest, "to": to[0]}
            w.add_custody(
                CustodyEvent(
                    blob.sha256, CustodyKind.REENCRYPTED, actor, timestamp(), None, details
                )
            )
        if progress is not None:
            progress(blob.ciphertext_size)
    return len(stored)
