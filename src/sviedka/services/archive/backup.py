"""Backups that can be trusted, and restores that prove it.

A backup is itself an archive folder on the embedded default, plus ``manifest.json``::

    sviedka.toml  keys.json  ledger-key.age    copied as they are (database set to "sqlite")
    archive.db    every table, copied inside one read transaction: a consistent snapshot
    vault/blobs/  every file the snapshot records (blobs are write-once, so copying them after
                  the snapshot is consistent)
    manifest.json the SHA-256 of every file above, the log size and the latest checkpoint

The archive stays usable meanwhile: SQLite's WAL and PostgreSQL's REPEATABLE READ give the copy
its snapshot without blocking writers. ``restore`` checks the manifest byte for byte, rebuilds
the archive (into PostgreSQL if ``SVIEDKA_DATABASE_URL`` is set), and runs a full ``verify``; a
backup that fails any check is refused and nothing is left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path, PurePosixPath
from typing import Any, cast

from ...errors import Conflict, IntegrityFailure, NotAnArchive
from ...ledger.note import open_checkpoint
from ...model.revision import timestamp
from ...store import Problem
from ...store.engine import sqlite_url
from ...store.ledger.checkpoints import latest_checkpoint
from ...store.ledger.log import tree_root, tree_size
from ...store.snapshot import LedgerConnection, empty_database, open_snapshot
from ..evidence import check_vault
from .folder import CONFIG, DATABASE, VAULT, Archive, open_archive, read_config
from .keys import LEDGER_KEY
from .owner_only import mkdir_owner_only, restrict_to_owner, write_owner_only
from .verify import Report, verify_archive

__all__ = ["MANIFEST", "backup", "check_manifest", "restore"]

MANIFEST = "manifest.json"
KEY_FILES = ("keys.json", LEDGER_KEY)
REQUIRED = (CONFIG, *KEY_FILES, DATABASE)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHECKPOINT = "manifest checkpoint"


def backup(archive: Archive, dest: Path) -> dict[str, Any]:
    """Write a verified-by-hash snapshot of ``archive`` into the new folder ``dest``."""
    _claim(dest)
    try:
        return _backup(archive, dest)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise


def _claim(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise Conflict(f"{dest} exists and is not an empty folder; give a new one.")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    dest.chmod(0o700)  # a backup holds the records in clear: for its owner only


def _backup(archive: Archive, dest: Path) -> dict[str, Any]:
    for name in KEY_FILES:
        shutil.copy2(archive.path / name, dest / name)
    with archive.store.unscoped_snapshot() as snapshot:
        conn = snapshot.ledger_connection()  # ledger persistence: moving to store/ (issue 12)
        snapshot.copy_into(sqlite_url(dest / DATABASE))
        hashes = snapshot.blob_hashes()
        facts = {"log_size": tree_size(conn), "checkpoint": _latest_note(conn)}
    for sha256 in hashes:
        _copy_file(archive.vault.path(sha256), _blob_path(dest, sha256))
    _write_config(archive.path / CONFIG, dest / CONFIG)
    restrict_to_owner(dest)  # key files copied from an archive made before they were 0600
    manifest: dict[str, Any] = {"format": 1, "archive": archive.config.id, "made_at": timestamp()}
    manifest |= facts
    manifest["files"] = _hash_tree(dest)
    write_owner_only(dest / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _latest_note(conn: LedgerConnection) -> str | None:
    made = latest_checkpoint(conn)
    return None if made is None else made.note


def _blob_path(root: Path, sha256: str) -> Path:
    return root / VAULT / "blobs" / sha256[:2] / sha256[2:4] / sha256


def _copy_file(source: Path, target: Path) -> None:
    """A blob's copy, owner-only and read-only as in the vault."""
    if not target.parent.is_dir():
        mkdir_owner_only(target.parent)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(source, "rb") as src, open(fd, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())
        os.fchmod(dst.fileno(), 0o400)


def _write_config(source: Path, target: Path) -> None:
    text = source.read_text(encoding="utf-8")
    text = text.replace('database = "postgresql"', 'database = "sqlite"', 1)
    write_owner_only(target, text)


def _hash_tree(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` but the manifest (database side files included)."""
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative != MANIFEST:
            with open(path, "rb") as file:
                found[relative] = hashlib.file_digest(file, "sha256").hexdigest()
    return found


def restore(source: Path, path: Path, *, database_url: str | None = None) -> Report:
    """Rebuild an archive at ``path`` from a backup and verify it fully; refuse on any problem.

    The backup is only read: its database is copied before it is opened."""
    manifest = _read_manifest(source)
    problems = _check_files(source, manifest["files"])
    if problems:
        raise IntegrityFailure("The backup is damaged; nothing was restored.", problems)
    _claim(path)
    try:
        return _restore(source, path, manifest, database_url)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def check_manifest(source: Path) -> dict[str, str]:
    """Every file of the backup against the manifest, by relative path; empty if all match.

    ``NotAnArchive`` if the manifest is unreadable or not shaped like one."""
    return _check_files(source, _read_manifest(source)["files"])


def _read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotAnArchive(f"{source} is not a Sviedka backup (no readable {MANIFEST}).") from None
    problem = _shape_problem(manifest)
    if problem:
        raise NotAnArchive(f"{source} is not a Sviedka backup: its {MANIFEST} {problem}.")
    return cast(dict[str, Any], manifest)


def _shape_problem(manifest: object) -> str | None:
    """What makes ``manifest`` not a format-1 manifest, or None."""
    if not isinstance(manifest, dict):
        return "is not a JSON object"
    if type(manifest.get("format")) is not int or manifest["format"] != 1:
        return f"has format {manifest.get('format')!r}, not 1"
    if not isinstance(manifest.get("checkpoint"), str | None):
        return "has a checkpoint that is not a signed note"
    return _files_problem(manifest.get("files"))


def _files_problem(files: object) -> str | None:
    if not isinstance(files, dict):
        return "has no mapping of files to their SHA-256"
    for name, digest in files.items():
        if not _is_relative_posix(name):
            return f"lists {name!r}, which is not a relative path inside the backup"
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            return f"gives {name} a hash that is not a SHA-256 (64 lowercase hex digits)"
    return None


def _is_relative_posix(name: str) -> bool:
    pure = PurePosixPath(name)
    return (
        bool(name)
        and "\\" not in name
        and not pure.is_absolute()
        and pure.as_posix() == name
        and not {".", ".."} & set(pure.parts)
        and name != MANIFEST
    )


def _check_files(source: Path, expected: dict[str, str]) -> dict[str, str]:
    found = _hash_tree(source)
    problems = {name: "missing from the manifest" for name in REQUIRED if name not in expected}
    problems |= {name: "missing" for name in expected if name not in found}
    problems |= {name: "not in the manifest" for name in found if name not in expected}
    problems |= {
        name: "altered (hash differs)"
        for name, digest in expected.items()
        if name in found and found[name] != digest
    }
    return problems


def _restore(
    source: Path, path: Path, manifest: dict[str, Any], database_url: str | None
) -> Report:
    for name in (*KEY_FILES, CONFIG, MANIFEST):
        shutil.copy2(source / name, path / name)
    shutil.copytree(source / VAULT, path / VAULT, dirs_exist_ok=True)
    shutil.copy2(source / DATABASE, path / DATABASE)  # opened only as this copy, never in place
    restrict_to_owner(path)  # as the backup's files were, or tighter
    if not database_url:
        return _verify_restored(path, manifest, None)
    _load_into(path / DATABASE, database_url)
    try:
        _drop_sqlite(path)
        _use_postgresql(path / CONFIG)
        return _verify_restored(path, manifest, database_url)
    except BaseException:
        empty_database(database_url)  # it was empty before: a retry can start afresh
        raise


def _drop_sqlite(path: Path) -> None:
    for copy in path.glob(f"{DATABASE}*"):
        copy.unlink()


def _use_postgresql(config_path: Path) -> None:
    config = config_path.read_text(encoding="utf-8")
    config = config.replace('database = "sqlite"', 'database = "postgresql"', 1)
    write_owner_only(config_path, config)


def _verify_restored(path: Path, manifest: dict[str, Any], database_url: str | None) -> Report:
    read_config(path)
    with open_archive(path, database_url=database_url) as archive:
        report = verify_archive(archive)
        report.problems.extend(check_vault(archive))
        report.problems.extend(_checkpoint_problems(archive, manifest.get("checkpoint")))
    if not report.ok:
        found = {p.subject: p.what for p in report.problems}
        raise IntegrityFailure("The restored archive fails verification; it was removed.", found)
    return report


def _checkpoint_problems(archive: Archive, note: str | None) -> list[Problem]:
    """The manifest's signed checkpoint against the restored log: as long, and the same root."""
    if note is None:
        return []
    try:
        signed, _ = open_checkpoint(note, [archive.config.verifier_key])
    except (IntegrityFailure, ValueError) as exc:
        return [Problem(_CHECKPOINT, f"does not verify with the archive's key: {exc}")]
    with archive.store.unscoped_snapshot() as snapshot:
        conn = snapshot.ledger_connection()  # ledger persistence: moving to store/ (issue 12)
        size = tree_size(conn)
        if size < signed.size:
            return [Problem(_CHECKPOINT, f"signs {signed.size} log entries; {size} restored")]
        try:
            root = tree_root(conn, signed.size)
        except KeyError:
            root = None
    if root != signed.root:
        return [Problem(_CHECKPOINT, f"its root differs from the restored log's at {signed.size}")]
    return []


def _load_into(database: Path, url: str) -> None:
    """Copy the SQLite file ``database`` (a copy, never the backup's) into the empty ``url``."""
    with open_snapshot(sqlite_url(database)) as copy:
        copy.copy_into(url)
