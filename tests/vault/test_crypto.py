"""The age recipes: identities, passphrase wrapping, streams, SLIP-39 recovery.

Interoperability is checked against the Debian ``age`` binary (``make system-deps``), which must
open what we write without our code. age reads passphrases only from a terminal, so those tests
drive it through a pseudo-terminal.
"""

from __future__ import annotations

import errno
import hashlib
import io
import itertools
import os
import pty
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from sviedka.errors import DecryptionFailed, Invalid
from sviedka.vault import crypto

AGE = shutil.which("age") or "/usr/bin/age"
PASSPHRASE = "correct horse battery staple"
CHUNK = 64 * 1024
needs_age = pytest.mark.skipif(not Path(AGE).exists(), reason="Debian age missing")


def age_with_passphrase(args: list[str], passphrase: str) -> int:
    """Run ``age`` on a pseudo-terminal, type the passphrase at its prompt, return its status."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes age, with the pty as its controlling terminal
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


def encrypt(plaintext: bytes, recipients: list[str]) -> bytes:
    out = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(plaintext), out, recipients)
    return out.getvalue()


def decrypt(ciphertext: bytes, identities: list[str]) -> bytes:
    out = io.BytesIO()
    crypto.decrypt_stream(io.BytesIO(ciphertext), out, identities)
    return out.getvalue()


class FullDisk(io.RawIOBase):
    """A sink that accepts ``limit`` bytes, then fails like a full disk."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.written + len(data) > self.limit:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.written += len(data)
        return len(data)


# --- identities and wrapping ---


def test_new_identity_is_an_age_key_pair() -> None:
    identity, recipient = crypto.new_identity()
    assert identity.startswith("AGE-SECRET-KEY-1") and len(identity) == 74
    assert recipient.startswith("age1") and crypto.to_recipient(identity) == recipient


@pytest.fixture(scope="module")
def wrapped() -> tuple[str, bytes]:
    """One identity wrapped once: age's scrypt takes seconds, by design."""
    identity, _ = crypto.new_identity()
    return identity, crypto.wrap_identity(identity, PASSPHRASE)


def test_wrapped_identity_unwraps_with_the_passphrase(wrapped: tuple[str, bytes]) -> None:
    identity, blob = wrapped
    assert blob.startswith(b"age-encryption.org/v1\n-> scrypt ")
    assert identity.encode() not in blob
    assert crypto.unwrap_identity(blob, PASSPHRASE) == identity


def test_wrong_passphrase_is_one_opaque_error_that_reveals_nothing(
    wrapped: tuple[str, bytes],
) -> None:
    identity, blob = wrapped
    with pytest.raises(DecryptionFailed) as caught:
        crypto.unwrap_identity(blob, "correct horse battery stapler")
    text = str(caught.value) + repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    for secret in (PASSPHRASE, "stapler", identity, identity[16:40]):
        assert secret not in text


def test_damaged_wrapped_identity_is_the_same_opaque_error(wrapped: tuple[str, bytes]) -> None:
    _, blob = wrapped
    with pytest.raises(DecryptionFailed) as caught:
        crypto.unwrap_identity(_flip(blob, 3), PASSPHRASE)
    assert str(caught.value) == crypto.DECRYPTION_FAILED


def test_empty_passphrase_is_refused() -> None:
    with pytest.raises(Invalid):
        crypto.wrap_identity(crypto.new_identity()[0], "")


@needs_age
def test_stock_age_unwraps_the_identity_with_the_passphrase(
    tmp_path: Path, wrapped: tuple[str, bytes]
) -> None:
    identity, blob = wrapped
    (tmp_path / "wrapped.age").write_bytes(blob)
    (tmp_path / "blob.age").write_bytes(encrypt(b"evidence", [crypto.to_recipient(identity)]))
    args = ["-d", "-o", str(tmp_path / "key.txt"), str(tmp_path / "wrapped.age")]
    assert age_with_passphrase(args, PASSPHRASE) == 0
    assert (tmp_path / "key.txt").read_text().strip() == identity
    command = [AGE, "-d", "-i", str(tmp_path / "key.txt"), str(tmp_path / "blob.age")]
    assert subprocess.run(command, capture_output=True, check=True).stdout == b"evidence"


def test_identity_files_hold_several_identities_in_order() -> None:
    identities = [crypto.new_identity()[0] for _ in range(3)]
    owner, recipient = crypto.new_identity()
    blob = crypto.encrypt_identities(identities, [recipient])
    assert crypto.decrypt_identities(blob, [owner]) == tuple(identities)
    with pytest.raises(DecryptionFailed):
        crypto.decrypt_identities(blob, [crypto.new_identity()[0]])


def test_malformed_keys_are_invalid_and_never_echoed() -> None:
    secret_looking = "AGE-SECRET-KEY-1NOTAREALKEYBUTSECRETLOOKING"
    for call in (
        lambda: crypto.to_recipient(secret_looking),
        lambda: encrypt(b"x", ["age1notarecipient"]),
        lambda: decrypt(b"x", [secret_looking]),
        lambda: encrypt(b"x", []),
    ):
        with pytest.raises(Invalid) as caught:
            call()
        assert "NOTAREAL" not in str(caught.value) and "age1notarecipient" not in str(caught.value)


# --- streams ---


def test_stream_round_trip_returns_the_plaintext_hash_and_size() -> None:
    identity, recipient = crypto.new_identity()
    plaintext = random.Random(1).randbytes(3 * CHUNK + 17)
    out = io.BytesIO()
    digest, size = crypto.encrypt_stream(io.BytesIO(plaintext), out, [recipient])
    assert (digest, size) == (hashlib.sha256(plaintext).hexdigest(), len(plaintext))
    back = io.BytesIO()
    assert crypto.decrypt_stream(io.BytesIO(out.getvalue()), back, [identity]) == (digest, size)
    assert back.getvalue() == plaintext


def test_every_recipient_can_decrypt() -> None:
    pairs = [crypto.new_identity() for _ in range(3)]
    ciphertext = encrypt(b"one file, three keys", [r for _, r in pairs])
    assert {decrypt(ciphertext, [i]) for i, _ in pairs} == {b"one file, three keys"}


def test_wrong_identity_is_decryption_failed() -> None:
    _, recipient = crypto.new_identity()
    with pytest.raises(DecryptionFailed):
        decrypt(encrypt(b"secret", [recipient]), [crypto.new_identity()[0]])


@pytest.mark.parametrize(
    "damage",
    [
        "flip a byte in the body",
        "flip a byte in the header",
        "cut at a chunk boundary",
        "cut inside a chunk",
        "cut the last byte",
        "keep only the header",
        "append a byte",
        "empty",
    ],
)
def test_damaged_or_truncated_ciphertext_is_decryption_failed(damage: str) -> None:
    identity, recipient = crypto.new_identity()
    ciphertext = encrypt(random.Random(2).randbytes(3 * CHUNK), [recipient])
    header = len(ciphertext) - 3 * (CHUNK + 16)
    damaged = {
        "flip a byte in the body": _flip(ciphertext, header + CHUNK + 5),
        "flip a byte in the header": _flip(ciphertext, 40),
        "cut at a chunk boundary": ciphertext[: header + 2 * (CHUNK + 16)],
        "cut inside a chunk": ciphertext[: header + 100],
        "cut the last byte": ciphertext[:-1],
        "keep only the header": ciphertext[:header],
        "append a byte": ciphertext + b"\0",
        "empty": b"",
    }[damage]
    with pytest.raises(DecryptionFailed) as caught:
        decrypt(damaged, [identity])
    assert str(caught.value) == crypto.DECRYPTION_FAILED


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]


@pytest.mark.parametrize(
    "size,limit", [(100, 50), (100, 0), (5 * CHUNK, 2 * CHUNK), (CHUNK, CHUNK)]
)
def test_a_full_disk_is_raised_even_on_the_last_buffered_write(size: int, limit: int) -> None:
    # pyrage 1.4 ignores errors of its final flush; a small file is written only by that flush
    _, recipient = crypto.new_identity()
    with pytest.raises(OSError) as caught:
        crypto.encrypt_stream(io.BytesIO(bytes(size)), FullDisk(limit), [recipient])
    assert caught.value.errno == errno.ENOSPC


def test_a_full_disk_while_decrypting_is_not_a_decryption_failure() -> None:
    identity, recipient = crypto.new_identity()
    ciphertext = encrypt(bytes(100), [recipient])
    with pytest.raises(OSError) as caught:
        crypto.decrypt_stream(io.BytesIO(ciphertext), FullDisk(10), [identity])
    assert caught.value.errno == errno.ENOSPC and not isinstance(caught.value, DecryptionFailed)


def test_a_failing_source_is_raised_as_is() -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            raise OSError(errno.EIO, "Input/output error")

    with pytest.raises(OSError) as caught:
        crypto.encrypt_stream(Broken(), io.BytesIO(), [crypto.new_identity()[1]])
    assert caught.value.errno == errno.EIO


def test_reencrypt_stream_moves_a_file_to_new_recipients() -> None:
    old, old_recipient = crypto.new_identity()
    new, new_recipient = crypto.new_identity()
    plaintext = random.Random(3).randbytes(40 * CHUNK + 3)
    out = io.BytesIO()
    digest, size = crypto.reencrypt_stream(
        io.BytesIO(encrypt(plaintext, [old_recipient])), out, [old], [new_recipient]
    )
    assert (digest, size) == (hashlib.sha256(plaintext).hexdigest(), len(plaintext))
    assert decrypt(out.getvalue(), [new]) == plaintext
    with pytest.raises(DecryptionFailed):
        decrypt(out.getvalue(), [old])


def test_reencrypt_stream_with_the_wrong_identity_is_decryption_failed() -> None:
    _, recipient = crypto.new_identity()
    ciphertext = encrypt(bytes(10 * CHUNK), [recipient])
    with pytest.raises(DecryptionFailed):
        crypto.reencrypt_stream(
            io.BytesIO(ciphertext), io.BytesIO(), [crypto.new_identity()[0]], [recipient]
        )


def test_reencrypt_stream_stops_both_sides_on_a_full_disk() -> None:
    identity, recipient = crypto.new_identity()
    ciphertext = encrypt(bytes(64 * CHUNK), [recipient])
    with pytest.raises(OSError) as caught:
        crypto.reencrypt_stream(
            io.BytesIO(ciphertext), FullDisk(3 * CHUNK), [identity], [recipient]
        )
    assert caught.value.errno == errno.ENOSPC


# --- SLIP-39 recovery ---


def test_any_three_of_five_shares_rebuild_the_identity() -> None:
    identity, _ = crypto.new_identity()
    shares = crypto.split_secret(identity)
    assert len(shares) == 5 and {len(share.split()) for share in shares} == {33}
    for chosen in itertools.combinations(shares, 3):
        assert crypto.recover_secret(list(chosen)) == identity


def test_recovery_tolerates_case_spacing_repeats_and_extra_shares() -> None:
    identity, _ = crypto.new_identity()
    shares = crypto.split_secret(identity)
    messy = ["  " + shares[4].upper().replace(" ", "   "), shares[1], shares[1], *shares[2:4]]
    assert crypto.recover_secret(messy) == identity


def test_two_shares_are_refused_naming_the_count() -> None:
    shares = crypto.split_secret(crypto.new_identity()[0])
    with pytest.raises(Invalid) as caught:
        crypto.recover_secret(shares[:2])
    assert str(caught.value) == "2 distinct share(s) given; this set needs 3."


def test_a_mistyped_word_is_named_by_position_not_quoted() -> None:
    shares = crypto.split_secret(crypto.new_identity()[0])
    words = shares[1].split()
    words[6] = "zebrafish"
    with pytest.raises(Invalid) as caught:
        crypto.recover_secret([shares[0], " ".join(words), shares[2]])
    assert caught.value.errors == {"share 2": "word 7 not in the SLIP-39 word list"}
    # The whole message is fixed text: no word of any share can be in it (a substring test on
    # random share words failed whenever one happened to occur inside the template).
    assert str(caught.value) == (
        "Some recovery shares are not valid SLIP-39 shares; re-type them.\n"
        "  share 2: word 7 not in the SLIP-39 word list"
    )


def test_swapped_words_fail_the_checksum() -> None:
    shares = crypto.split_secret(crypto.new_identity()[0])
    words = shares[0].split()
    words[10], words[11] = words[11], words[10]
    assert words != shares[0].split()
    with pytest.raises(Invalid) as caught:
        crypto.recover_secret([" ".join(words), *shares[1:3]])
    assert caught.value.errors == {
        "share 1": "fails its checksum: a word is mistyped, or two are swapped"
    }


def test_shares_of_two_different_sets_are_refused() -> None:
    ours = crypto.split_secret(crypto.new_identity()[0])
    theirs = crypto.split_secret(crypto.new_identity()[0])
    with pytest.raises(Invalid) as caught:
        crypto.recover_secret([ours[0], ours[1], theirs[2]])
    assert "different recovery sets" in str(caught.value)


def test_no_shares_or_a_one_of_n_split_are_refused() -> None:
    with pytest.raises(Invalid):
        crypto.recover_secret([])
    with pytest.raises(Invalid):
        crypto.split_secret(crypto.new_identity()[0], threshold=1, shares=5)
    with pytest.raises(Invalid):
        crypto.split_secret(crypto.new_identity()[0], threshold=4, shares=3)


def test_split_and_recover_work_for_other_thresholds() -> None:
    identity, _ = crypto.new_identity()
    shares = crypto.split_secret(identity, threshold=2, shares=3)
    assert crypto.recover_secret([shares[2], shares[0]]) == identity
