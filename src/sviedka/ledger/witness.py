"""Witnessing: partner archives cosign each other's checkpoints (C2SP tlog-cosignature).

A witness cosigns a checkpoint only after checking the origin's signature and that the new tree
extends the last one it cosigned for that origin (a consistency proof); it refuses a smaller tree
(rollback) and a different tree of the same size (a fork shown to someone else). The origin keeps
the cosigned notes it receives; ``verify`` re-checks them and says which witnesses vouched for
which sizes. A log that showed two different histories would need every witness to lie.

Pure: the decisions, over the notes and the tree heads given. What was cosigned and what was
received are kept by ``sviedka.store.ledger.witness``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import Conflict, IntegrityFailure, Invalid
from ..model.revision import timestamp
from . import merkle
from .checkpoints import Signer
from .note import Checkpoint, cosign, open_checkpoint, parse_verifier_key, verify_cosignature
from .verify import Finding

__all__ = [
    "Cosignature",
    "check_cosignature",
    "cosign_extending",
    "open_cosignature",
    "open_note",
]

TreeHead = tuple[int, bytes]
"""(size, root) of a tree."""


def open_note(note: str, key: str) -> Checkpoint:
    """The checkpoint ``note`` signs with ``key``; ``Invalid`` if it is not one."""
    try:
        checkpoint, _ = open_checkpoint(note, [key])
    except ValueError as exc:
        raise Invalid(f"Not a checkpoint, or not a verifier key: {exc}") from None
    return checkpoint


def cosign_extending(
    signer: Signer,
    note: str,
    checkpoint: Checkpoint,
    previous: TreeHead | None,
    proof: Mapping[str, Any] | None = None,
    now: int | None = None,
) -> str:
    """Cosign another archive's checkpoint (``note``, opened with its origin's key by
    :func:`open_note`) once it extends the last tree head cosigned for its origin
    (``previous``): the note with our cosignature."""
    if previous is not None:
        _check_extends(previous, checkpoint, proof)
    moment = int(datetime.now(UTC).timestamp()) if now is None else now
    return note + cosign(note, signer.name, signer.key, moment)


def _check_extends(previous: TreeHead, new: Checkpoint, proof: Mapping[str, Any] | None) -> None:
    size, old_root = previous
    if new.size < size:
        raise Conflict(
            f"Refusing to cosign size {new.size}: {size} was cosigned before (rollback)."
        )
    if new.size == size:
        if new.root != old_root:
            raise IntegrityFailure(f"The log shows two different trees of size {new.size} (fork).")
        return
    steps = _proof_hashes(proof, size, new.size)
    if not merkle.verify_consistency(size, new.size, old_root, new.root, steps):
        raise IntegrityFailure(
            f"The consistency proof does not show that size {new.size} extends {size}."
        )


def _proof_hashes(proof: Mapping[str, Any] | None, old: int, new: int) -> list[bytes]:
    if proof is None:
        raise Conflict(
            f"Size {old} was cosigned before: give a consistency proof from the origin "
            f"(`sviedka ledger consistency {old} {new}` there)."
        )
    if (proof.get("old_size"), proof.get("new_size")) != (old, new):
        raise Invalid(f"The proof is not between sizes {old} and {new}.")
    try:
        return [base64.b64decode(h, validate=True) for h in proof["consistency_proof"]]
    except (KeyError, TypeError, ValueError):
        raise Invalid("The consistency proof is malformed.") from None


@dataclass(frozen=True)
class Cosignature:
    """A witness's cosignature of one of our checkpoints, checked: who, which tree, when."""

    checkpoint: Checkpoint
    witness: str
    at: str


def open_cosignature(note: str, own_key: str, witness_key: str) -> Cosignature:
    """The cosignature on ``note`` (one of our checkpoints) by the witness of ``witness_key``;
    ``Invalid`` if the note is not ours or the key did not cosign it. Whether the tree is still
    our log's is for the caller to check."""
    checkpoint = open_note(note, own_key)
    try:
        moment = verify_cosignature(note, witness_key)
    except ValueError as exc:
        raise Invalid(f"Not a cosigner key: {exc}") from None
    witness = parse_verifier_key(witness_key).name
    return Cosignature(checkpoint, witness, timestamp(datetime.fromtimestamp(moment, UTC)))


def check_cosignature(
    row: Any, own_key: str, size: int, root: Callable[[int], bytes]
) -> Iterator[Finding]:
    """A kept cosignature (witness, witness_key, size, note) still verifies and still matches
    our log of ``size`` entries (``root(n)`` of the log)."""
    where = f"cosignature by {row.witness} of size {row.size}"
    try:
        checkpoint = open_note(row.note, own_key)
        verify_cosignature(row.note, row.witness_key)
    except (Invalid, IntegrityFailure, ValueError):
        yield Finding(where, "no longer verifies")
        return
    if checkpoint.size > size:
        yield Finding(where, f"vouches for {row.size} entries, more than the log now holds")
    elif checkpoint.size != row.size or root(row.size) != checkpoint.root:
        yield Finding(where, "vouches for a tree the log no longer has")
