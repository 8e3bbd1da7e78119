"""Derived indexes (``store/indexes.py``): search, name keys and detention spells. Each is a
function of the current records, rebuilt from them at will."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

from .columns import DAY, ID, SERIAL, metadata

__all__ = [
    "name_keys",
    "search_docs",
    "spell_charges",
    "spell_days",
    "spell_persons",
    "spell_placements",
    "spell_sentences",
    "spells",
]

# -- search index, see search.py
# One row per record: what search filters on (kind, confidentiality, status, the first and last
# day the record is about), shows (title, snippets) and matches (names, keys, body). On SQLite the
# FTS5 tables made by search.py index these columns (external content, keyed by ``doc``); on
# PostgreSQL ``terms`` (tsvector) and ``grams`` (text in scripts written without spaces, for
# pg_trgm) do. Derived data: rebuilt from the records at will.
search_docs = sa.Table(
    "search_docs",
    metadata,
    sa.Column("doc", SERIAL, primary_key=True, autoincrement=True),  # the FTS5 rowid on SQLite
    sa.Column("record_id", ID, nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("confidentiality", sa.String(16), nullable=False),
    sa.Column("status", sa.String(32)),
    sa.Column("date_lo", sa.String(10)),  # ISO days; 0001-01-01 / 9999-12-31 for open ends
    sa.Column("date_hi", sa.String(10)),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("names", sa.Text, nullable=False),  # name forms as written, one a line
    sa.Column("keys", sa.Text, nullable=False),  # their search keys, space-separated
    sa.Column("body", sa.Text, nullable=False),  # the other indexed fields, one a line
    sa.Column("tags", sa.Text, nullable=False),  # kind, level, status, years: filters in FTS5
    sa.Column("grams", sa.Text),  # PostgreSQL only; SQLite keeps them in search_grams
    sa.Column("terms", TSVECTOR().with_variant(sa.Text(), "sqlite")),  # PostgreSQL only
)

# -- name keys (matching), see name_keys.py
# Derived from Person records: each person's blocking keys (``sviedka.names.blocking``), so that
# duplicate candidates are found by key lookup. One row per key and person; rebuilt at will.
name_keys = sa.Table(
    "name_keys",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("person_id", ID, primary_key=True),
    sa.Index("name_keys_person", "person_id"),
)

# -- detention spells (statistics), see spells.py
# Derived from Detention and Person records. Days are the earliest/latest a partial date may be:
# DATE on PostgreSQL, ISO text (YYYY-MM-DD, which sorts as dates do) on SQLite.
spells = sa.Table(
    "spells",
    metadata,
    sa.Column("detention_id", ID, primary_key=True),
    sa.Column("person_id", ID, nullable=False),
    sa.Column("mixed", sa.Boolean, nullable=False),  # the person's spells differ in class
    sa.Column("start_lo", DAY),  # NULL: the start is unknown altogether ("undated")
    sa.Column("start_hi", DAY),
    sa.Column("end_lo", DAY, nullable=False),  # held bounds of the end; 9999-12-31 while open
    sa.Column("end_hi", DAY, nullable=False),
    sa.Column("end_date_lo", DAY),  # the end's own date, NULL if none was given
    sa.Column("end_date_hi", DAY),
    sa.Column("end_mode", sa.String(32)),
    sa.Column("recognised", sa.Boolean, nullable=False),
    sa.Column("recognised_lo", DAY),
    sa.Column("recognised_hi", DAY),
    sa.Column("arrest_year", sa.Integer),
    sa.Column("confidentiality", sa.String(16), nullable=False),
    sa.Column("person_confidentiality", sa.String(16)),
    sa.Index("spells_person", "person_id"),
    # The few persons counted apart from spell_days, found without reading the others.
    sa.Index(
        "spells_mixed",
        "person_id",
        sqlite_where=sa.text("mixed = 1"),
        postgresql_where=sa.text("mixed"),
    ),
)

# "Held on D" as a prefix sum: +1 on the first day a reading (bound) holds a person, -1 on the
# day it stops (their spells of one class merged), less the reading before (possible adds to
# certain, any to possible), summed per day and class; see spells.py.
spell_days = sa.Table(
    "spell_days",
    metadata,
    sa.Column("bound", sa.String(8), primary_key=True),  # certain | possible | any
    sa.Column("recognised", sa.Boolean, primary_key=True),
    sa.Column("confidentiality", sa.String(16), primary_key=True),
    sa.Column("person_confidentiality", sa.String(16), primary_key=True),  # "" if unknown yet
    sa.Column("day", DAY, primary_key=True),
    sa.Column("delta", sa.Integer, nullable=False),
)

spell_persons = sa.Table(
    "spell_persons",
    metadata,
    sa.Column("person_id", ID, primary_key=True),
    sa.Column("confidentiality", sa.String(16), nullable=False),
    sa.Column("region", sa.String(64)),
    sa.Column("gender", sa.String(16), nullable=False),
)

spell_charges = sa.Table(
    "spell_charges",
    metadata,
    sa.Column("detention_id", ID, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("article", sa.String(64), nullable=False),
    sa.Column("part", sa.Integer),
    sa.Column("added_lo", DAY, nullable=False),  # 0001-01-01 when undated: from the start
    sa.Column("added_hi", DAY, nullable=False),
    sa.Column("dropped_lo", DAY, nullable=False),  # 9999-12-31 while in force
    sa.Column("dropped_hi", DAY, nullable=False),
)

spell_placements = sa.Table(
    "spell_placements",
    metadata,
    sa.Column("detention_id", ID, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("facility", ID, nullable=False),
    sa.Column("from_lo", DAY, nullable=False),  # 0001-01-01 when undated: from the start
    sa.Column("from_hi", DAY, nullable=False),
    sa.Column("to_lo", DAY, nullable=False),  # 9999-12-31 while there
    sa.Column("to_hi", DAY, nullable=False),
)

spell_sentences = sa.Table(
    "spell_sentences",
    metadata,
    sa.Column("detention_id", ID, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("penalty", sa.String(64), nullable=False),
    sa.Column("date_lo", DAY, nullable=False),  # 0001-01-01 when undated
    sa.Column("date_hi", DAY, nullable=False),
    sa.Column("term_months", sa.Integer),
)
