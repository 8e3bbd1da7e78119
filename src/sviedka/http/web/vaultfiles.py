"""Evidence files for the pages: the file a user may read, its thumbnail, and its download.

A file is reached by its SHA-256 (not personal data) and exists for a user only through an
Evidence record they may read. Nothing is decrypted to disk: the thumbnail (a small working
copy) is decrypted in memory, and a download is decrypted as it is sent
(``services.evidence.decrypted_chunks``), after the read is audited and logged as custody.
Downloads need the archive keys the server was started with; without them the page says so."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from ...errors import NotFound, Unavailable
from ...model import Evidence
from ...policy import Permission, Principal
from ...services.archive.folder import Archive
from ...services.archive.keys import ArchiveKeys
from ...services.evidence import decrypted_chunks, log_access, readable_evidence, shown_evidence

__all__ = [
    "Download",
    "download",
    "evidence_by_hash",
    "keys_or_503",
    "thumbnail",
]

_THUMBNAIL_MAX = 4 * 1024 * 1024  # a thumbnail is 320 pixels at most: far below this


def evidence_by_hash(
    archive: Archive, me: Principal, sha256: str, *, to_download: bool = False
) -> Evidence:
    """The readable Evidence record of a file, as the page shows it; ``NotFound`` alike if
    absent or hidden. ``to_download``: ``Forbidden`` first unless the principal may download
    files."""
    # ``readable_evidence`` scopes to the principal itself: which record opens a file is decided
    # from every record an ingest made for it, so it is given the whole store, by name
    with archive.store.unscoped_view() as view:
        wanted = Permission.EVIDENCE_DOWNLOAD if to_download else None
        found, blob = readable_evidence(view, me, sha256, to=wanted)
        if blob.derived or not isinstance(found.record, Evidence):
            raise NotFound(f"No evidence with sha256 {sha256}.")
        return shown_evidence(view, me, found.record)


def keys_or_503(keys: ArchiveKeys | None) -> ArchiveKeys:
    if keys is None:
        raise Unavailable(
            "The server was started without the archive keys, so files cannot be opened; "
            "restart it with the custodian's passphrase (sviedka serve --unlock)."
        )
    return keys


def thumbnail(archive: Archive, keys: ArchiveKeys, evidence: Evidence) -> bytes:
    """The decrypted thumbnail (a working copy, small, in memory), or ``NotFound``. The caller
    read ``evidence`` as the user may (``evidence_by_hash``); its thumbnail is read by name."""
    with archive.store.unscoped_view() as view:
        blob = view.blob(evidence.thumbnail) if evidence.thumbnail else None
    if blob is None or not blob.derived or blob.size > _THUMBNAIL_MAX:
        raise NotFound("This file has no thumbnail.")
    out = io.BytesIO()
    archive.vault.export(blob.sha256, out, keys.unlocked.identities)
    return out.getvalue()


@dataclass(frozen=True)
class Download:
    chunks: AsyncIterator[bytes]
    filename: str
    media_type: str
    size: int | None


def download(
    archive: Archive, keys: ArchiveKeys, me: Principal, evidence: Evidence, *, ip: str | None
) -> Download:
    """The evidentiary copy, decrypted as it is sent, once the read is audited and logged as
    custody (if either cannot be written, nothing is handed out)."""
    chunks = decrypted_chunks(archive, keys, evidence.sha256 or "")
    log_access(archive, me, evidence, inline=False, via="web download", ip=ip)
    media = evidence.media_type or "application/octet-stream"
    return Download(chunks, _filename(evidence), media, evidence.size)


def _filename(evidence: Evidence) -> str:
    """The name the browser saves under: the hash and the original extension (the original
    name may itself be personal data, and stays in the record)."""
    suffix = Path(evidence.original_name or "").suffix
    clean = suffix if suffix[1:].isalnum() and suffix.isascii() and len(suffix) <= 10 else ""
    return f"{evidence.sha256}{clean}"
