"""Checkpoints as C2SP signed notes, signed with Ed25519; cosignatures by partner archives.

A checkpoint (c2sp.org/tlog-checkpoint) is the text::

    <origin>\\n<tree size>\\n<base64 root hash>\\n[<extension line>\\n ...]

signed as a note (c2sp.org/signed-note): the text, a blank line, then one line per signature,
``— <key name> <base64(key ID ‖ signature)>``. The key ID is the first four bytes of
SHA-256(name ‖ "\\n" ‖ type ‖ public key); type 0x01 is a plain Ed25519 signature over the text, and
type 0x04 a timestamped cosignature (c2sp.org/tlog-cosignature) over
``"cosignature/v1\\ntime <t>\\n" ‖ text``. Verifier keys are shared as
``<name>+<hex key ID>+<base64(type ‖ public key)>``, as Go's ``golang.org/x/mod/sumdb/note`` does.

Malformed text raises `ValueError` naming the problem. A note that no trusted key signed, or that a
trusted key signed badly, raises `IntegrityFailure`.

What a signature does not say: when the note was signed (a cosignature's timestamp is the cosigner's
own claim) and whether the log ever showed anyone a different tree; that takes consistency proofs
between checkpoints, checked by the cosigners.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sviedka.errors import IntegrityFailure

__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "Checkpoint",
    "Verifier",
    "cosign",
    "cosignature_message",
    "cosigner_key",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_verifier_key",
    "sign_note",
    "verifier_key",
    "verify_cosignature",
]

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
# Go's sumdb/note stops at 100 signatures; the spec requires accepting at least 16.
MAX_SIGNATURES = 100
_MAX_TIMESTAMP = 2**63 - 1
_MAX_SIZE = 2**64 - 1
_SIG_PREFIX = "— "  # U+2014 EM DASH, then a space
_SIZE = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


# -- encodings ---------------------------------------------------------------------------------


def _b64decode(text: str, what: str) -> bytes:
    """Standard base64 (RFC 4648 §4), strictly: padded, no stray characters, canonical bits."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise ValueError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError(f"{what} is not canonical base64")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _check_text(text: str, what: str) -> None:
    """Valid UTF-8, and no ASCII control character but newline (signed-note §Format)."""
    if "\r" in text:
        raise ValueError(f"{what} contains a carriage return (CR); lines end with LF only")
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"{what} contains the control character U+{ord(found[0]):04X}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid UTF-8 (it holds a lone surrogate)") from None


def _check_name(name: str) -> None:
    """Key names are non-empty, without Unicode spaces or '+' (signed-note §Format)."""
    if not name or "+" in name or any(c.isspace() for c in name):
        raise ValueError(f"key name {name!r} is empty or contains a space or '+'")
    _check_text(name, "key name")


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, alg: int, public_key: bytes) -> bytes:
    """SHA-256(name ‖ "\\n" ‖ alg ‖ public key)[:4], the ID signed-note §Signatures recommends."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


# -- verifier keys -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verifier:
    """A trusted public key: its name, 4-byte key ID, signature type and Ed25519 key."""

    name: str
    key_id: bytes
    alg: int
    public_key: Ed25519PublicKey

    def __str__(self) -> str:
        material = bytes([self.alg]) + _raw_public(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{_b64(material)}"

    def accepts(self, body: str, signature: bytes) -> bool:
        """Whether ``signature`` (after the key ID) is this key's over note text ``body``."""
        if self.alg == ALG_COSIGNATURE_V1:
            timestamp = int.from_bytes(signature[:8], "big")
            message, signature = cosignature_message(body, timestamp), signature[8:]
        else:
            message = body.encode()
        if len(signature) != 64:
            return False
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def _make_verifier(name: str, alg: int, public_key: Ed25519PublicKey) -> Verifier:
    _check_name(name)
    return Verifier(name, key_id(name, alg, _raw_public(public_key)), alg, public_key)


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    """The verifier key string of a log's Ed25519 key (signature type 0x01)."""
    return str(_make_verifier(name, ALG_ED25519, public_key))


def cosigner_key(name: str, public_key: Ed25519PublicKey) -> str:
    """The verifier key string of a cosigner's key (type 0x04, c2sp.org/tlog-cosignature)."""
    return str(_make_verifier(name, ALG_COSIGNATURE_V1, public_key))


def parse_verifier_key(vkey: str) -> Verifier:
    """Parse ``<name>+<hex key ID>+<base64(type ‖ key)>``; the key ID must match the key."""
    name, _, rest = vkey.partition("+")
    hex_id, _, material_b64 = rest.partition("+")
    _check_name(name)
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise ValueError("verifier key ID is not 8 lowercase hex digits")
    material = _b64decode(material_b64, "verifier key material")
    if len(material) != 33 or material[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
        raise ValueError("verifier key is not an Ed25519 key of type 0x01 or 0x04")
    if key_id(name, material[0], material[1:]).hex() != hex_id:
        raise ValueError("verifier key ID does not match its name and public key")
    return Verifier(
        name, bytes.fromhex(hex_id), material[0], Ed25519PublicKey.from_public_bytes(material[1:])
    )


# -- signed notes ------------------------------------------------------------------------------


def _signature_line(name: str, kid: bytes, signature: bytes) -> str:
    return f"{_SIG_PREFIX}{name} {_b64(kid + signature)}\n"


def _check_body(body: str) -> None:
    if not body.endswith("\n"):
        raise ValueError("note text does not end with a newline")
    _check_text(body, "note text")


def sign_note(body: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """The signed note: ``body``, a blank line, and this key's Ed25519 signature line."""
    _check_body(body)
    verifier = _make_verifier(name, ALG_ED25519, private_key.public_key())
    signature = private_key.sign(body.encode())
    return f"{body}\n{_signature_line(name, verifier.key_id, signature)}"


@dataclass(frozen=True)
class _Signature:
    name: str
    key_id: bytes
    signature: bytes


def _parse_note(text: str) -> tuple[str, list[_Signature]]:
    """Split a signed note at its last blank line into text and signature lines."""
    _check_text(text, "signed note")
    split = text.rfind("\n\n")
    if split < 0:
        raise ValueError("signed note has no blank line before its signatures")
    body, block = text[: split + 1], text[split + 2 :]
    if not block.endswith("\n"):
        raise ValueError("signed note does not end with a newline after its last signature")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise ValueError(f"signed note has more than {MAX_SIGNATURES} signatures")
    return body, [_parse_signature(line) for line in lines]


def _parse_signature(line: str) -> _Signature:
    if not line.startswith(_SIG_PREFIX):
        raise ValueError(f"signature line does not start with an em dash and a space: {line!r}")
    name, _, blob = line[len(_SIG_PREFIX) :].partition(" ")
    _check_name(name)
    raw = _b64decode(blob, f"signature of {name!r}")
    if len(raw) < 5:
        raise ValueError(f"signature of {name!r} is too short")
    return _Signature(name, raw[:4], raw[4:])


def _index(verifiers: Iterable[Verifier | str]) -> dict[tuple[str, bytes], Verifier]:
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        verifier = parse_verifier_key(v) if isinstance(v, str) else v
        key = (verifier.name, verifier.key_id)
        if key in known and str(known[key]) != str(verifier):
            raise ValueError(
                f"two different trusted keys share name and ID {key[0]}+{key[1].hex()}"
            )
        known[key] = verifier
    return known


def open_note(text: str, verifiers: Iterable[Verifier | str]) -> tuple[str, list[str]]:
    """Check a signed note against trusted keys; return its text and who signed it.

    Signatures by unknown keys are ignored (signed-note §Signatures: key rotation, witnesses). Every
    signature by a known key must verify, or the whole note is rejected; at least one must exist.
    """
    body, signatures = _parse_note(text)
    known = _index(verifiers)
    signers: list[str] = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.accepts(body, sig.signature):
            raise IntegrityFailure(
                f"The signature by {sig.name} ({sig.key_id.hex()}) does not match the note: "
                "the note was altered or the signature forged. Do not rely on this note."
            )
        if sig.name not in signers:
            signers.append(sig.name)
    if not signers:
        raise IntegrityFailure(
            "None of the trusted keys signed this note. Check that you were given the right "
            "verifier key, and obtain the note again from its source."
        )
    return body, signers


# -- cosignatures ------------------------------------------------------------------------------


def cosignature_message(body: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: header, time line, then the checkpoint text."""
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def _checkpoint_text(note_text: str) -> str:
    """The checkpoint text of a signed note, or the text itself if it carries no signatures."""
    body = _parse_note(note_text)[0] if "\n\n" in note_text else note_text
    Checkpoint.parse(body)
    return body


def cosign(note_text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """A cosignature/v1 line over a checkpoint; append it to the signed note to add it.

    Cosigning states that, at ``timestamp`` (POSIX seconds), this is the largest tree the cosigner
    has seen for the origin and that it is consistent with earlier ones: check the log's signature
    and a consistency proof before calling this.
    """
    if type(timestamp) is not int or not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise ValueError(f"timestamp {timestamp!r} is not a POSIX time between 0 and 2^63-1")
    body = _checkpoint_text(note_text)
    verifier = _make_verifier(name, ALG_COSIGNATURE_V1, private_key.public_key())
    signature = private_key.sign(cosignature_message(body, timestamp))
    return _signature_line(name, verifier.key_id, timestamp.to_bytes(8, "big") + signature)


def verify_cosignature(note_text: str, verifier: Verifier | str) -> int:
    """The timestamp of ``verifier``'s valid cosignature on this checkpoint note.

    Raises `IntegrityFailure` when that cosigner did not sign or its signature is wrong.
    """
    v = parse_verifier_key(verifier) if isinstance(verifier, str) else verifier
    if v.alg != ALG_COSIGNATURE_V1:
        raise ValueError(f"{v.name}'s key is not a cosigner key (type 0x04)")
    body, signatures = _parse_note(note_text)
    Checkpoint.parse(body)
    open_note(note_text, [v])
    sig = next(s for s in signatures if (s.name, s.key_id) == (v.name, v.key_id))
    return int.from_bytes(sig.signature[:8], "big")


# -- checkpoints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: log origin, tree size and RFC 9162 root hash (c2sp.org/tlog-checkpoint)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for line, what in [
            (self.origin, "origin"),
            *((e, "extension line") for e in self.extensions),
        ]:
            if not line or "\n" in line:
                raise ValueError(f"{what} {line!r} is empty or spans lines")
            _check_text(line, what)
        if type(self.size) is not int or not 0 <= self.size <= _MAX_SIZE:
            raise ValueError(f"tree size {self.size!r} is not an integer between 0 and 2^64-1")
        if not isinstance(self.root, bytes) or len(self.root) != 32:
            raise ValueError("root hash is not 32 bytes (SHA-256)")

    def body(self) -> str:
        """The note text: origin, size, base64 root, extension lines, each ending in newline."""
        lines = [self.origin, str(self.size), _b64(self.root), *self.extensions]
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse note text strictly; `ValueError` names the first problem found."""
        _check_text(text, "checkpoint")
        if not text.endswith("\n"):
            raise ValueError("checkpoint does not end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise ValueError(f"checkpoint has {len(lines)} lines; it needs origin, size and root")
        origin, size, root_b64, *extensions = lines
        if not origin:
            raise ValueError("checkpoint origin line is empty")
        if "" in extensions:
            raise ValueError("checkpoint has an empty extension line")
        root = _b64decode(root_b64, "checkpoint root hash")
        if len(root) != 32:
            raise ValueError(f"checkpoint root hash is {len(root)} bytes, not 32 (SHA-256)")
        return cls(origin, _parse_size(size), root, tuple(extensions))


def _parse_size(text: str) -> int:
    if not _SIZE.fullmatch(text):
        if re.fullmatch(r"0[0-9]+", text, re.ASCII):
            raise ValueError(f"checkpoint tree size {text!r} has a leading zero")
        raise ValueError(f"checkpoint tree size {text!r} is not an ASCII decimal number")
    size = int(text)
    if size > _MAX_SIZE:
        raise ValueError(f"checkpoint tree size {text} does not fit in 64 bits")
    return size


def open_checkpoint(text: str, verifiers: Iterable[Verifier | str]) -> tuple[Checkpoint, list[str]]:
    """`open_note`, then `Checkpoint.parse` of the verified text."""
    body, signers = open_note(text, verifiers)
    return Checkpoint.parse(body), signers
