"""An archive is a folder::

    sviedka.toml     identity, database kind, the log's verifier key, custom fields
    archive.db       records, revisions and the transparency log (SQLite, the embedded default)
    keys.json        the vault's public keys and the archive key wrapped per custodian
    ledger-key.age   the log's signing key, age-encrypted to the archive and recovery keys
    vault/           evidence blobs, encrypted, named by the SHA-256 of their plaintext

With ``SVIEDKA_DATABASE_URL`` the records and the log live in PostgreSQL; the folder keeps the rest.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import Conflict, NotAnArchive
from ...ledger.checkpoints import Signer
from ...model import Vocabulary
from ...model.custom import CustomField, parse_declarations
from ...model.ids import new_id
from ...model.revision import timestamp
from ...store import SqlStore, open_store
from ...store.engine import sqlite_url
from ...store.ledger.checkpoints import make_checkpoint
from ...store.ledger.log import LedgerJournal
from ...vault import BlobStore
from ...vault.blobs import remove_stale_scratch
from ..accounts import lockout_secret
from .keys import create_archive_keys
from .owner_only import mkdir_owner_only, write_owner_only

__all__ = [
    "Archive",
    "ArchiveConfig",
    "init_archive",
    "open_archive",
    "read_config",
]

CONFIG = "sviedka.toml"
DATABASE = "archive.db"
VAULT = "vault"
FORMAT = 1

_TEMPLATE = """\
# Sviedka archive configuration. Keep this file with the archive.
[archive]
format = {format}
id = "{id}"
name = "{name}"
database = "{database}"   # "sqlite": archive.db in this folder; "postgresql": SVIEDKA_DATABASE_URL

[ledger]
# Publish the verifier key: with it anyone can check this archive's signed checkpoints.
origin = "{origin}"
verifier_key = "{verifier}"

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
    origin: str
    verifier_key: str
    custom_fields: Mapping[str, Mapping[str, CustomField]] = field(default_factory=dict)


@dataclass
class Archive:
    path: Path
    config: ArchiveConfig
    store: SqlStore

    @property
    def vault(self) -> BlobStore:
        return BlobStore(self.path / VAULT)

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
    custodian: str,
    passphrase: str,
    name: str | None = None,
    database_url: str | None = None,
    actor: str = "init",
) -> tuple[Archive, list[str]]:
    """Create the folder, keys, database and first checkpoint, and load the vocabularies.

    Returns the archive and the recovery shares, which are stored nowhere: the caller shows them
    once. If anything fails, the folder is put back as it was: nothing is left half-made.
    """
    created = _claim_folder(path)
    try:
        return _create(path, vocabularies, custodian, passphrase, name, database_url, actor)
    except BaseException:
        _unclaim_folder(path, created)
        raise


def _create(
    path: Path,
    vocabularies: Iterable[Vocabulary],
    custodian: str,
    passphrase: str,
    name: str | None,
    database_url: str | None,
    actor: str,
) -> tuple[Archive, list[str]]:
    archive_id = new_id()
    store = open_store(database_url or sqlite_url(path / DATABASE), journal=LedgerJournal())
    try:
        _check_empty_database(store)
        shares, signer = create_archive_keys(path, archive_id, custodian, passphrase)
        _prepare_database(store, archive_id, vocabularies, actor, signer)
    except BaseException:
        store.close()
        raise
    database = "postgresql" if database_url else "sqlite"
    config = ArchiveConfig(archive_id, name or path.name, database, signer.name, signer.verifier())
    _write_config(path, config)
    mkdir_owner_only(path / VAULT)
    return Archive(path, config, store), shares


def _check_empty_database(store: SqlStore) -> None:
    with store.unscoped_view() as view:  # the archive's own metadata, before anyone reads it
        if view.meta("archive_id") is not None:
            raise Conflict("That database already holds an archive; give an empty database.")


def _prepare_database(
    store: SqlStore,
    archive_id: str,
    vocabularies: Iterable[Vocabulary],
    actor: str,
    signer: Signer,
) -> None:
    with store.writer() as writer:
        writer.set_meta("archive_id", archive_id)
        writer.set_meta("created_at", timestamp())
        writer.set_meta("created_by", actor)
        writer.set_meta("verifier_key", signer.verifier())
        for vocabulary in vocabularies:
            writer.put_vocabulary(vocabulary)
    with store.write_transaction() as conn:
        make_checkpoint(conn, signer)
    lockout_secret(store)  # the key of the lockout table, made with the archive


def _write_config(path: Path, config: ArchiveConfig) -> None:
    text = _TEMPLATE.format(
        format=FORMAT,
        id=config.id,
        name=_toml_text(config.name),
        database=config.database,
        origin=config.origin,
        verifier=config.verifier_key,
    )
    write_owner_only(path / CONFIG, text)


def _claim_folder(path: Path) -> bool:
    """Make sure ``path`` is a new or empty folder; return whether this call created it."""
    if path.exists() and not path.is_dir():
        raise NotAnArchive(f"{path} is a file; give a new or empty folder.")
    if path.exists() and any(path.iterdir()):
        raise Conflict(f"{path} is not empty; give a new or empty folder.")
    existed = path.exists()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # records are personal data: the archive is for its owner only
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
    """``text`` escaped for a TOML basic string (JSON's escapes are TOML's, minus the quotes)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


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
    store = open_store(url, custom_fields=config.custom_fields, journal=LedgerJournal())
    _check_identity(store, config, path)
    BlobStore(path / VAULT).cleanup_temp()  # what an ingest killed mid-way left: ciphertext
    remove_stale_scratch()  # and what versions before issue 12 left in clear in the temp folder
    return Archive(path, config, store)


def _check_identity(store: SqlStore, config: ArchiveConfig, path: Path) -> None:
    with store.unscoped_view() as view:  # the archive's own metadata, before anyone reads it
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
    ledger = raw["ledger"]
    custom = parse_declarations(raw.get("custom_fields", {}))
    return ArchiveConfig(
        str(head["id"]),
        str(head["name"]),
        str(head["database"]),
        str(ledger["origin"]),
        str(ledger["verifier_key"]),
        custom,
    )
