"""An archive is a folder: ``sviedka.toml`` (identity, database, custom fields) and, on the embedded
default, ``archive.db`` (SQLite). With ``SVIEDKA_DATABASE_URL`` the records live in PostgreSQL and
the folder keeps the configuration (and, later, the evidence vault).
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Conflict, NotAnArchive
from ..model import Vocabulary
from ..model.custom import CustomField, parse_declarations
from ..model.ids import new_id
from ..model.revision import timestamp
from ..store import Store, open_store
from ..store.engine import sqlite_url

__all__ = [
    "Archive",
    "ArchiveConfig",
    "init_archive",
    "open_archive",
    "read_config",
]

CONFIG = "sviedka.toml"
DATABASE = "archive.db"
FORMAT = 1

_TEMPLATE = """\
# Sviedka archive configuration. Keep this file with the archive.
[archive]
format = {format}
id = "{id}"
name = "{name}"
database = "{database}"   # "sqlite": archive.db in this folder; "postgresql": SVIEDKA_DATABASE_URL

# Custom fields this archive adds to record kinds, e.g.:
# [custom_fields.person.party]
# type = "text"           # text | integer | number | boolean | date | url | vocab
# label = "Political party"
# required = false
# multiple = false
"""


@dataclass(frozen=True)
class ArchiveConfig:
    id: str
    name: str
    database: str
    custom_fields: Mapping[str, Mapping[str, CustomField]] = field(default_factory=dict)


@dataclass
class Archive:
    path: Path
    config: ArchiveConfig
    store: Store

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def init_archive(
    path: Path,
    vocabularies: Iterable[Vocabulary],
    *,
    name: str | None = None,
    database_url: str | None = None,
    actor: str = "init",
) -> Archive:
    """Create the folder, its configuration and its database, and load the vocabularies.

    If anything fails, a folder this call created is removed again: nothing is left half-made.
    """
    created = _claim_folder(path)
    try:
        return _create(path, vocabularies, name, database_url, actor)
    except BaseException:
        _unclaim_folder(path, created)
        raise


def _create(
    path: Path,
    vocabularies: Iterable[Vocabulary],
    name: str | None,
    database_url: str | None,
    actor: str,
) -> Archive:
    database = "postgresql" if database_url else "sqlite"
    config = ArchiveConfig(id=new_id(), name=name or path.name, database=database)
    store = open_store(database_url or sqlite_url(path / DATABASE))
    try:
        with store.writer() as writer:
            if writer.meta("archive_id") is not None:
                raise Conflict("That database already holds an archive; give an empty database.")
            writer.set_meta("archive_id", config.id)
            writer.set_meta("created_at", timestamp())
            writer.set_meta("created_by", actor)
            for vocabulary in vocabularies:
                writer.put_vocabulary(vocabulary)
    except BaseException:
        store.close()
        raise
    text = _TEMPLATE.format(
        format=FORMAT, id=config.id, name=_toml_text(config.name), database=database
    )
    (path / CONFIG).write_text(text, encoding="utf-8")
    return Archive(path, config, store)


def _claim_folder(path: Path) -> bool:
    """Make sure ``path`` is a new or empty folder; return whether this call created it."""
    if path.exists() and not path.is_dir():
        raise NotAnArchive(f"{path} is a file; give a new or empty folder.")
    if path.exists() and any(path.iterdir()):
        raise Conflict(f"{path} is not empty; give a new or empty folder.")
    existed = path.exists()
    path.mkdir(parents=True, exist_ok=True)
    return not existed


def _unclaim_folder(path: Path, created: bool) -> None:
    """Put the folder back as it was: gone if we made it, else empty (as it was before)."""
    if created:
        shutil.rmtree(path, ignore_errors=True)
        return
    for child in path.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _toml_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def open_archive(path: Path, *, database_url: str | None = None) -> Archive:
    """Open an existing archive; ``NotAnArchive`` if the folder (or database) is not one."""
    config = read_config(path)
    if config.database == "postgresql":
        if not database_url:
            raise NotAnArchive(
                f"The archive at {path} keeps its records in PostgreSQL: set SVIEDKA_DATABASE_URL."
            )
        url = database_url
    else:
        if not (path / DATABASE).is_file():
            raise NotAnArchive(f"The archive at {path} has lost its database file {DATABASE}.")
        url = sqlite_url(path / DATABASE)
    store = open_store(url, custom_fields=config.custom_fields)
    _check_identity(store, config, path)
    return Archive(path, config, store)


def _check_identity(store: Store, config: ArchiveConfig, path: Path) -> None:
    with store.view() as view:
        found = view.meta("archive_id")
    if found != config.id:
        store.close()
        raise NotAnArchive(
            f"The database does not belong to the archive at {path} (its id is {found}, the "
            f"folder's is {config.id}). Check SVIEDKA_DATABASE_URL."
        )


def read_config(path: Path) -> ArchiveConfig:
    file = path / CONFIG
    if not file.is_file():
        raise NotAnArchive(
            f"{path} is not a Sviedka archive (no {CONFIG}); `sviedka init` makes one."
        )
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
        return _config(raw)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise NotAnArchive(f"{file} is damaged: {exc}") from None


def _config(raw: Mapping[str, Any]) -> ArchiveConfig:
    head = raw["archive"]
    if head.get("format") != FORMAT:
        raise ValueError(f"format {head.get('format')!r} is not one this version reads ({FORMAT})")
    if head.get("database") not in ("sqlite", "postgresql"):
        raise ValueError('archive.database must be "sqlite" or "postgresql"')
    custom = parse_declarations(raw.get("custom_fields", {}))
    return ArchiveConfig(str(head["id"]), str(head["name"]), str(head["database"]), custom)
