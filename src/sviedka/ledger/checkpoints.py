"""Signed checkpoints of the log, and the proofs a third party checks against them.

A proof bundle (``sviedka-proof/1``) holds everything ``tools/sviedka_verify.py`` needs: the entry
bytes, the inclusion proof in RFC 9162 order, and the signed checkpoint; for a revision also the
record state, so that the expert can check the state's hash too.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..errors import IntegrityFailure, Invalid, NotFound, Unavailable
from ..model.revision import timestamp
from ..store import schema as t
from . import merkle
from .log import getter_for, tree_root, tree_size
from .note import Checkpoint, sign_note, verifier_key
from .timestamp import request_token, verify_token

__all__ = [
    "CheckpointRecord",
    "Signer",
    "checkpoint_at",
    "consistency_bundle",
    "latest_checkpoint",
    "make_checkpoint",
    "proof_bundle",
]

C, E = t.ledger_checkpoints.c, t.ledger_entries.c
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


def make_checkpoint(conn: sa.Connection, signer: Signer) -> CheckpointRecord:
    """Sign the current tree head, unless that size is signed already; return the checkpoint.

    With a TSA configured (``tsa_url`` and ``tsa_chain`` in the archive's meta), the signed note
    also gets an RFC 3161 token, checked against the stored chain before it is kept. An
    unreachable TSA leaves the checkpoint without a token (and says so in the log); the
    signature does not depend on it.
    """
    size = tree_size(conn)
    existing = checkpoint_at(conn, size)
    if existing is not None:
        return existing
    root = tree_root(conn, size)
    note = sign_note(Checkpoint(signer.name, size, root).body(), signer.name, signer.key)
    token, chain = _timestamp(conn, note)
    made = CheckpointRecord(size, root, note, timestamp(), token)
    row = {"size": size, "root": root.hex(), "note": note, "at": made.at}
    row |= {"timestamp_token": token, "tsa_chain": chain if token else None}
    conn.execute(sa.insert(t.ledger_checkpoints), row)
    return made


def _timestamp(conn: sa.Connection, note: str) -> tuple[bytes | None, str | None]:
    wanted = t.meta.c.key.in_(("tsa_url", "tsa_chain"))
    meta = {r.key: r.value for r in conn.execute(sa.select(t.meta).where(wanted))}
    url, chain = meta.get("tsa_url"), meta.get("tsa_chain")
    if not url or not chain:
        return None, None
    try:
        token = request_token(url, note.encode("utf-8"))
        verify_token(token, note.encode("utf-8"), chain)
    except (Unavailable, IntegrityFailure) as exc:
        log.warning("checkpoint left without a trusted timestamp: %s", exc)
        return None, None
    return token, chain


def checkpoint_at(conn: sa.Connection, size: int) -> CheckpointRecord | None:
    row = conn.execute(sa.select(t.ledger_checkpoints).where(C.size == size)).first()
    return None if row is None else _record(row)


def latest_checkpoint(conn: sa.Connection) -> CheckpointRecord | None:
    query = sa.select(t.ledger_checkpoints).order_by(C.size.desc()).limit(1)
    row = conn.execute(query).first()
    return None if row is None else _record(row)


def _record(row: Any) -> CheckpointRecord:
    token = bytes(row.timestamp_token) if row.timestamp_token is not None else None
    return CheckpointRecord(int(row.size), bytes.fromhex(row.root), row.note, row.at, token)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def proof_bundle(
    conn: sa.Connection, ref: str, *, shown: Callable[[str], bool] | None = None
) -> dict[str, Any]:
    """The latest entry about ``ref`` (a record id or a file's sha256) — with ``shown``, the
    latest whose text it accepts — proved against the latest checkpoint. ``NotFound`` if the log
    has no such entry, or no checkpoint covers it yet."""
    # A record id is proved by its latest revision, a file's hash by its latest custody event
    # (a judgement's entry carries a record id too, but is not what "the record" means).
    kinds = E.kind.in_(("revision", "custody"))
    query = sa.select(t.ledger_entries).where(E.ref == ref, kinds).order_by(E.idx.desc())
    rows = conn.execute(query if shown else query.limit(1))
    entry = next((row for row in rows if shown is None or shown(row.entry)), None)
    if entry is None:
        raise NotFound(f"The log holds no entry about {ref}.")
    checkpoint = latest_checkpoint(conn)
    if checkpoint is None or checkpoint.size <= entry.idx:
        raise NotFound(
            "No checkpoint covers that entry yet; sign one with `sviedka ledger checkpoint --sign`."
        )
    coords = merkle.inclusion_nodes(entry.idx, checkpoint.size)
    proof = merkle.inclusion_proof(entry.idx, checkpoint.size, getter_for(conn, coords))
    bundle: dict[str, Any] = {
        "format": "sviedka-proof/1",
        "entry": _b64(entry.entry.encode("utf-8")),
        "entry_kind": entry.kind,
        "sha256": entry.digest,
        "leaf_index": int(entry.idx),
        "tree_size": checkpoint.size,
        "inclusion_proof": [_b64(h) for h in proof],
        "checkpoint": checkpoint.note,
        "timestamp": _timestamp_of(conn, checkpoint),
    }
    if entry.kind == "revision":
        bundle["state"] = _revision_state(conn, entry.digest)
    return bundle


def _timestamp_of(conn: sa.Connection, checkpoint: CheckpointRecord) -> dict[str, str] | None:
    """The checkpoint's RFC 3161 response and the TSA chain, for ``openssl ts -verify``."""
    if checkpoint.timestamp_token is None:
        return None
    chain = conn.scalar(sa.select(C.tsa_chain).where(C.size == checkpoint.size))
    return {"response": _b64(checkpoint.timestamp_token), "tsa_chain": str(chain)}


def _revision_state(conn: sa.Connection, digest: str) -> dict[str, Any] | None:
    query = sa.select(t.revisions.c.state, t.revisions.c.sensitive).where(
        t.revisions.c.sha256 == digest
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    state: dict[str, Any] = json.loads(row.state)
    state.update(json.loads(row.sensitive) if row.sensitive else {})
    return state


def consistency_bundle(conn: sa.Connection, old: int, new: int) -> dict[str, Any]:
    """An RFC 9162 consistency proof between two tree sizes, with both roots."""
    size = tree_size(conn)
    if not 0 < old <= new <= size:
        raise Invalid(
            "Bad tree sizes.", {"sizes": f"need 0 < OLD <= NEW <= {size} (the log's size now)"}
        )
    coords = merkle.consistency_nodes(old, new)
    proof = merkle.consistency_proof(old, new, getter_for(conn, coords))
    return {
        "format": "sviedka-consistency/1",
        "old_size": old,
        "new_size": new,
        "old_root": _b64(tree_root(conn, old)),
        "new_root": _b64(tree_root(conn, new)),
        "consistency_proof": [_b64(h) for h in proof],
    }
