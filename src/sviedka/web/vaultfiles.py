"""Evidence files for the pages: find a file the user may read, upload many, read thumbnails
and download an evidentiary copy (audited, and logged as custody).

A file is reached by its SHA-256 (not personal data) and is visible only through an Evidence
record the user may read; otherwise it does not exist for them. Downloads need the archive keys
the server was started with; without them the page says so (503)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import NotFound, Unavailable
from ..model import Evidence
from ..model.custody import CustodyEvent, CustodyKind
from ..model.revision import timestamp
from ..services.access import may_read, redact
from ..services.accounts import User
from ..services.archive import Archive
from ..services.audit import audit_read
from ..services.evidence import Collection, describe, ingest_stream
from ..services.keys import ArchiveKeys

__all__ = ["Download", "download", "evidence_by_hash", "keys_or_503", "thumbnail", "upload"]


def evidence_by_hash(archive: Archive, user: User, sha256: str) -> Evidence:
    """The readable Evidence record of a file; ``NotFound`` alike if absent or hidden."""
    missing = NotFound(f"No evidence with sha256 {sha256}.")
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise missing
    with archive.store.view() as view:
        found = view.records("evidence", where={"sha256": sha256}, limit=1)
        if not found or not may_read(view, user, found[0].record):
            raise missing
    record = redact(user, found[0].record)
    assert isinstance(record, Evidence)
    return record


def keys_or_503(keys: ArchiveKeys | None) -> ArchiveKeys:
    if keys is None:
        raise Unavailable(
            "The server was started without the archive keys, so files cannot be opened; "
            "restart it with the custodian's passphrase (sviedka serve --unlock)."
        )
    return keys


def upload(
    archive: Archive, stream: BinaryIO, name: str, *, actor: str, collection: Collection
) -> str:
    """Store one uploaded file (encrypted) and describe it from a private working copy."""
    with _scratch() as folder:
        working = folder / "upload"
        with open(os.open(working, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        with open(working, "rb") as copy:
            made = ingest_stream(archive, copy, name=name, actor=actor, collection=collection)
        describe(archive, made.sha256, working, actor=actor)
    return made.sha256


@contextmanager
def _scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="sviedka-web-"))  # mkdtemp: owner-only (0700)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def thumbnail(archive: Archive, keys: ArchiveKeys, evidence: Evidence) -> bytes:
    """The decrypted thumbnail (a working copy, small), or ``NotFound``."""
    if not evidence.thumbnail:
        raise NotFound("This file has no thumbnail.")
    with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as out:
        archive.vault.export(evidence.thumbnail, out, keys.unlocked.identities)
        out.seek(0)
        return out.read()


@dataclass(frozen=True)
class Download:
    path: Path
    folder: Path
    filename: str
    media_type: str


def download(
    archive: Archive,
    keys: ArchiveKeys,
    user: User,
    evidence: Evidence,
    *,
    actor: str,
    ip: str | None,
) -> Download:
    """Decrypt the evidentiary copy into a private temporary file, after the read is audited and
    logged as custody (if either cannot be written, nothing is handed out). The caller removes
    ``folder`` once the file is sent."""
    sha = evidence.sha256 or ""
    audit_read(archive.store, user, "evidence_download", sha, ip=ip)
    with archive.store.writer() as w:
        details = {"via": "web download", "user": user.username}
        w.add_custody(CustodyEvent(sha, CustodyKind.EXPORTED, actor, timestamp(), None, details))
    folder = Path(tempfile.mkdtemp(prefix="sviedka-dl-"))
    target = folder / sha
    try:
        with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            archive.vault.export(sha, out, keys.unlocked.identities)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    media = evidence.media_type or "application/octet-stream"
    return Download(target, folder, _filename(evidence), media)


def _filename(evidence: Evidence) -> str:
    """The name the browser saves under: the hash and the original extension (the original
    name may itself be personal data, and stays in the record)."""
    suffix = Path(evidence.original_name or "").suffix
    clean = suffix if suffix[1:].isalnum() and len(suffix) <= 10 else ""
    return f"{evidence.sha256}{clean}"
