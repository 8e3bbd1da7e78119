"""Signed checkpoints of the log, and the proof bundles a third party checks against them.

A proof bundle (``sviedka-proof/1``) holds everything ``tools/sviedka_verify.py`` needs: the entry
bytes, the inclusion proof in RFC 9162 order, and the signed checkpoint; for a revision also the
record state, so that the expert can check the state's hash too.

Pure: what is signed and what a bundle holds. Reading and keeping checkpoints is
``sviedka.store.ledger.checkpoints``.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..errors import IntegrityFailure, Unavailable
from .note import Checkpoint, sign_note, verifier_key
from .timestamp import request_token, verify_token

__all__ = [
    "CheckpointRecord",
    "LogEntry",
    "Signer",
    "consistency_document",
    "proof_document",
    "sign_checkpoint",
    "trusted_timestamp",
]

log = logging.getLogger("sviedka.ledger")


@dataclass(frozen=True)
class Signer:
    """The archive's log key. ``name`` is the key name in signature lines (the log's origin)."""

    name: str
    key: Ed25519PrivateKey

    def verifier(self) -> str:
        return verifier_key(self.name, self.key.public_key())


@dataclass(frozen=True)
class CheckpointRecord:
    size: int
    root: bytes
    note: str
    at: str
    timestamp_token: bytes | None = None  # RFC 3161 TimeStampResp over the note, if any


@dataclass(frozen=True)
class LogEntry:
    """One entry of the log: its position, kind, what it is about, its bytes and their hash."""

    idx: int
    kind: str
    ref: str
    entry: str
    digest: str


def sign_checkpoint(signer: Signer, size: int, root: bytes) -> str:
    """The signed note of the tree head (``size``, ``root``)."""
    return sign_note(Checkpoint(signer.name, size, root).body(), signer.name, signer.key)


def trusted_timestamp(
    note: str, url: str | None, chain: str | None
) -> tuple[bytes | None, str | None]:
    """An RFC 3161 token over ``note`` from the TSA at ``url``, checked against ``chain`` before
    it is kept; (None, None) without a TSA configured. An unreachable or untrusted TSA leaves
    the checkpoint without a token (and says so in the log); the signature does not need it."""
    if not url or not chain:
        return None, None
    try:
        token = request_token(url, note.encode("utf-8"))
        verify_token(token, note.encode("utf-8"), chain)
    except (Unavailable, IntegrityFailure) as exc:
        log.warning("checkpoint left without a trusted timestamp: %s", exc)
        return None, None
    return token, chain


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def proof_document(
    entry: LogEntry,
    checkpoint: CheckpointRecord,
    proof: Sequence[bytes],
    tsa_chain: str | None,
    state: dict[str, Any] | None,
) -> dict[str, Any]:
    """The ``sviedka-proof/1`` bundle of ``entry`` in the tree ``checkpoint`` signs; ``state``
    (a revision's record state) only for a revision."""
    bundle: dict[str, Any] = {
        "format": "sviedka-proof/1",
        "entry": _b64(entry.entry.encode("utf-8")),
        "entry_kind": entry.kind,
        "sha256": entry.digest,
        "leaf_index": entry.idx,
        "tree_size": checkpoint.size,
        "inclusion_proof": [_b64(h) for h in proof],
        "checkpoint": checkpoint.note,
        "timestamp": _timestamp_of(checkpoint, tsa_chain),
    }
    if entry.kind == "revision":
        bundle["state"] = state
    return bundle


def _timestamp_of(checkpoint: CheckpointRecord, chain: str | None) -> dict[str, str] | None:
    """The checkpoint's RFC 3161 response and the TSA chain, for ``openssl ts -verify``."""
    if checkpoint.timestamp_token is None:
        return None
    return {"response": _b64(checkpoint.timestamp_token), "tsa_chain": str(chain)}


def consistency_document(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> dict[str, Any]:
    """The ``sviedka-consistency/1`` bundle: an RFC 9162 consistency proof with both roots."""
    return {
        "format": "sviedka-consistency/1",
        "old_size": old,
        "new_size": new,
        "old_root": _b64(old_root),
        "new_root": _b64(new_root),
        "consistency_proof": [_b64(h) for h in proof],
    }
