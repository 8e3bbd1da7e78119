"""Records and their revisions (the hash chains), the vocabularies they use, and judgements of
whether two records are the same."""

from __future__ import annotations

import sqlalchemy as sa

from .columns import HASH, ID, SERIAL, TIME, metadata

__all__ = [
    "judgement_log",
    "judgements",
    "records",
    "revisions",
    "vocab_terms",
    "vocabularies",
]

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("confidentiality", sa.String(16), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("sensitive", sa.Text),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("sha256", HASH, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
    sa.Index("records_kind_id", "kind", "id"),
)

revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("record_id", ID, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", TIME, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("sensitive", sa.Text),
    sa.Column("state_sha256", HASH, nullable=False),
    sa.Column("sha256", HASH, nullable=False),
    sa.Column("prev_sha256", HASH),
    # One revision per (record, seq): two writers can never fork a record's hash chain.
    sa.UniqueConstraint("record_id", "seq", name="revisions_record_seq"),
    sa.Index("revisions_sha256", "sha256"),
)

vocabularies = sa.Table(
    "vocabularies",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
)

vocab_terms = sa.Table(
    "vocab_terms",
    metadata,
    sa.Column("vocab", sa.String(64), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("parent", sa.String(64)),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("ord", sa.Integer, nullable=False),
    sa.Column("labels", sa.Text, nullable=False),
    sa.Column("extra", sa.Text, nullable=False),
)

judgements = sa.Table(
    "judgements",
    metadata,
    sa.Column("left_id", ID, primary_key=True),
    sa.Column("right_id", ID, primary_key=True),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", TIME, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Index("judgements_right", "right_id"),
)

judgement_log = sa.Table(
    "judgement_log",
    metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("left_id", ID, nullable=False),
    sa.Column("right_id", ID, nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),  # a Verdict, or "retracted"
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", TIME, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("digest", HASH, nullable=False, index=True),  # SHA-256 of the row, as logged
)
