"""Witnessing: partner archives cosign each other's checkpoints (C2SP tlog-cosignature).

A witness cosigns a checkpoint only after checking the origin's signature and that the new tree
extends the last one it cosigned for that origin (a consistency proof); it refuses a smaller tree
(rollback) and a different tree of the same size (a fork shown to someone else). The origin keeps
the cosigned notes it receives; ``verify`` re-checks them and says which witnesses vouched for
which sizes. A log that showed two different histories would need every witness to lie.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..errors import Conflict, IntegrityFailure, Invalid
from ..model.revision import timestamp
from ..store import Problem
from ..store import schema as t
from . import merkle
from .checkpoints import Signer
from .log import tree_root, tree_size
from .note import Checkpoint, cosign, open_checkpoint, parse_verifier_key, verify_cosignature

__all__ = ["add_cosignature", "check_cosignatures", "cosign_checkpoint", "cosignatures"]

W, S = t.witnessed.c, t.ledger_cosignatures.c


def cosign_checkpoint(
    conn: sa.Connection,
    signer: Signer,
    note: str,
    origin_key: str,
    proof: Mapping[str, Any] | None = None,
    now: int | None = None,
) -> str:
    """Check and cosign another archive's checkpoint; return the note with our cosignature."""
    checkpoint = _open(note, origin_key)
    previous = conn.execute(sa.select(t.witnessed).where(W.origin == checkpoint.origin)).first()
    if previous is not None:
        _check_extends(previous, checkpoint, proof)
    moment = int(datetime.now(UTC).timestamp()) if now is None else now
    line = cosign(note, signer.name, signer.key, moment)
    row = {"origin": checkpoint.origin, "size": checkpoint.size, "root": checkpoint.root.hex()}
    row |= {"note": note, "at": timestamp()}
    if previous is None:
        conn.execute(sa.insert(t.witnessed), row)
    else:
        conn.execute(sa.update(t.witnessed).where(W.origin == checkpoint.origin).values(**row))
    return note + line


def _open(note: str, key: str) -> Checkpoint:
    try:
        checkpoint, _ = open_checkpoint(note, [key])
    except ValueError as exc:
        raise Invalid(f"Not a checkpoint, or not a verifier key: {exc}") from None
    return checkpoint


def _check_extends(previous: Any, new: Checkpoint, proof: Mapping[str, Any] | None) -> None:
    old_root = bytes.fromhex(previous.root)
    if new.size < previous.size:
        raise Conflict(
            f"Refusing to cosign size {new.size}: {previous.size} was cosigned before (rollback)."
        )
    if new.size == previous.size:
        if new.root != old_root:
            raise IntegrityFailure(f"The log shows two different trees of size {new.size} (fork).")
        return
    steps = _proof_hashes(proof, previous.size, new.size)
    if not merkle.verify_consistency(previous.size, new.size, old_root, new.root, steps):
        raise IntegrityFailure(
            f"The consistency proof does not show that size {new.size} extends {previous.size}."
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


def add_cosignature(
    conn: sa.Connection, own_key: str, note: str, witness_key: str
) -> tuple[str, int, str]:
    """Keep a witness's cosignature of one of our checkpoints; return (witness, size, time)."""
    checkpoint = _open(note, own_key)
    try:
        moment = verify_cosignature(note, witness_key)
    except ValueError as exc:
        raise Invalid(f"Not a cosigner key: {exc}") from None
    if checkpoint.size > tree_size(conn) or tree_root(conn, checkpoint.size) != checkpoint.root:
        raise IntegrityFailure("That checkpoint's root is not this archive's log at that size.")
    witness = parse_verifier_key(witness_key).name
    at = timestamp(datetime.fromtimestamp(moment, UTC))
    row = {"size": checkpoint.size, "witness": witness, "witness_key": witness_key}
    conn.execute(sa.insert(t.ledger_cosignatures), row | {"note": note, "at": at})
    return witness, checkpoint.size, at


def cosignatures(conn: sa.Connection) -> list[tuple[str, int, str]]:
    """(witness, size, time) of every cosignature kept, by size."""
    rows = conn.execute(sa.select(S.witness, S.size, S.at).order_by(S.size, S.witness))
    return [(r.witness, int(r.size), r.at) for r in rows]


def check_cosignatures(conn: sa.Connection, own_key: str) -> Iterator[Problem]:
    """Each kept cosignature still verifies and still matches our log."""
    for row in conn.execute(sa.select(t.ledger_cosignatures).order_by(S.id)):
        where = f"cosignature by {row.witness} of size {row.size}"
        try:
            checkpoint = _open(row.note, own_key)
            verify_cosignature(row.note, row.witness_key)
        except (Invalid, IntegrityFailure, ValueError):
            yield Problem(where, "no longer verifies")
            continue
        if checkpoint.size > tree_size(conn):
            yield Problem(where, f"vouches for {row.size} entries, more than the log now holds")
        elif checkpoint.size != row.size or tree_root(conn, row.size) != checkpoint.root:
            yield Problem(where, "vouches for a tree the log no longer has")
