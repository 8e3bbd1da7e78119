"""The archive's keys: the vault's age keys (``keys.json``) and the log's signing key.

The Ed25519 key that signs checkpoints is stored age-encrypted to the archive key and to the
offline recovery key (``ledger-key.age``), so it is "wrapped like the archive key": any custodian
who unlocks the archive can sign, the recovery shares bring it back, and a stolen disk cannot
sign anything. Its public verifier key is in ``sviedka.toml``: publish it so that others can check
the archive's checkpoints.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ...errors import DecryptionFailed
from ...ledger.checkpoints import Signer
from ...vault import Unlocked, create_keys, load_keys, unlock
from ...vault import keys as vault_keys
from ...vault.crypto import DECRYPTION_FAILED, decrypt_stream, encrypt_stream

__all__ = [
    "LEDGER_KEY",
    "ArchiveKeys",
    "add_custodian",
    "create_archive_keys",
    "custodians",
    "origin_of",
    "recipients",
    "recover_access",
    "remove_custodian",
    "rotate",
    "unlock_archive",
]

LEDGER_KEY = "ledger-key.age"


@dataclass(frozen=True)
class ArchiveKeys:
    """What a custodian's passphrase opens: the vault identities and the log's signer."""

    unlocked: Unlocked
    signer: Signer


def origin_of(archive_id: str) -> str:
    """The log's name in checkpoints (C2SP "origin"), unique per archive."""
    return f"sviedka.archive/{archive_id}"


def create_archive_keys(
    path: Path, archive_id: str, custodian: str, passphrase: str
) -> tuple[list[str], Signer]:
    """Create ``keys.json`` and ``ledger-key.age``; return the recovery shares (to print once,
    never to store) and the signer."""
    keys, shares = create_keys(path, custodian, passphrase)
    signing = Ed25519PrivateKey.generate()
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(signing.private_bytes_raw()), sealed, keys.recipients)
    _write_new(path / LEDGER_KEY, sealed.getvalue())
    return shares, Signer(origin_of(archive_id), signing)


def unlock_archive(path: Path, archive_id: str, custodian: str, passphrase: str) -> ArchiveKeys:
    """Open the keys with a custodian's passphrase; ``DecryptionFailed`` whatever goes wrong."""
    unlocked = unlock(path, custodian, passphrase)
    try:
        sealed = (path / LEDGER_KEY).read_bytes()
    except OSError:
        raise DecryptionFailed(DECRYPTION_FAILED) from None
    raw = io.BytesIO()
    decrypt_stream(io.BytesIO(sealed), raw, unlocked.identities)
    try:
        key = Ed25519PrivateKey.from_private_bytes(raw.getvalue())
    except ValueError:
        raise DecryptionFailed(DECRYPTION_FAILED) from None
    return ArchiveKeys(unlocked, Signer(origin_of(archive_id), key))


def recipients(path: Path) -> tuple[str, ...]:
    """Whom new evidence is encrypted to (no secret needed): the archive and recovery keys."""
    return load_keys(path).recipients


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file durably: temp file, fsync, rename, fsync the folder."""
    temp = path.with_name(path.name + ".tmp")
    with open(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        os.fchmod(out.fileno(), 0o600)  # owner-only from the start, not once written
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def add_custodian(archive_path: Path, keys: ArchiveKeys, name: str, passphrase: str) -> None:
    """Give one more person access with their own passphrase (they unlock the same keys)."""
    vault_keys.add_custodian(archive_path, keys.unlocked, name, passphrase)


def remove_custodian(archive_path: Path, name: str) -> None:
    vault_keys.remove_custodian(archive_path, name)


def custodians(archive_path: Path) -> tuple[list[str], str]:
    """The custodians' names and the archive key new files are encrypted to (no secrets)."""
    keys = load_keys(archive_path)
    return sorted(keys.custodians), keys.current


def rotate(archive_path: Path, archive_id: str, keys: ArchiveKeys, passphrase: str) -> ArchiveKeys:
    """Start a new archive key for new files; return the keys unlocked again (with the new one)."""
    vault_keys.rotate(archive_path, keys.unlocked)
    return unlock_archive(archive_path, archive_id, keys.unlocked.custodian, passphrase)


def recover_access(
    archive_path: Path, archive_id: str, shares: Sequence[str], custodian: str, passphrase: str
) -> ArchiveKeys:
    """Rebuild access from three of the paper shares, for ``custodian`` with a new passphrase."""
    vault_keys.recover(archive_path, shares, custodian, passphrase)
    return unlock_archive(archive_path, archive_id, custodian, passphrase)
