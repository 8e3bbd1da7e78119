"""The key file: custodians, rotation, paper recovery, and the stock ``age`` path through it.

age's scrypt makes every wrap and unwrap take seconds, on purpose. So one key file is created per
module and copied for each test that changes it, and one unlock is shared.
"""

from __future__ import annotations

import base64
import io
import json
import os
import pty
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from sviedka.errors import Conflict, DecryptionFailed, Invalid, NotFound
from sviedka.vault import crypto
from sviedka.vault.keys import (
    KEYS_FILE,
    KeyFile,
    Unlocked,
    add_custodian,
    create_keys,
    load_keys,
    recover,
    remove_custodian,
    rotate,
    unlock,
)

PASSPHRASE = "alice's long passphrase"
OTHER_PASSPHRASE = "bob has another one, longer"
AGE = shutil.which("age") or "/usr/bin/age"

Created = tuple[Path, KeyFile, list[str]]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Created:
    folder = tmp_path_factory.mktemp("keys")
    keys, shares = create_keys(folder, "alice", PASSPHRASE)
    return folder, keys, shares


@pytest.fixture(scope="module")
def alice(pristine: Created) -> Unlocked:
    return unlock(pristine[0], "alice", PASSPHRASE)


@pytest.fixture
def folder(pristine: Created, tmp_path: Path) -> Path:
    """A private copy of the module's key file, to change."""
    return Path(shutil.copytree(pristine[0], tmp_path / "keys"))


def encrypt(plaintext: bytes, recipients: tuple[str, ...] | list[str]) -> bytes:
    out = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(plaintext), out, list(recipients))
    return out.getvalue()


def decrypt(ciphertext: bytes, identities: tuple[str, ...]) -> bytes:
    out = io.BytesIO()
    crypto.decrypt_stream(io.BytesIO(ciphertext), out, identities)
    return out.getvalue()


def test_the_key_file_is_private_and_holds_no_secret(pristine: Created) -> None:
    folder, keys, shares = pristine
    path = folder / KEYS_FILE
    text = path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "AGE-SECRET-KEY" not in text.upper() and PASSPHRASE not in text
    # A leaked share shows as consecutive words; single short words occur in base64 by chance.
    assert all(" ".join(share.split()[4:7]) not in text for share in shares)
    data = json.loads(text)
    assert data["format"] == 1
    assert data["recipients"] == {"archive": [keys.current], "recovery": keys.recovery}
    assert set(data["custodians"]) == {"alice"}
    assert set(data["custodians"]["alice"]) == {"recipient", "wrapped", "keys", "key_ids"}
    assert sorted(p.name for p in folder.iterdir()) == [".keys.lock", KEYS_FILE]


def test_new_blobs_go_to_the_current_archive_key_and_the_recovery_key(pristine: Created) -> None:
    _, keys, _ = pristine
    assert keys.recipients == (keys.archive[-1], keys.recovery)
    assert load_keys(pristine[0]) == keys


def test_unlock_gives_the_archive_identity_and_hides_it_from_repr(
    pristine: Created, alice: Unlocked
) -> None:
    assert [crypto.to_recipient(identity) for identity in alice.identities] == [pristine[1].current]
    assert alice.key_ids == pristine[1].archive
    assert "AGE-SECRET-KEY" not in repr(alice)


def test_wrong_passphrase_and_unknown_custodian_fail_alike(pristine: Created) -> None:
    with pytest.raises(DecryptionFailed) as wrong:
        unlock(pristine[0], "alice", "alice's long passphrasE")
    with pytest.raises(DecryptionFailed) as unknown:
        unlock(pristine[0], "mallory", PASSPHRASE)
    assert str(wrong.value) == str(unknown.value)
    assert "long passphras" not in str(wrong.value) + repr(wrong.value)
    assert "alice" not in str(wrong.value) and "AGE-SECRET" not in str(wrong.value)


def test_creating_keys_twice_is_a_conflict(pristine: Created) -> None:
    before = (pristine[0] / KEYS_FILE).read_bytes()
    with pytest.raises(Conflict):
        create_keys(pristine[0], "bob", OTHER_PASSPHRASE)
    assert (pristine[0] / KEYS_FILE).read_bytes() == before


@pytest.mark.parametrize(
    "name,passphrase",
    [("alice", "hunter2"), ("", PASSPHRASE), (" alice", PASSPHRASE), ("a\nb", PASSPHRASE)],
)
def test_short_passphrases_and_bad_names_are_invalid(
    tmp_path: Path, name: str, passphrase: str
) -> None:
    with pytest.raises(Invalid) as caught:
        create_keys(tmp_path, name, passphrase)
    assert passphrase not in str(caught.value)
    assert not (tmp_path / KEYS_FILE).exists()


def test_custodians_rotation_and_removal_over_a_key_file_life(
    folder: Path, alice: Unlocked
) -> None:
    old_blob = encrypt(b"before rotation", load_keys(folder).recipients)
    add_custodian(folder, alice, "bob", OTHER_PASSPHRASE)
    new_recipient = rotate(folder, alice)  # alice rotates; bob never typed his passphrase again
    keys = load_keys(folder)
    assert keys.archive == (*alice.key_ids, new_recipient) and keys.current == new_recipient
    new_blob = encrypt(b"after rotation", keys.recipients)
    remove_custodian(folder, "alice")
    bob = unlock(folder, "bob", OTHER_PASSPHRASE)
    assert bob.key_ids == keys.archive and bob.identities[0] == alice.identities[0]
    assert decrypt(old_blob, bob.identities) == b"before rotation"
    assert decrypt(new_blob, bob.identities) == b"after rotation"
    with pytest.raises(DecryptionFailed):
        decrypt(new_blob, alice.identities)  # the stale unlock never had the new key
    with pytest.raises(DecryptionFailed):
        unlock(folder, "alice", PASSPHRASE)
    assert stat.S_IMODE((folder / KEYS_FILE).stat().st_mode) == 0o600


def test_a_stale_unlock_can_neither_rotate_nor_add(folder: Path, alice: Unlocked) -> None:
    rotate(folder, alice)
    with pytest.raises(Conflict):
        rotate(folder, alice)
    with pytest.raises(Conflict):
        add_custodian(folder, alice, "bob", OTHER_PASSPHRASE)


def test_an_existing_name_is_a_conflict(folder: Path, alice: Unlocked) -> None:
    with pytest.raises(Conflict):
        add_custodian(folder, alice, "alice", OTHER_PASSPHRASE)


def test_the_last_custodian_cannot_be_removed(folder: Path) -> None:
    with pytest.raises(Conflict):
        remove_custodian(folder, "alice")
    with pytest.raises(NotFound):
        remove_custodian(folder, "nobody")
    assert set(load_keys(folder).custodians) == {"alice"}


def test_recovery_shares_restore_access_under_a_new_passphrase(
    folder: Path, pristine: Created, alice: Unlocked
) -> None:
    shares = pristine[2]
    recovered = recover(
        folder, [shares[4], shares[0], shares[2]], "alice", "a brand new passphrase"
    )
    assert recovered.identities == alice.identities
    assert unlock(folder, "alice", "a brand new passphrase").identities == alice.identities
    assert "AGE-SECRET-KEY" not in (folder / KEYS_FILE).read_text()


def test_recovery_refuses_too_few_shares_and_another_archives_shares(
    folder: Path, pristine: Created
) -> None:
    with pytest.raises(Invalid) as few:
        recover(folder, pristine[2][:2], "carol", "carol's long passphrase")
    assert "needs 3" in str(few.value)
    foreign = crypto.split_secret(crypto.new_identity()[0])
    with pytest.raises(Invalid) as other:
        recover(folder, foreign[:3], "carol", "carol's long passphrase")
    assert "not this archive's recovery key" in str(other.value)
    assert set(load_keys(folder).custodians) == {"alice"}


def test_every_blob_opens_with_the_recovery_identity_alone(pristine: Created) -> None:
    _, keys, shares = pristine
    blob = encrypt(b"for the court", keys.recipients)
    assert decrypt(blob, (crypto.recover_secret(shares[2:]),)) == b"for the court"


def test_a_failed_write_keeps_the_old_key_file(
    folder: Path, alice: Unlocked, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (folder / KEYS_FILE).read_bytes()

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        rotate(folder, alice)
    assert (folder / KEYS_FILE).read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [".keys.lock", KEYS_FILE]


def test_missing_damaged_and_newer_key_files(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        load_keys(tmp_path)
    (tmp_path / KEYS_FILE).write_text('{"format": 1, "recipients": []}')
    with pytest.raises(Invalid) as damaged:
        load_keys(tmp_path)
    assert "damaged" in str(damaged.value)
    (tmp_path / KEYS_FILE).write_text('{"format": 2}')
    with pytest.raises(Invalid) as newer:
        load_keys(tmp_path)
    assert "format 2" in str(newer.value)


@pytest.mark.skipif(not Path(AGE).exists(), reason="Debian age missing")
def test_stock_age_opens_every_layer_of_the_key_file(pristine: Created, tmp_path: Path) -> None:
    folder, keys, _ = pristine
    entry = json.loads((folder / KEYS_FILE).read_text())["custodians"]["alice"]
    (tmp_path / "me.age").write_bytes(base64.b64decode(entry["wrapped"]))
    (tmp_path / "keys.age").write_bytes(base64.b64decode(entry["keys"]))
    (tmp_path / "blob.age").write_bytes(encrypt(b"photo bytes", keys.recipients))
    me, archive = str(tmp_path / "me.key"), str(tmp_path / "archive.keys")
    assert age_with_passphrase(["-d", "-o", me, str(tmp_path / "me.age")], PASSPHRASE) == 0
    subprocess.run([AGE, "-d", "-i", me, "-o", archive, str(tmp_path / "keys.age")], check=True)
    command = [AGE, "-d", "-i", archive, str(tmp_path / "blob.age")]
    assert subprocess.run(command, capture_output=True, check=True).stdout == b"photo bytes"


def age_with_passphrase(args: list[str], passphrase: str) -> int:
    """Run ``age`` on a pseudo-terminal (it reads passphrases only from one) and type one."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(AGE, ["age", *args])
    seen = b""
    while b"passphrase" not in seen.lower():
        seen += os.read(fd, 1024)
    os.write(fd, passphrase.encode() + b"\n")
    with pytest.raises(OSError):  # EIO once age exits and the pty closes
        while os.read(fd, 1024):
            pass
    os.close(fd)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
