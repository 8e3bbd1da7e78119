"""The vault's registry of files and their chain of custody."""

from __future__ import annotations

import sqlalchemy as sa

from .columns import HASH, SERIAL, TIME, metadata

__all__ = [
    "blobs",
    "custody_events",
]

# The vault's registry: what each stored file should hash to. Updated only when re-encrypted.
blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("sha256", HASH, primary_key=True),  # of the plaintext: the blob's name
    sa.Column("ciphertext_sha256", HASH, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("ciphertext_size", sa.BigInteger, nullable=False),
    sa.Column("media_type", sa.String(200), nullable=False),
    sa.Column("derived", sa.Boolean, nullable=False),  # a working copy (thumbnail), not evidence
    sa.Column("at", TIME, nullable=False),
)

custody_events = sa.Table(
    "custody_events",
    metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("sha256", HASH, nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", TIME, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("entry", sa.Text, nullable=False),  # canonical JSON, exactly as journalled
    sa.Column("digest", HASH, nullable=False, index=True),  # SHA-256(entry)
)
