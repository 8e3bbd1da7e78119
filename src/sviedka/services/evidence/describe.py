"""What a file says about itself, added to its Evidence record from a working copy.

Metadata, the perceptual hash and the thumbnail come from a working copy (the file given to the
command line, or an upload's copy in memory), never from the vault's evidentiary copy. The
thumbnail is made in memory and stored encrypted in the vault, marked as a derived working copy.

``near_duplicates`` names only files that every reader of the record may read too: files of the
same or a lower level within the principal's reach, and restricted files only on a restricted
record. Pages and answers filter them again for each reader (``reading.visible_twins``).
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import replace
from pathlib import Path

from ...model import Evidence
from ...model.revision import timestamp
from ...policy import LEVELS
from ...store import BlobRecord, View, Writer
from ...vault import Blob, metadata
from ..archive.folder import Archive
from ..archive.keys import recipients
from .principal import Principal, actor_name, reaches

__all__ = ["describe", "mark_undescribed", "register"]

# The extractors' bomb guard is not thread-safe (see vault.metadata): one extraction at a time.
_EXTRACTING = threading.Lock()


def describe(archive: Archive, who: Principal, evidence_id: str, working_copy: Path) -> None:
    """Extract metadata from a working copy and add it to the record as a new revision. Never
    fatal: what cannot be read (or stored) is recorded in ``extraction_problems``."""
    with open(working_copy, "rb") as file:
        sha256 = hashlib.file_digest(file, "sha256").hexdigest()
    with _EXTRACTING:
        found = metadata.extract(working_copy, thumbnail_in_memory=True)
    problems = dict(found.problems)
    thumb = _store_thumbnail(archive, found.thumbnail_data, problems)
    with archive.store.writer() as w:
        evidence = w.get(evidence_id).record
        if not isinstance(evidence, Evidence) or evidence.sha256 != sha256:
            return  # the file changed since ingest: its metadata would describe other bytes
        described = replace(
            evidence,
            media_type=found.media_type,
            extracted=dict(found.fields),
            phash=found.phash,
            thumbnail=thumb,
            near_duplicates=_twins(w, who, evidence, found.phash),
            extraction_problems=problems,
        )
        w.update(described, actor=actor_name(who), reason="metadata extracted from a working copy")
        blob = w.blob(sha256)
        if blob is not None and blob.media_type != found.media_type:
            w.put_blob(replace(blob, media_type=found.media_type))


def mark_undescribed(archive: Archive, who: Principal, evidence_id: str, why: str) -> None:
    """Say on the record why it was not described (too large to copy in memory)."""
    with archive.store.writer() as w:
        evidence = w.get(evidence_id).record
        assert isinstance(evidence, Evidence)
        problems = {**evidence.extraction_problems, "file": why}
        w.update(
            replace(evidence, extraction_problems=problems),
            actor=actor_name(who),
            reason="not described",
        )


def register(w: Writer, blob: Blob, media_type: str, *, derived: bool) -> None:
    """Record a stored file in the vault registry, unless it is recorded already."""
    if w.blob(blob.sha256) is None:
        sizes = (blob.size, blob.ciphertext_size)
        w.put_blob(
            BlobRecord(
                blob.sha256, blob.ciphertext_sha256, *sizes, media_type, derived, timestamp()
            )
        )


def _store_thumbnail(archive: Archive, data: bytes | None, problems: dict[str, str]) -> str | None:
    if data is None:
        return None
    try:
        blob = archive.vault.put(io.BytesIO(data), recipients(archive.path))
    except OSError:
        problems["thumbnail"] = "could not be stored in the vault (is the disk full?)"
        return None
    media_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    with archive.store.writer() as w:
        register(w, blob, media_type, derived=True)
    return blob.sha256


def _twins(view: View, who: Principal, evidence: Evidence, phash: str | None) -> tuple[str, ...]:
    if phash is None or evidence.sha256 is None:
        return ()
    mine = replace(evidence, phash=phash)
    others: dict[str, str] = {}
    offset = 0
    while page := view.records("evidence", limit=1000, offset=offset):
        for stored in page:
            e = stored.record
            if isinstance(e, Evidence) and e.sha256 and e.phash and _may_name(view, who, mine, e):
                others[e.sha256] = e.phash
        offset += len(page)
    return tuple(key for key, _ in metadata.near_duplicates(phash, others))


def _may_name(view: View, who: Principal, record: Evidence, other: Evidence) -> bool:
    """Whether ``record`` may name ``other``: another file with the same kind of perceptual
    hash, no more protected (so a restricted file only on a restricted record), and within the
    reach of the principal who describes it."""
    if other.sha256 == record.sha256 or len(other.phash or "") != len(record.phash or ""):
        return False
    level, theirs = record.confidentiality, other.confidentiality
    return LEVELS.index(theirs) <= LEVELS.index(level) and reaches(view, who, other)
