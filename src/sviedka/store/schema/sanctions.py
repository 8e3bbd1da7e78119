"""Sanctions lists and screening decisions, see ``services/sanctions/``."""

from __future__ import annotations

import sqlalchemy as sa

from .columns import HASH, ID, TIME, metadata

__all__ = [
    "sanction_decisions",
    "sanction_entries",
    "sanction_lists",
]

# A list is reference data, not documentation: its entries live here, not as records. Each import
# of a list file is a version; a newer file of the same list replaces the entries, and the old
# version's row stays (with ``replaced_by``) so that a screening or a confirmed match can name the
# version it used.
sanction_lists = sa.Table(
    "sanction_lists",
    metadata,
    sa.Column("id", ID, primary_key=True),  # the version's id (UUIDv7)
    sa.Column("list", sa.String(100), nullable=False),  # e.g. "us_ofac_sdn"
    sa.Column("authority", sa.Text, nullable=False),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("file", sa.Text, nullable=False),  # the file's name, never its path
    sa.Column("sha256", HASH, nullable=False),
    sa.Column("list_date", sa.String(10)),  # the list's publication date, as far as known
    sa.Column("imported_at", TIME, nullable=False),
    sa.Column("imported_by", sa.String(200), nullable=False),
    sa.Column("entries", sa.Integer, nullable=False),
    sa.Column("replaced_by", ID),  # the next version of the list; NULL for the current one
    sa.Column("source_id", ID),  # the source record citing this version, made when first cited
    sa.Index("sanction_lists_list", "list"),
)

sanction_entries = sa.Table(
    "sanction_entries",
    metadata,
    sa.Column("version_id", ID, primary_key=True),
    sa.Column("ref", sa.String(200), primary_key=True),  # the list's own id (OFAC ent_num)
    sa.Column("schema", sa.String(16), nullable=False),  # person | organisation | vessel | …
    sa.Column("name", sa.Text, nullable=False),  # the primary name, for people reading tables
    sa.Column("data", sa.Text, nullable=False),  # JSON: every name form, birth dates, programmes…
    sa.Column("digest", HASH, nullable=False),  # SHA-256 of data: unchanged between versions?
)

# A reviewer's verdict on one proposed match (person, list entry): a rejection is not proposed
# again; a confirmation made a ``sanction`` record, named here.
sanction_decisions = sa.Table(
    "sanction_decisions",
    metadata,
    sa.Column("person_id", ID, primary_key=True),
    sa.Column("list", sa.String(100), primary_key=True),
    sa.Column("ref", sa.String(200), primary_key=True),
    sa.Column("verdict", sa.String(16), nullable=False),  # confirmed | rejected
    sa.Column("version_id", ID, nullable=False),
    sa.Column("sanction_id", ID),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", TIME, nullable=False),
    sa.Column("reason", sa.Text),
)
