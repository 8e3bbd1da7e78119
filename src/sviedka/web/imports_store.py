"""Imports waiting for confirmation: the uploaded sheet and its dry-run report, kept in the
archive folder (``web-imports/<token>/``, owner-only) until the user confirms or discards it.

The token is random and names no file or person, so it may appear in URLs. Only the user who
uploaded a sheet sees and confirms it. Backups do not copy this folder: it holds nothing that is
not either re-uploadable or, once confirmed, in the records."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import NotFound
from ..model.revision import timestamp
from ..services.evidence import safe_name
from ..services.importing import ImportOptions, ImportReport, run_import
from ..services.owner_only import write_owner_only

if TYPE_CHECKING:
    from .pages import Page

__all__ = ["FOLDER", "Pending", "confirm", "discard", "pending", "pending_imports", "stage"]

FOLDER = "web-imports"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Pending:
    token: str
    user_id: str
    name: str
    format: str
    at: str
    report: dict[str, Any]


def _root(page: Page) -> Path:
    root = page.archive.path / FOLDER
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def stage(page: Page, stream: BinaryIO, name: str, fmt: str, *, actor: str) -> Pending:
    """Keep the sheet and dry-run it; on a bad file nothing is kept and the error propagates."""
    token = secrets.token_urlsafe(18)
    folder = _root(page) / token
    folder.mkdir(mode=0o700)
    try:
        sheet = folder / ("sheet" + _suffix(name))
        with open(os.open(sheet, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        report = run_import(page.archive, sheet, fmt, ImportOptions(actor=actor, dry_run=True))
        made = Pending(token, page.me.id, safe_name(name), fmt, timestamp(), _report(report, name))
        write_owner_only(folder / "pending.json", json.dumps(made.__dict__))
        return made
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix in (".csv", ".xlsx", ".tsv", ".json", ".txt") else ""


def _report(report: ImportReport, name: str) -> dict[str, Any]:
    data = report.as_dict()
    data["file"] = safe_name(name)
    return data


def pending(page: Page, token: str) -> Pending:
    """The user's own pending import; ``NotFound`` for anyone else's, or an unknown token."""
    missing = NotFound("No such import waiting for confirmation.")
    if not _TOKEN.match(token):
        raise missing
    file = _root(page) / token / "pending.json"
    if not file.is_file():
        raise missing
    made = Pending(**json.loads(file.read_text(encoding="utf-8")))
    if made.user_id != page.me.id:
        raise missing
    return made


def pending_imports(page: Page) -> list[Pending]:
    found = []
    for folder in sorted(_root(page).iterdir()):
        try:
            found.append(pending(page, folder.name))
        except (NotFound, ValueError, TypeError, OSError):
            continue
    return sorted(found, key=lambda p: p.at, reverse=True)


def confirm(page: Page, token: str, *, actor: str, keep_going: bool = False) -> dict[str, Any]:
    """Import for real (with ``keep_going``, the valid rows even if others are refused); the
    pending sheet is removed whether it succeeds or fails."""
    made = pending(page, token)
    folder = _root(page) / token
    sheet = next(p for p in folder.iterdir() if p.name.startswith("sheet"))
    try:
        options = ImportOptions(actor=actor, keep_going=keep_going)
        report = run_import(page.archive, sheet, made.format, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _report(report, made.name)


def discard(page: Page, token: str) -> None:
    pending(page, token)
    shutil.rmtree(_root(page) / token, ignore_errors=True)
