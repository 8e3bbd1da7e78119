"""Compartments: who may read a restricted record (``store/compartments.py``). The audit trail has
no table of its own: its events are entries of kind "audit" in the ledger."""

from __future__ import annotations

import sqlalchemy as sa

from .columns import ID, TIME, metadata

__all__ = [
    "record_grants",
]

# Compartments: who may read a restricted record, by user id or group name.
record_grants = sa.Table(
    "record_grants",
    metadata,
    sa.Column("record_id", ID, primary_key=True),
    sa.Column("grantee_kind", sa.String(8), primary_key=True),  # user | group
    sa.Column("grantee", sa.String(64), primary_key=True),  # user id or group name
    sa.Column("granted_by", sa.String(200), nullable=False),
    sa.Column("granted_at", TIME, nullable=False),
    sa.Index("record_grants_grantee", "grantee_kind", "grantee"),
)
