"""The tables, as SQLAlchemy Core objects. Migrations create and change them (``migrations.py``).

Record state is kept as canonical JSON text, the exact bytes that were hashed, so that a stored
row can be re-hashed and compared without re-serialising. Times are fixed-width UTC text.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "blobs",
    "custody_events",
    "judgement_log",
    "judgements",
    "ledger_checkpoints",
    "ledger_cosignatures",
    "ledger_entries",
    "ledger_nodes",
    "meta",
    "metadata",
    "migrations_table",
    "records",
    "revisions",
    "vocab_terms",
    "vocabularies",
    "witnessed",
]

metadata = sa.MetaData()

ID = sa.String(36)
HASH = sa.String(64)
TIME = sa.String(27)
# BIGINT autoincrement on PostgreSQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

migrations_table = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("applied_at", TIME, nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

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

# -- sanctions lists, see services/sanctions/
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

# Which record an imported dataset's row became (RuPEP has no ids of its own: the key is made from
# the row), with the digest of what the row said, so that re-importing an unchanged row reads one
# row here and writes nothing.
import_keys = sa.Table(
    "import_keys",
    metadata,
    sa.Column("dataset", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("record_id", ID, nullable=False),
    sa.Column("digest", HASH, nullable=False),
)

__all__ += ["import_keys", "sanction_decisions", "sanction_entries", "sanction_lists"]

# -- detention spells (statistics), see spells.py
# Derived from Detention and Person records. Days are the earliest/latest a partial date may be:
# DATE on PostgreSQL, ISO text (YYYY-MM-DD, which sorts as dates do) on SQLite.
DAY = sa.Date

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

__all__ += [
    "spell_charges",
    "spell_days",
    "spell_persons",
    "spell_placements",
    "spell_sentences",
    "spells",
]

# -- accounts, access, audit (services/accounts/, access.py, archive/audit.py)
# Secrets are never stored: passwords as Argon2id hashes, session ids and API tokens as SHA-256.
# Audit events have no table of their own: they are entries of kind "audit" in the ledger.
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),  # lower case
    sa.Column("password_hash", sa.Text, nullable=False),  # Argon2id, PHC string
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("clearance", sa.String(16), nullable=False),
    sa.Column("language", sa.String(16)),
    sa.Column("totp_secret", sa.String(64)),  # base32; set once enrolment is confirmed
    sa.Column("totp_pending", sa.String(64)),  # base32; offered, not yet confirmed
    sa.Column("totp_last", sa.BigInteger),  # last accepted time step: no code is used twice
    sa.Column("totp_required", sa.Boolean, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
    # Set by an administrator's password reset: until the user sets their own, they may do
    # nothing else (migration 8 adds it to older databases).
    sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
)

user_groups = sa.Table(
    "user_groups",
    metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("group_name", sa.String(64), primary_key=True),
)

# Failed logins, by HMAC-SHA256 (under the meta table's "lockout_secret") of "user:<name>" or
# "ip:<address>": lockout and rate limits work the same for names that exist and names that do
# not, and no name or address can be read back (services/accounts/lockout.py).
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("key", HASH, nullable=False),
    sa.Column("at", TIME, nullable=False),
    sa.Index("login_failures_key_at", "key", "at"),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_sha256", HASH, primary_key=True),
    sa.Column("user_id", ID, nullable=False, index=True),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("seen_at", TIME, nullable=False),  # for the idle timeout
    sa.Column("expires_at", TIME, nullable=False),  # the absolute limit
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", ID, primary_key=True),  # public: shown in lists, used to revoke
    sa.Column("user_id", ID, nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_sha256", HASH, nullable=False, unique=True),
    sa.Column("scopes", sa.String(200), nullable=False),  # space-separated
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("expires_at", TIME, nullable=False),
    sa.Column("revoked_at", TIME),
)

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

__all__ += [
    "api_tokens",
    "login_failures",
    "record_grants",
    "sessions",
    "user_groups",
    "users",
]

# -- search index, see search.py
# One row per record: what search filters on (kind, confidentiality, status, the first and last
# day the record is about), shows (title, snippets) and matches (names, keys, body). On SQLite the
# FTS5 tables made by search.py index these columns (external content, keyed by ``doc``); on
# PostgreSQL ``terms`` (tsvector) and ``grams`` (text in scripts written without spaces, for
# pg_trgm) do. Derived data: rebuilt from the records at will.
from sqlalchemy.dialects.postgresql import TSVECTOR  # noqa: E402

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

__all__ += ["search_docs"]

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

__all__ += ["name_keys"]
