"""Staged imports: upload a sheet, read its dry-run report, then confirm or discard it. The one
copy that the API and the web call.

* Staging needs the ``import`` permission and a clearance of at least ``internal`` (an import
  makes internal records); confirming checks both again, as they may have changed meanwhile.
* The upload waits in ``<archive>/imports/<id>/`` (folder 0700, files 0600), in clear, as the
  importers read files (docs/security.md). Only its uploader sees, confirms or discards it; for
  anyone else it answers as an unknown id does. It is removed when confirmed (whatever the
  outcome) or discarded; past ``MAX_AGE_SECONDS`` it is not found, and ``sweep`` (run whenever an
  import is staged or listed) deletes it.
* Reports name only what the uploader may read now: duplicate warnings consider only records
  the uploader may read (``ImportOptions.reader``), and record ids the uploader may not read
  are left out of the rows, as are the warnings that name one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from ... import policy
from ...errors import Invalid, NotFound
from ...model import Confidentiality
from ...model.ids import is_record_id, new_id
from ...model.revision import timestamp
from ...policy import Forbidden, Permission, Principal
from ..archive.folder import Archive
from ..evidence import safe_name
from . import FORMATS, ImportOptions, run_import

__all__ = [
    "MAX_AGE_SECONDS",
    "Readable",
    "Staged",
    "StagedOptions",
    "confirm",
    "discard",
    "stage",
    "staged",
    "sweep",
    "waiting",
]

FOLDER = "imports"
LEGACY_FOLDER = "web-imports"  # where the web kept its own copy of staged imports, unexpiring
MAX_AGE_SECONDS = 24 * 3600
_UNFINISHED_AGE_SECONDS = 3600  # a folder without its report: a stage cut short by a crash
_CLAIMED = ".confirming"
_CHUNK = 1024 * 1024
_MENTIONED_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class StagedOptions:
    sheet: str | None = None  # XLSX: which sheet
    keep_going: bool = False  # import the valid rows even if others are rejected
    list_name: str | None = None  # the list the rows come from


@dataclass(frozen=True)
class Staged:
    id: str
    user_id: str
    format: str
    file: str  # the name it was uploaded as (metadata, never a path)
    created_at: str
    options: StagedOptions = field(default_factory=StagedOptions)
    report: dict[str, Any] = field(default_factory=dict)  # the dry run's, as its uploader sees it


def stage(
    archive: Archive,
    principal: Principal,
    stream: Readable,
    *,
    name: str,
    fmt: str,
    actor: str,
    options: StagedOptions | None = None,
) -> Staged:
    """Keep the upload and dry-run it; nothing in the archive changes. On a bad file nothing is
    kept and the error (``Invalid``, saying what is wrong) propagates.

    :param actor: how the user is named in revisions (``user:NAME``).
    """
    _check_may_import(principal, fmt)
    sweep(archive)
    made = Staged(
        new_id(), principal.id or "", fmt, _file_name(name), timestamp(), options or StagedOptions()
    )
    folder = _root(archive) / made.id
    folder.mkdir(mode=0o700)
    try:
        (folder / "upload").mkdir(mode=0o700)
        upload = _save(stream, folder / "upload" / made.file)
        report = _run(archive, principal, made, upload, actor=actor, dry_run=True)
        made = replace(made, report=report)
        _write_private(folder / "staged.json", json.dumps(asdict(made)).encode("utf-8"))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return made


def staged(archive: Archive, principal: Principal, import_id: str) -> Staged:
    """A staged import of this user's, its report as they may see it now; ``NotFound`` for
    anyone else's, an expired one, or an unknown id, with the same message."""
    policy.require(principal, Permission.IMPORT)
    found = _load(archive, import_id)
    if found is None or found.user_id != principal.id:
        raise NotFound(f"No staged import with id {import_id}.")
    return replace(found, report=_visible(archive, principal, found.report))


def waiting(archive: Archive, principal: Principal) -> list[Staged]:
    """This user's staged imports, newest first (none for a user who may not import)."""
    if not policy.can(principal, Permission.IMPORT):
        return []
    sweep(archive)
    mine = []
    for folder in _root(archive).iterdir():
        found = _load(archive, folder.name)
        if found is not None and found.user_id == principal.id:
            mine.append(found)
    return sorted(mine, key=lambda s: s.created_at, reverse=True)


def confirm(
    archive: Archive,
    principal: Principal,
    import_id: str,
    *,
    actor: str,
    keep_going: bool | None = None,
) -> dict[str, Any]:
    """Import for real, with the options of the dry run (``keep_going`` may override its own);
    the upload is removed whatever the outcome. Two confirmations of one import run it once: the
    second finds nothing."""
    found = staged(archive, principal, import_id)
    _check_may_import(principal, found.format)
    claimed = _claim(archive, import_id)
    try:
        if keep_going is not None:
            found = replace(found, options=replace(found.options, keep_going=keep_going))
        upload = next((claimed / "upload").iterdir())
        return _run(archive, principal, found, upload, actor=actor, dry_run=False)
    finally:
        shutil.rmtree(claimed, ignore_errors=True)


def discard(archive: Archive, principal: Principal, import_id: str) -> None:
    """Forget a staged import of this user's; its upload is deleted."""
    staged(archive, principal, import_id)
    shutil.rmtree(_root(archive) / import_id, ignore_errors=True)


def sweep(archive: Archive, *, now: float | None = None) -> None:
    """Delete expired staged imports, uploads left by a stage cut short, and the web's former
    folder of staged imports."""
    shutil.rmtree(archive.path / LEGACY_FOLDER, ignore_errors=True)
    moment = time.time() if now is None else now
    for folder in _root(archive).iterdir():
        finished = (folder / "staged.json").is_file() and not folder.name.endswith(_CLAIMED)
        limit = MAX_AGE_SECONDS if finished else _UNFINISHED_AGE_SECONDS
        if moment - _modified(folder) > limit:
            shutil.rmtree(folder, ignore_errors=True)


# -- checks and reports ------------------------------------------------------------------------


def _check_may_import(principal: Principal, fmt: str) -> None:
    policy.require(principal, Permission.IMPORT)
    if Confidentiality.INTERNAL not in policy.clearance_levels(principal):
        raise Forbidden("Imports make internal records; your clearance does not reach them.")
    if fmt not in FORMATS:
        raise Invalid("Unknown format.", {"format": f"one of {', '.join(sorted(FORMATS))}"})


def _run(
    archive: Archive, principal: Principal, made: Staged, upload: Path, *, actor: str, dry_run: bool
) -> dict[str, Any]:
    given = ImportOptions(
        actor=actor, dry_run=dry_run, reader=principal, **asdict(made.options)
    )  # fmt: skip
    report = run_import(archive, upload, made.format, given).as_dict()
    return _visible(archive, principal, report)


def _visible(archive: Archive, principal: Principal, report: dict[str, Any]) -> dict[str, Any]:
    """The report without the record ids the user may not read, nor the warnings naming one."""
    rows = report.get("rows", [])
    named = {i for row in rows for i in row["records"]}
    named |= {i for row in rows for text in row["reasons"] for i in _MENTIONED_ID.findall(text)}
    allowed = _readable_among(archive, principal, named)
    shown = [
        row
        | {
            "records": [i for i in row["records"] if i in allowed],
            "reasons": [r for r in row["reasons"] if set(_MENTIONED_ID.findall(r)) <= allowed],
        }
        for row in rows
    ]
    return report | {"rows": shown}


def _readable_among(archive: Archive, principal: Principal, ids: set[str]) -> set[str]:
    with archive.store.view(principal) as view:
        return set(view.kinds_of(ids))


# -- the folder --------------------------------------------------------------------------------


def _root(archive: Archive) -> Path:
    root = archive.path / FOLDER
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def _load(archive: Archive, import_id: str) -> Staged | None:
    if not is_record_id(import_id):
        return None
    folder = _root(archive) / import_id
    try:
        if time.time() - _modified(folder) > MAX_AGE_SECONDS:
            return None
        data = json.loads((folder / "staged.json").read_text("utf-8"))
        return Staged(**(data | {"options": StagedOptions(**data["options"])}))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _claim(archive: Archive, import_id: str) -> Path:
    """Move the staged import aside, atomically: whoever moves it first runs it."""
    folder = _root(archive) / import_id
    claimed = folder.with_name(import_id + _CLAIMED)
    try:
        folder.rename(claimed)
    except OSError:
        raise NotFound(f"No staged import with id {import_id}.") from None
    return claimed


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _file_name(name: str) -> str:
    """The uploaded file's name, as the file is kept under (the report and the list's Source
    name the file by it): its last part, at most 200 bytes."""
    last = safe_name(name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    last = last.encode("utf-8")[:200].decode("utf-8", "ignore")
    return "upload" if last in ("", ".", "..") else last


def _save(stream: Readable, path: Path) -> Path:
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while chunk := stream.read(_CHUNK):
            out.write(chunk)
    return path


def _write_private(path: Path, data: bytes) -> None:
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(data)
