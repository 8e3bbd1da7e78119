"""What this archive cosigned for partners (the last tree head per origin) and the cosignatures
partners sent for our checkpoints. The decisions are ``sviedka.ledger.witness`` (pure).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

import sqlalchemy as sa

from ...errors import IntegrityFailure
from ...ledger.checkpoints import Signer
from ...ledger.witness import check_cosignature, cosign_extending, open_cosignature, open_note
from ...model.revision import timestamp
from .. import schema as t
from ..integrity import Problem
from .log import tree_root, tree_size

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
    checkpoint = open_note(note, origin_key)
    previous = conn.execute(sa.select(t.witnessed).where(W.origin == checkpoint.origin)).first()
    head = None if previous is None else (int(previous.size), bytes.fromhex(previous.root))
    cosigned = cosign_extending(signer, note, checkpoint, head, proof, now)
    row = {"origin": checkpoint.origin, "size": checkpoint.size, "root": checkpoint.root.hex()}
    row |= {"note": note, "at": timestamp()}
    if previous is None:
        conn.execute(sa.insert(t.witnessed), row)
    else:
        conn.execute(sa.update(t.witnessed).where(W.origin == checkpoint.origin).values(**row))
    return cosigned


def add_cosignature(
    conn: sa.Connection, own_key: str, note: str, witness_key: str
) -> tuple[str, int, str]:
    """Keep a witness's cosignature of one of our checkpoints; return (witness, size, time)."""
    cosigned = open_cosignature(note, own_key, witness_key)
    checkpoint = cosigned.checkpoint
    if checkpoint.size > tree_size(conn) or tree_root(conn, checkpoint.size) != checkpoint.root:
        raise IntegrityFailure("That checkpoint's root is not this archive's log at that size.")
    row = {"size": checkpoint.size, "witness": cosigned.witness, "witness_key": witness_key}
    conn.execute(sa.insert(t.ledger_cosignatures), row | {"note": note, "at": cosigned.at})
    return cosigned.witness, checkpoint.size, cosigned.at


def cosignatures(conn: sa.Connection) -> list[tuple[str, int, str]]:
    """(witness, size, time) of every cosignature kept, by size."""
    rows = conn.execute(sa.select(S.witness, S.size, S.at).order_by(S.size, S.witness))
    return [(r.witness, int(r.size), r.at) for r in rows]


def check_cosignatures(conn: sa.Connection, own_key: str) -> Iterator[Problem]:
    """Each kept cosignature still verifies and still matches our log."""
    size, root = tree_size(conn), partial(tree_root, conn)
    for row in conn.execute(sa.select(t.ledger_cosignatures).order_by(S.id)):
        yield from (Problem(*f) for f in check_cosignature(row, own_key, size, root))
