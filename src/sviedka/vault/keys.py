"""The archive's key file, ``keys.json``: who can decrypt the vault, and how to get back in.

Three kinds of age X25519 keys::

    archive key      every blob is encrypted to the current one; rotation adds a new one and
                     keeps the old ones, which old blobs still need
    recovery key     every blob is *also* encrypted to it; its identity exists only on paper,
                     split into SLIP-39 shares (3 of 5), printed once by ``create_keys``
    custodian keys   one per person; its identity is wrapped with that person's passphrase

The file (``format`` 1; binary values are base64)::

    {"format": 1,
     "recipients": {"archive": ["age1…", …, "age1…current"], "recovery": "age1…"},
     "escrow": <all archive identities, encrypted to the recovery key>,
     "custodians": {"<name>": {
         "recipient": "age1…",        the custodian key's public half
         "wrapped": <the custodian identity, age scrypt with the passphrase>,
         "keys": <all archive identities, encrypted to the custodian key>,
         "key_ids": ["age1…", …]}}}   which archive keys ``keys`` holds

Archive identities are stored only encrypted: to each custodian key (itself only wrapped by a
passphrase) and to the recovery key. The indirection is what lets :func:`rotate` give the new
archive key to every custodian without knowing their passphrases. Every piece opens with the
stock ``age`` tool, no Sviedka needed::

    jq -r .custodians.NAME.wrapped keys.json | base64 -d > me.age
    age -d -o me.key me.age                               # asks for the passphrase
    jq -r .custodians.NAME.keys keys.json | base64 -d | age -d -i me.key > archive.keys
    age -d -i archive.keys -o photo.jpg blobs/ab/cd/abcd…

Not protected: custodian names, the number of custodians and of rotations, and the public keys
are readable by anyone who can read the file. Nothing authenticates the file itself: someone who
can write it can add a recipient of their own, and blobs ingested afterwards would be encrypted to
it too; :func:`unlock` checks that the wrapped keys match the listed ones, but ingest only reads
the recipients. The passphrase's strength is the custodian's: scrypt makes each guess cost about
a second, not more.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import Conflict, DecryptionFailed, Invalid, NotFound
from .crypto import (
    DECRYPTION_FAILED,
    decrypt_identities,
    encrypt_identities,
    new_identity,
    recover_secret,
    split_secret,
    to_recipient,
    unwrap_identity,
    wrap_identity,
)

__all__ = [
    "KEYS_FILE",
    "MIN_PASSPHRASE_LENGTH",
    "Custodian",
    "KeyFile",
    "Unlocked",
    "add_custodian",
    "create_keys",
    "load_keys",
    "recover",
    "remove_custodian",
    "rotate",
    "unlock",
]

KEYS_FILE = "keys.json"
MIN_PASSPHRASE_LENGTH = 12
FORMAT = 1
_LOCK_FILE = ".keys.lock"
_MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class Custodian:
    """One person's way in: their own key pair, its identity wrapped by their passphrase."""

    name: str
    recipient: str
    wrapped: bytes = field(repr=False)
    keys: bytes = field(repr=False)
    key_ids: tuple[str, ...]


@dataclass(frozen=True)
class KeyFile:
    """The parsed ``keys.json``: public keys and encrypted identities only."""

    archive: tuple[str, ...]
    recovery: str
    escrow: bytes = field(repr=False)
    custodians: Mapping[str, Custodian]

    @property
    def current(self) -> str:
        """The archive key new blobs are encrypted to."""
        return self.archive[-1]

    @property
    def recipients(self) -> tuple[str, str]:
        """What every new blob is encrypted to: the current archive key and the recovery key."""
        return self.current, self.recovery


@dataclass(frozen=True)
class Unlocked:
    """The archive identities, decrypted for one custodian; hand ``identities`` to the vault.

    It goes stale when the keys rotate: unlock again to read blobs encrypted after that.
    """

    custodian: str
    identities: tuple[str, ...] = field(repr=False)
    key_ids: tuple[str, ...]


# --- the public operations ------------------------------------------------------------------


def create_keys(folder: Path, custodian: str, passphrase: str) -> tuple[KeyFile, list[str]]:
    """Create ``keys.json`` with a first custodian; return it and the recovery shares.

    The shares (SLIP-39, 3 of 5) are returned once and stored nowhere: print them on paper and
    give them to five different people.
    """
    _check_name(custodian)
    _check_passphrase(passphrase)
    folder = Path(folder)
    with _locked(folder):
        if (folder / KEYS_FILE).exists():
            raise Conflict(f"{folder / KEYS_FILE} already exists; an archive has one key file.")
        archive_identity, archive_recipient = new_identity()
        recovery_identity, recovery_recipient = new_identity()
        shares = split_secret(recovery_identity)
        if recover_secret(shares[:3]) != recovery_identity:  # a bad split is found now, not later
            raise AssertionError("SLIP-39 shares do not recombine")
        identities = (archive_identity,)
        keys = KeyFile(
            archive=(archive_recipient,),
            recovery=recovery_recipient,
            escrow=encrypt_identities(identities, [recovery_recipient]),
            custodians={
                custodian: _enroll(custodian, passphrase, identities, (archive_recipient,))
            },
        )
        _save(folder, keys)
    return keys, shares


def load_keys(folder: Path) -> KeyFile:
    """Read ``keys.json`` (no secret needed): :class:`NotFound` or :class:`Invalid` if it can't."""
    path = Path(folder) / KEYS_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"No key file at {path}: create the archive keys first.") from None
    return _parse(raw)


def unlock(folder: Path, custodian: str, passphrase: str) -> Unlocked:
    """Every archive identity, rotated ones included, for a custodian who knows the passphrase.

    :class:`DecryptionFailed` for an unknown name, a wrong passphrase or a damaged entry alike.
    """
    entry = load_keys(folder).custodians.get(custodian)
    if entry is None:
        raise DecryptionFailed(DECRYPTION_FAILED)
    own = unwrap_identity(entry.wrapped, passphrase)
    identities = decrypt_identities(entry.keys, [own])
    if tuple(to_recipient(identity) for identity in identities) != entry.key_ids:
        raise DecryptionFailed(DECRYPTION_FAILED)
    return Unlocked(custodian, identities, entry.key_ids)


def add_custodian(folder: Path, unlocked: Unlocked, name: str, passphrase: str) -> KeyFile:
    """Give one more person access, with their own passphrase; an existing name is a Conflict."""
    _check_name(name)
    _check_passphrase(passphrase)
    with _locked(Path(folder)):
        keys = load_keys(folder)
        _check_current(keys, unlocked)
        if name in keys.custodians:
            raise Conflict(f"There is already a custodian named {name!r}.")
        entry = _enroll(name, passphrase, unlocked.identities, keys.archive)
        keys = replace(keys, custodians={**keys.custodians, name: entry})
        _save(Path(folder), keys)
    return keys


def remove_custodian(folder: Path, name: str) -> KeyFile:
    """Take a person's access away from the key file; the last custodian cannot be removed.

    They may have kept a copy of the archive keys: :func:`rotate` afterwards so that new blobs
    use a key they never had. Old blobs stay readable with what they kept.
    """
    with _locked(Path(folder)):
        keys = load_keys(folder)
        if name not in keys.custodians:
            raise NotFound(f"There is no custodian named {name!r}.")
        if len(keys.custodians) == 1:
            raise Conflict("Refusing to remove the last custodian: add another one first.")
        remaining = {key: value for key, value in keys.custodians.items() if key != name}
        keys = replace(keys, custodians=remaining)
        _save(Path(folder), keys)
    return keys


def rotate(folder: Path, unlocked: Unlocked) -> str:
    """Start a new archive key for new blobs and give it to every custodian; return its recipient.

    Old identities are kept alongside, since old blobs are still encrypted to them (re-encrypt
    those with ``BlobStore.reencrypt`` to retire an old key for good). ``unlocked`` goes stale.
    """
    with _locked(Path(folder)):
        keys = load_keys(folder)
        _check_current(keys, unlocked)
        identity, recipient = new_identity()
        keys = _reseal(keys, (*unlocked.identities, identity), (*keys.archive, recipient))
        _save(Path(folder), keys)
    return recipient


def recover(folder: Path, shares: Sequence[str], new_custodian: str, passphrase: str) -> Unlocked:
    """Rebuild access from the paper recovery shares, for a (new or existing) custodian.

    The recovery identity opens the escrow copy of the archive identities; it is used for this
    and forgotten, never stored. A custodian of the same name gets the new passphrase (the usual
    case: a forgotten one). Blobs need no re-encryption. Consider :func:`rotate` afterwards.
    """
    _check_name(new_custodian)
    _check_passphrase(passphrase)
    with _locked(Path(folder)):
        keys = load_keys(folder)
        recovery_identity = recover_secret(shares)
        if to_recipient(recovery_identity) != keys.recovery:
            raise Invalid("These shares rebuild a key that is not this archive's recovery key.")
        identities = decrypt_identities(keys.escrow, [recovery_identity])
        if tuple(to_recipient(identity) for identity in identities) != keys.archive:
            raise DecryptionFailed(DECRYPTION_FAILED)
        entry = _enroll(new_custodian, passphrase, identities, keys.archive)
        keys = replace(keys, custodians={**keys.custodians, new_custodian: entry})
        _save(Path(folder), keys)
    return Unlocked(new_custodian, identities, keys.archive)


# --- helpers --------------------------------------------------------------------------------


def _enroll(
    name: str, passphrase: str, identities: Sequence[str], key_ids: Sequence[str]
) -> Custodian:
    own, recipient = new_identity()
    return Custodian(
        name=name,
        recipient=recipient,
        wrapped=wrap_identity(own, passphrase),
        keys=encrypt_identities(identities, [recipient]),
        key_ids=tuple(key_ids),
    )


def _reseal(keys: KeyFile, identities: Sequence[str], archive: Sequence[str]) -> KeyFile:
    """Encrypt the archive identities anew to every custodian and to the recovery key."""
    custodians = {
        name: replace(
            entry, keys=encrypt_identities(identities, [entry.recipient]), key_ids=tuple(archive)
        )
        for name, entry in keys.custodians.items()
    }
    escrow = encrypt_identities(identities, [keys.recovery])
    return replace(keys, archive=tuple(archive), escrow=escrow, custodians=custodians)


def _check_current(keys: KeyFile, unlocked: Unlocked) -> None:
    if unlocked.key_ids != keys.archive:
        raise Conflict("The archive keys changed since they were unlocked: unlock again.")


def _check_name(name: str) -> None:
    if not (0 < len(name) <= _MAX_NAME_LENGTH and name.isprintable() and name == name.strip()):
        raise Invalid(
            "A custodian name is 1 to 64 printable characters, without surrounding spaces.",
            {"custodian": "invalid name"},
        )


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise Invalid(
            f"A custodian passphrase has at least {MIN_PASSPHRASE_LENGTH} characters; "
            "several random words are easiest to remember.",
            {"passphrase": "too short"},
        )


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One key-file change at a time (read, modify, write), across processes."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(folder / _LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --- the file -------------------------------------------------------------------------------


def _save(folder: Path, keys: KeyFile) -> None:
    """Atomic replace: temp file (0600) + fsync + rename + fsync of the folder."""
    data = (json.dumps(_to_json(keys), indent=2, sort_keys=True) + "\n").encode()
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".keys.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, folder / KEYS_FILE)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _to_json(keys: KeyFile) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "recipients": {"archive": list(keys.archive), "recovery": keys.recovery},
        "escrow": _b64(keys.escrow),
        "custodians": {
            name: {
                "recipient": entry.recipient,
                "wrapped": _b64(entry.wrapped),
                "keys": _b64(entry.keys),
                "key_ids": list(entry.key_ids),
            }
            for name, entry in keys.custodians.items()
        },
    }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _parse(raw: bytes) -> KeyFile:
    try:
        data = json.loads(raw)
        return _from_json(data)
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error) as exc:
        raise Invalid(
            "The key file is damaged or not a Sviedka key file; restore it from a backup.",
            {KEYS_FILE: type(exc).__name__},
        ) from None


def _from_json(data: dict[str, Any]) -> KeyFile:
    if isinstance(data["format"], int) and data["format"] > FORMAT:
        raise Invalid(
            f"The key file has format {data['format']}, newer than this Sviedka reads "
            f"({FORMAT}): upgrade Sviedka."
        )
    if data["format"] != FORMAT:
        raise ValueError("unknown format")
    recipients = data["recipients"]
    custodians = {name: _custodian(name, entry) for name, entry in data["custodians"].items()}
    archive = _strings(recipients["archive"])
    if not archive or not custodians or not isinstance(recipients["recovery"], str):
        raise ValueError("incomplete")
    escrow = base64.b64decode(data["escrow"], validate=True)
    return KeyFile(archive, recipients["recovery"], escrow, custodians)


def _custodian(name: str, entry: dict[str, Any]) -> Custodian:
    return Custodian(
        name=name,
        recipient=str(entry["recipient"]),
        wrapped=base64.b64decode(entry["wrapped"], validate=True),
        keys=base64.b64decode(entry["keys"], validate=True),
        key_ids=_strings(entry["key_ids"]),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of strings")
    return tuple(value)
