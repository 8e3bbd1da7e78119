"""Export, fixity and re-encryption: the custodian's work on the files themselves.

These act as the custodian (the command line): they see every file and every record.
"""

from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...errors import ChecksumMismatch, Conflict, DecryptionFailed, NotFound
from ...model import Evidence
from ...model.codec import dump
from ...model.custody import CustodyEvent, CustodyKind
from ...model.revision import timestamp
from ...store import BlobRecord, Problem
from ..archive.folder import Archive
from ..archive.keys import ArchiveKeys, recipients

__all__ = ["check_vault", "export", "reencrypt_all"]


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
    log the export. The copy is checked against its SHA-256 before it gets its final name.
    The custodian's (the command line, with the keys): the whole store is read."""
    with archive.store.unscoped_view() as view:
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
        if found:
            details["evidence"] = found[0].record.id
        w.add_custody(
            CustodyEvent(sha256, CustodyKind.EXPORTED, actor, timestamp(), reason, details)
        )
    with archive.store.unscoped_view() as view:
        chain = [e.data() for e in view.custody(sha256)]
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
    key); with ``keys`` also decrypts each and checks the plaintext hash, logging ``verified``.
    Fixity checks every file, so it reads the whole store."""
    with archive.store.unscoped_view() as view:
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
    with archive.store.unscoped_view() as view:  # every file, whoever may read its records
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
