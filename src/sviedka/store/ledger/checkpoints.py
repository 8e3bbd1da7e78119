"""Checkpoints kept in the archive's database, and the proofs read from the stored tree.

What is signed and what a bundle holds is ``sviedka.ledger.checkpoints`` (pure); this module
reads the rows those need and keeps the checkpoints made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ...errors import Invalid, NotFound
from ...ledger import merkle
from ...ledger.checkpoints import (
    CheckpointRecord,
    LogEntry,
    Signer,
    consistency_document,
    proof_document,
    sign_checkpoint,
    trusted_timestamp,
)
from ...model.revision import timestamp
from .. import schema as t
from .log import getter_for, tree_root, tree_size

__all__ = [
    "checkpoint_at",
    "consistency_bundle",
    "latest_checkpoint",
    "make_checkpoint",
    "proof_bundle",
]

C, E = t.ledger_checkpoints.c, t.ledger_entries.c


def make_checkpoint(conn: sa.Connection, signer: Signer) -> CheckpointRecord:
    """Sign the current tree head, unless that size is signed already; return the checkpoint.

    With a TSA configured (``tsa_url`` and ``tsa_chain`` in the archive's meta), the signed note
    also gets an RFC 3161 token (see ``ledger.checkpoints.trusted_timestamp``).
    """
    size = tree_size(conn)
    existing = checkpoint_at(conn, size)
    if existing is not None:
        return existing
    root = tree_root(conn, size)
    note = sign_checkpoint(signer, size, root)
    token, chain = trusted_timestamp(note, *_tsa(conn))
    made = CheckpointRecord(size, root, note, timestamp(), token)
    row = {"size": size, "root": root.hex(), "note": note, "at": made.at}
    row |= {"timestamp_token": token, "tsa_chain": chain if token else None}
    conn.execute(sa.insert(t.ledger_checkpoints), row)
    return made


def _tsa(conn: sa.Connection) -> tuple[str | None, str | None]:
    wanted = t.meta.c.key.in_(("tsa_url", "tsa_chain"))
    meta = {r.key: r.value for r in conn.execute(sa.select(t.meta).where(wanted))}
    return meta.get("tsa_url"), meta.get("tsa_chain")


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
    row = next((r for r in rows if shown is None or shown(r.entry)), None)
    if row is None:
        raise NotFound(f"The log holds no entry about {ref}.")
    entry = LogEntry(int(row.idx), row.kind, row.ref, row.entry, row.digest)
    checkpoint = latest_checkpoint(conn)
    if checkpoint is None or checkpoint.size <= entry.idx:
        raise NotFound(
            "No checkpoint covers that entry yet; sign one with `sviedka ledger checkpoint --sign`."
        )
    coords = merkle.inclusion_nodes(entry.idx, checkpoint.size)
    proof = merkle.inclusion_proof(entry.idx, checkpoint.size, getter_for(conn, coords))
    chain = None
    if checkpoint.timestamp_token is not None:
        chain = conn.scalar(sa.select(C.tsa_chain).where(C.size == checkpoint.size))
    state = _revision_state(conn, entry.digest) if entry.kind == "revision" else None
    return proof_document(entry, checkpoint, proof, chain, state)


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
    return consistency_document(old, new, tree_root(conn, old), tree_root(conn, new), proof)
