"""Imports over HTTP: upload a sheet, read the dry-run report, then confirm (or discard).

The uploaded file waits in ``<archive>/imports/<id>/`` (owner-only, 0700/0600) until it is
confirmed, discarded, or a day old; only the user who uploaded it may see or confirm it. It is
kept in plain form meanwhile, as the importers read files: see docs/security.md.

Reports show only the record ids the user may read (an import can match records of any level;
the row still says it matched something).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from ..errors import Invalid, NotFound
from ..model import Confidentiality
from ..model.ids import is_record_id, new_id
from ..model.revision import timestamp
from ..services.access import Forbidden, Permission, clearance_levels, readable, require
from ..services.accounts import User
from ..services.archive import Archive
from ..services.evidence import safe_name
from ..services.importing import FORMATS, ImportOptions, run_import
from ..services.owner_only import mkdir_owner_only, write_owner_only
from ..store import schema as t
from .guarded import actor_of

__all__ = ["Readable", "Staged", "confirm", "discard", "stage", "staged"]

FOLDER = "imports"
MAX_AGE_SECONDS = 24 * 3600
_CHUNK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Staged:
    id: str
    user_id: str
    format: str
    file: str  # the name it was uploaded as (metadata, never a path)
    created_at: str
    options: dict[str, Any]
    report: dict[str, Any]  # the dry run's, as the uploader may see it


def stage(
    archive: Archive,
    user: User,
    stream: Readable,
    *,
    name: str,
    fmt: str,
    options: dict[str, Any],
) -> Staged:
    """Keep the upload and run the dry run; nothing in the archive changes."""
    _check(user, fmt)
    _clean_old(archive)
    import_id = new_id()
    folder = _folder(archive, import_id)
    mkdir_owner_only(folder)
    try:
        path = _save(stream, folder / ("upload" + Path(safe_name(name)).suffix.lower()[:8]))
        report = _run(archive, user, path, fmt, options, dry_run=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    made = Staged(import_id, user.id, fmt, safe_name(name), timestamp(), options, report)
    write_owner_only(folder / "staged.json", json.dumps(asdict(made)))
    return made


def staged(archive: Archive, user: User, import_id: str) -> Staged:
    """A staged import of this user's; ``NotFound`` for anyone else's, as for a missing one."""
    require(user, Permission.IMPORT)
    missing = NotFound(f"No staged import with id {import_id}.")
    if not is_record_id(import_id):
        raise missing
    try:
        data = json.loads((_folder(archive, import_id) / "staged.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise missing from None
    found = Staged(**data)
    if found.user_id != user.id:
        raise missing
    return found


def confirm(archive: Archive, user: User, import_id: str) -> dict[str, Any]:
    """Run the staged import for real (the same options); the upload is then removed."""
    found = staged(archive, user, import_id)
    folder = _folder(archive, import_id)
    path = next(p for p in folder.iterdir() if p.name.startswith("upload"))
    report = _run(archive, user, path, found.format, found.options, dry_run=False)
    shutil.rmtree(folder, ignore_errors=True)
    return report


def discard(archive: Archive, user: User, import_id: str) -> None:
    staged(archive, user, import_id)
    shutil.rmtree(_folder(archive, import_id), ignore_errors=True)


def _check(user: User, fmt: str) -> None:
    require(user, Permission.IMPORT)
    if Confidentiality.INTERNAL not in clearance_levels(user):
        raise Forbidden("Imports make internal records; your clearance does not reach them.")
    if fmt not in FORMATS:
        raise Invalid("Unknown format.", {"format": f"one of {', '.join(sorted(FORMATS))}"})


def _run(
    archive: Archive, user: User, path: Path, fmt: str, options: dict[str, Any], *, dry_run: bool
) -> dict[str, Any]:
    given = ImportOptions(actor=actor_of(user), dry_run=dry_run, **options)
    report = run_import(archive, path, fmt, given).as_dict()
    return _visible(archive, user, report)


def _visible(archive: Archive, user: User, report: dict[str, Any]) -> dict[str, Any]:
    ids = {i for row in report.get("rows", []) for i in row.get("records", [])}
    allowed = _readable_ids(archive, user, ids)
    for row in report.get("rows", []):
        row["records"] = [i for i in row.get("records", []) if i in allowed]
    return report


def _readable_ids(archive: Archive, user: User, ids: Iterable[str]) -> set[str]:
    wanted = sorted(ids)
    found: set[str] = set()
    with archive.store.engine.connect() as conn:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            query = sa.select(t.records.c.id).where(t.records.c.id.in_(chunk), readable(user))
            found.update(conn.scalars(query))
    return found


def _folder(archive: Archive, import_id: str) -> Path:
    return archive.path / FOLDER / import_id


def _save(stream: Readable, path: Path) -> Path:
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while chunk := stream.read(_CHUNK):
            out.write(chunk)
    return path


def _clean_old(archive: Archive) -> None:
    root = archive.path / FOLDER
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if time.time() - folder.stat().st_mtime > MAX_AGE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
