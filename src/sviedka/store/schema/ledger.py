"""The transparency log (RFC 9162) and its checkpoints and cosignatures; see ``store/ledger/``."""

from __future__ import annotations

import sqlalchemy as sa

from .columns import HASH, SERIAL, TIME, metadata

__all__ = [
    "ledger_checkpoints",
    "ledger_cosignatures",
    "ledger_entries",
    "ledger_nodes",
    "ledger_queue",
    "witnessed",
]

# The transparency log (RFC 9162). Entries and perfect-subtree nodes are append-only; hashes hex.
ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), nullable=False),  # revision | custody | judgement | audit
    sa.Column("ref", sa.String(64), nullable=False),  # record id or file sha256
    sa.Column("entry", sa.Text, nullable=False),  # canonical JSON, the exact bytes logged
    sa.Column("digest", HASH, nullable=False),  # SHA-256(entry): a revision's own sha256
    sa.Index("ledger_entries_ref", "ref", "idx"),
    # No index on digest: it would halve append speed. verify looks digests up in the indexed
    # tables instead (revisions.sha256, custody_events.digest, judgement_log.digest).
)

ledger_nodes = sa.Table(
    "ledger_nodes",
    metadata,
    sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", HASH, nullable=False),
)

# Entries committed but not yet in the log (audit events of reads): the sequencer moves them into
# ``ledger_entries`` in batches, oldest first, under the log's lock (``store/sequencer.py``).
ledger_queue = sa.Table(
    "ledger_queue",
    metadata,
    sa.Column("seq", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(64), nullable=False),
    sa.Column("entry", sa.Text, nullable=False),
)

ledger_checkpoints = sa.Table(
    "ledger_checkpoints",
    metadata,
    sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("root", HASH, nullable=False),
    sa.Column("note", sa.Text, nullable=False),  # the C2SP signed note, as signed
    sa.Column("at", TIME, nullable=False),
    sa.Column("timestamp_token", sa.LargeBinary),  # RFC 3161 token, when a TSA is configured
    sa.Column("tsa_chain", sa.Text),  # PEM certificates of the TSA, to check offline
)

ledger_cosignatures = sa.Table(
    "ledger_cosignatures",
    metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("witness", sa.String(200), nullable=False),
    sa.Column("witness_key", sa.Text, nullable=False),  # cosigner verifier key (type 0x04)
    sa.Column("note", sa.Text, nullable=False),  # the checkpoint with the cosignature line
    sa.Column("at", TIME, nullable=False),  # the witness's own timestamp, as it states
)

# As a witness for other archives: the largest checkpoint cosigned for each origin, so that a
# rollback or a fork (same size, other root) is refused.
witnessed = sa.Table(
    "witnessed",
    metadata,
    sa.Column("origin", sa.String(200), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("root", HASH, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("at", TIME, nullable=False),
)
