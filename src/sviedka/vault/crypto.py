"""High-level age recipes for the vault: keys, passphrase wrapping, streams, paper recovery.

Everything here produces or reads the published age format (https://age-encryption.org/v1), so the
stock ``age`` tool opens it without Sviedka: ``age -d -i identities.txt blob`` for evidence,
``age -d wrapped.age`` (it asks for the passphrase) for a wrapped identity. There are no options and
no primitives: X25519 recipients, ChaCha20-Poly1305 in 64 KiB chunks, scrypt for passphrases, all
chosen by age.

Every decryption failure is one opaque :class:`~sviedka.errors.DecryptionFailed`, whatever the
cause (wrong key or passphrase, damaged or truncated data), and no message here ever contains a
passphrase, an identity, a recovery share or plaintext.

Not protected: the plaintext size (age adds 16 bytes per 64 KiB chunk and a header of about 200
bytes per recipient), the number of recipients (one header stanza each), and anything the caller
keeps outside the ciphertext, such as file names and timestamps. Python strings holding identities
or passphrases cannot be wiped from memory.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyrage
import shamir_mnemonic
from pyrage import passphrase as age_passphrase
from pyrage import x25519
from shamir_mnemonic.wordlist import WORD_INDEX_MAP

from ..errors import DecryptionFailed, Invalid, Unavailable

if TYPE_CHECKING:
    from _typeshed import SupportsRead, SupportsWrite

__all__ = [
    "decrypt_identities",
    "decrypt_stream",
    "encrypt_identities",
    "encrypt_stream",
    "new_identity",
    "recover_secret",
    "reencrypt_stream",
    "split_secret",
    "to_recipient",
    "unwrap_identity",
    "wrap_identity",
]

DECRYPTION_FAILED = (
    "Decryption failed: the key or passphrase is wrong, or the encrypted data is damaged. "
    "Check the passphrase; if it is right, run `sviedka verify` on the archive."
)
SLOW_MACHINE = (
    "This machine is too slow or too busy right now to unlock the key (age limits the work of "
    "its passphrase protection). Try again when it is less busy, or on a faster machine."
)
_IDENTITY_FILE_HEADER = "# age identities of a Sviedka archive, oldest first\n"
_MAX_SHARES = 16  # SLIP-39's limit per group


# --- identities -----------------------------------------------------------------------------


def new_identity() -> tuple[str, str]:
    """A fresh X25519 key pair: ``("AGE-SECRET-KEY-1…", "age1…")``."""
    identity = x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def to_recipient(identity: str) -> str:
    """The public ``age1…`` recipient of an identity."""
    return str(_parse_identity(identity, "identity").to_public())


def wrap_identity(identity: str, passphrase: str) -> bytes:
    """Encrypt an identity with age's scrypt passphrase mode.

    The result is a binary age file whose plaintext is an identity file (one line), so
    ``age -d wrapped.age > key.txt`` followed by ``age -d -i key.txt …`` works without Sviedka.
    scrypt is tuned by age to take about a second here, and as long to try each wrong guess.
    """
    _parse_identity(identity, "identity")
    if not passphrase:
        raise Invalid("The passphrase is empty.", {"passphrase": "must not be empty"})
    return bytes(age_passphrase.encrypt(f"{identity}\n".encode(), passphrase))


def unwrap_identity(blob: bytes, passphrase: str) -> str:
    """The identity inside :func:`wrap_identity`'s output; :class:`DecryptionFailed` otherwise."""
    try:
        text = bytes(age_passphrase.decrypt(blob, passphrase)).decode("ascii")
    except Exception as exc:  # pyrage raises several types; the policy is one opaque error
        if "Excessive work" in str(exc):
            # age refuses scrypt work it estimates would take too long on this machine now
            # (slow or busy); saying so reveals nothing about the passphrase.
            raise Unavailable(SLOW_MACHINE) from None
        raise DecryptionFailed(DECRYPTION_FAILED) from None
    identities = _identity_lines(text)
    if len(identities) != 1:
        raise DecryptionFailed(DECRYPTION_FAILED)
    return identities[0]


def encrypt_identities(identities: Sequence[str], recipients: Sequence[str]) -> bytes:
    """An age identity file (one identity a line, oldest first) encrypted to ``recipients``.

    Decrypted with ``age -d``, it is directly usable as ``age -d -i``'s identity file.
    """
    for index, identity in enumerate(identities):
        _parse_identity(identity, f"identities[{index}]")
    text = _IDENTITY_FILE_HEADER + "".join(f"{identity}\n" for identity in identities)
    return bytes(pyrage.encrypt(text.encode("ascii"), _parse_recipients(recipients)))


def decrypt_identities(blob: bytes, identities: Sequence[str]) -> tuple[str, ...]:
    """The identities inside :func:`encrypt_identities`' output, in order."""
    parsed = _parse_identities(identities)
    try:
        text = bytes(pyrage.decrypt(blob, parsed)).decode("ascii")
    except Exception:  # see unwrap_identity
        raise DecryptionFailed(DECRYPTION_FAILED) from None
    found = _identity_lines(text)
    if not found:
        raise DecryptionFailed(DECRYPTION_FAILED)
    return found


def _identity_lines(text: str) -> tuple[str, ...]:
    """Identities of an age identity file; a line that is not one means the data is bad."""
    lines = [line.strip() for line in text.splitlines()]
    found = tuple(line for line in lines if line and not line.startswith("#"))
    for line in found:
        try:
            x25519.Identity.from_str(line)
        except Exception:
            raise DecryptionFailed(DECRYPTION_FAILED) from None
    return found


def _parse_identity(identity: str, where: str) -> Any:
    try:
        return x25519.Identity.from_str(identity)
    except Exception:  # the library's message may quote the key: never pass it on
        raise Invalid(
            "Not an age X25519 identity (AGE-SECRET-KEY-1…).", {where: "not a valid identity"}
        ) from None


def _parse_identities(identities: Sequence[str]) -> list[Any]:
    if isinstance(identities, str) or not identities:
        raise Invalid("At least one identity is needed.", {"identities": "empty"})
    return [_parse_identity(item, f"identities[{i}]") for i, item in enumerate(identities)]


def _parse_recipients(recipients: Sequence[str]) -> list[Any]:
    if isinstance(recipients, str) or not recipients:
        raise Invalid("At least one recipient is needed.", {"recipients": "empty"})
    parsed = []
    for index, recipient in enumerate(dict.fromkeys(recipients)):
        try:
            parsed.append(x25519.Recipient.from_str(recipient))
        except Exception:
            raise Invalid(
                "Not an age X25519 recipient (age1…).", {f"recipients[{index}]": "not valid"}
            ) from None
    return parsed


# --- streams --------------------------------------------------------------------------------


class _Tap:
    """What pyrage reads from or writes to: hashes and counts what passes, keeps the first error.

    Keeping the error matters twice: pyrage wraps it into its own exception type (we re-raise
    the original, so a full disk stays ``OSError(ENOSPC)``), and pyrage 1.4 *drops* an error
    raised while it flushes its last buffered write (Rust ``BufWriter`` on drop), reporting
    success. The sticky error is how that lost write is still noticed.
    """

    def __init__(self, stream: Any, *, hashing: bool) -> None:
        self._stream = stream
        self._digest = hashlib.sha256() if hashing else None
        self.size = 0
        self.error: BaseException | None = None

    def hexdigest(self) -> str:
        assert self._digest is not None
        return self._digest.hexdigest()

    def read(self, size: int = -1) -> bytes:
        try:
            data: bytes = self._stream.read(size)
        except BaseException as exc:
            self.error = exc
            raise
        if self._digest is not None:
            self._digest.update(data)
        self.size += len(data)
        return data

    def write(self, data: bytes) -> int:
        if self.error is not None:
            raise self.error
        try:
            self._stream.write(data)
        except BaseException as exc:
            self.error = exc
            raise
        if self._digest is not None:
            self._digest.update(data)
        self.size += len(data)
        return len(data)


def _raise_stream_error(*taps: _Tap) -> None:
    """Re-raise an I/O error that happened on our side of pyrage (it is not a crypto failure)."""
    for tap in taps:
        if tap.error is not None:
            raise tap.error


def encrypt_stream(
    src: SupportsRead[bytes], dst: SupportsWrite[bytes], recipients: Sequence[str]
) -> tuple[str, int]:
    """Encrypt ``src`` to every recipient into ``dst`` in one pass, in constant memory.

    Returns the SHA-256 (hex) and size of the plaintext, hashed while it is read, so the source
    is read once. pyrage reads 8 KiB at a time and writes whole 64 KiB age chunks; memory does not
    grow with the size (measured: about 2 MB more peak RSS for 512 MiB, none more for 1 GiB). On
    error ``dst`` holds a partial ciphertext the caller must discard; an I/O error of ``src`` or
    ``dst`` is re-raised as is.
    """
    return _encrypt(src, dst, _parse_recipients(recipients))


def _encrypt(
    src: SupportsRead[bytes], dst: SupportsWrite[bytes], recipients: list[Any]
) -> tuple[str, int]:
    reader, writer = _Tap(src, hashing=True), _Tap(dst, hashing=False)
    try:
        pyrage.encrypt_io(reader, writer, recipients)
    except Exception:
        _raise_stream_error(reader, writer)
        raise
    _raise_stream_error(reader, writer)
    return reader.hexdigest(), reader.size


def decrypt_stream(
    src: SupportsRead[bytes], dst: SupportsWrite[bytes], identities: Sequence[str]
) -> tuple[str, int]:
    """Decrypt ``src`` into ``dst`` with any of ``identities``, in one pass, in constant memory.

    Returns the SHA-256 (hex) and size of the plaintext written, for the caller to check against
    what it expects. age authenticates each 64 KiB chunk as it goes, so on
    :class:`DecryptionFailed` ``dst`` may already hold the authentic chunks before the damage:
    discard it. An I/O error of ``src`` or ``dst`` is re-raised as is, not as a decryption failure.
    """
    parsed = _parse_identities(identities)
    reader, writer = _Tap(src, hashing=False), _Tap(dst, hashing=True)
    try:
        pyrage.decrypt_io(reader, writer, parsed)
    except Exception:
        _raise_stream_error(reader, writer)
        raise DecryptionFailed(DECRYPTION_FAILED) from None
    _raise_stream_error(reader, writer)
    return writer.hexdigest(), writer.size


def reencrypt_stream(
    src: SupportsRead[bytes],
    dst: SupportsWrite[bytes],
    identities: Sequence[str],
    recipients: Sequence[str],
) -> tuple[str, int]:
    """Decrypt ``src`` and encrypt it again to ``recipients``, plaintext never leaving memory.

    A second thread decrypts into a small bounded in-memory pipe (at most ~1 MiB of plaintext)
    that the encryption reads from. Returns the plaintext's SHA-256 and size. On any error
    ``dst`` holds a partial ciphertext the caller must discard.
    """
    parsed = _parse_recipients(recipients)
    _parse_identities(identities)
    pipe = _Pipe()
    failure: list[BaseException] = []
    thread = threading.Thread(
        target=_decrypt_into, args=(src, pipe, identities, failure), daemon=True
    )
    thread.start()
    try:
        digest = _encrypt(pipe, dst, parsed)
    finally:
        pipe.abort()
        thread.join()
    if failure:
        raise failure[0]
    return digest


def _decrypt_into(
    src: SupportsRead[bytes], pipe: _Pipe, identities: Sequence[str], failure: list[BaseException]
) -> None:
    try:
        decrypt_stream(src, pipe, identities)
    except BaseException as exc:  # handed to the calling thread
        failure.append(exc)
    finally:
        pipe.close()


class _Pipe:
    """A bounded in-memory pipe between two threads (a file-like reader and writer).

    Both sides block when it is full or empty, which releases the GIL: pyrage holds the GIL while
    it works, so blocking is what lets the other thread run.
    """

    def __init__(self, limit: int = 16) -> None:
        self._chunks: deque[bytes] = deque()
        self._limit = limit
        self._ready = threading.Condition()
        self._closed = False
        self._aborted = False
        self._current = b""
        self._offset = 0

    def write(self, data: bytes) -> int:
        with self._ready:
            while len(self._chunks) >= self._limit and not self._aborted:
                self._ready.wait()
            if self._aborted:
                raise BrokenPipeError("the reading side stopped")
            self._chunks.append(bytes(data))
            self._ready.notify_all()
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if self._offset >= len(self._current) and not self._next_chunk():
            return b""
        end = len(self._current) if size < 0 else self._offset + size
        data = self._current[self._offset : end]
        self._offset += len(data)
        return data

    def _next_chunk(self) -> bool:
        with self._ready:
            while not self._chunks and not self._closed:
                self._ready.wait()
            if not self._chunks:
                return False
            self._current, self._offset = self._chunks.popleft(), 0
            self._ready.notify_all()
        return True

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def abort(self) -> None:
        with self._ready:
            self._aborted = True
            self._chunks.clear()
            self._ready.notify_all()


# --- paper recovery (SLIP-39) ---------------------------------------------------------------


def split_secret(identity: str, threshold: int = 3, shares: int = 5) -> list[str]:
    """Split an identity into SLIP-39 mnemonics (33 words each), any ``threshold`` of which
    rebuild it with :func:`recover_secret` or any SLIP-39 tool.

    The secret is the identity's 32-byte X25519 key; SLIP-39 is used without its passphrase.
    A 1-of-n split is refused: every sheet would then be the whole key.
    """
    if not 2 <= threshold <= shares <= _MAX_SHARES:
        raise Invalid(
            f"A recovery split needs 2 ≤ threshold ≤ shares ≤ {_MAX_SHARES}.",
            {"threshold": str(threshold), "shares": str(shares)},
        )
    secret = _identity_bytes(identity)
    groups = shamir_mnemonic.generate_mnemonics(1, [(threshold, shares)], secret)
    return [str(mnemonic) for mnemonic in groups[0]]


def recover_secret(mnemonics: Sequence[str]) -> str:
    """Rebuild the identity from enough SLIP-39 shares; :class:`Invalid` names what is wrong.

    Problems are named by share number (1 = the first given) and word position, never by quoting
    a share: too few shares, shares from different sets, a word not in the list, a failed
    checksum (a mistyped or swapped word).
    """
    if isinstance(mnemonics, str) or not mnemonics:
        raise Invalid("No recovery shares were given.", {"shares": "empty"})
    shares = _parse_shares(mnemonics)
    chosen = _choose_shares(shares)
    try:
        secret = shamir_mnemonic.combine_mnemonics([share.mnemonic() for share in chosen])
    except shamir_mnemonic.MnemonicError:  # its messages quote words; say it our way
        raise Invalid(
            "The shares do not combine: one of them is probably from another set or mistyped in "
            "a way its checksum did not catch. Try another combination of shares."
        ) from None
    if len(secret) != 32:
        raise Invalid("The shares rebuild a secret that is not an age key (32 bytes).")
    return _identity_string(secret)


def _parse_shares(mnemonics: Sequence[str]) -> list[Any]:
    shares, problems = [], {}
    for number, mnemonic in enumerate(mnemonics, start=1):
        words = str(mnemonic).lower().split()
        try:
            shares.append(shamir_mnemonic.Share.from_mnemonic(" ".join(words)))
        except shamir_mnemonic.MnemonicError:
            problems[f"share {number}"] = _share_problem(words)
    if problems:
        raise Invalid("Some recovery shares are not valid SLIP-39 shares; re-type them.", problems)
    return shares


def _share_problem(words: list[str]) -> str:
    unknown = [str(i) for i, word in enumerate(words, start=1) if word not in WORD_INDEX_MAP]
    if unknown:
        return f"word {', '.join(unknown)} not in the SLIP-39 word list"
    if len(words) not in (20, 33):
        return f"has {len(words)} words; a share has 20 or 33 (33 for an age key)"
    return "fails its checksum: a word is mistyped, or two are swapped"


def _choose_shares(shares: list[Any]) -> list[Any]:
    """Exactly ``threshold`` distinct shares of one set, or :class:`Invalid` saying why not."""
    if len({share.common_parameters() for share in shares}) > 1:
        raise Invalid(
            "The shares come from different recovery sets: a set's shares all begin with the "
            "same two words."
        )
    distinct: dict[int, Any] = {}
    for number, share in enumerate(shares, start=1):
        known = distinct.setdefault(share.index, share)
        if known.value != share.value:
            raise Invalid(
                "Two shares carry the same share number but differ: one is mistyped.",
                {f"share {number}": "same number as an earlier share, different words"},
            )
    threshold = shares[0].member_threshold
    if len(distinct) < threshold:
        raise Invalid(f"{len(distinct)} distinct share(s) given; this set needs {threshold}.")
    return list(distinct.values())[:threshold]


# --- bech32 (BIP 173), only to move an identity's 32 bytes in and out of SLIP-39 ------------

_HRP = "age-secret-key-"
_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: Iterable[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_GENERATOR):
            if (top >> bit) & 1:
                check ^= generator
    return check


def _hrp_values(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _regroup(data: Iterable[int], source: int, target: int) -> list[int]:
    """Regroup bits (8 → 5 pads the tail with zeros; 5 → 8 drops the padding)."""
    accumulator, bits, out = 0, 0, []
    for value in data:
        accumulator, bits = (accumulator << source) | value, bits + source
        while bits >= target:
            bits -= target
            out.append((accumulator >> bits) & ((1 << target) - 1))
    if source > target and bits:
        out.append((accumulator << (target - bits)) & ((1 << target) - 1))
    return out


def _identity_bytes(identity: str) -> bytes:
    """The 32-byte X25519 key inside ``AGE-SECRET-KEY-1…`` (checked by age first)."""
    _parse_identity(identity, "identity")
    hrp, _, data = identity.lower().rpartition("1")
    values = [_CHARSET.index(c) for c in data]
    if hrp != _HRP or _polymod(_hrp_values(hrp) + values) != 1:
        raise Invalid("Not an age X25519 identity (AGE-SECRET-KEY-1…).")
    return bytes(_regroup(values[:-6], 5, 8))


def _identity_string(key: bytes) -> str:
    values = _regroup(key, 8, 5)
    check = _polymod([*_hrp_values(_HRP), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    values += [(check >> 5 * (5 - i)) & 31 for i in range(6)]
    identity = (_HRP + "1" + "".join(_CHARSET[v] for v in values)).upper()
    _parse_identity(identity, "identity")
    return identity
