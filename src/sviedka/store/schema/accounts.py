"""Accounts, groups, sessions, API tokens and failed logins (lockout); see
``services/accounts/``."""

from __future__ import annotations

import sqlalchemy as sa

from .columns import HASH, ID, SERIAL, TIME, metadata

__all__ = [
    "api_tokens",
    "login_failures",
    "sessions",
    "user_groups",
    "users",
]

# Secrets are never stored: passwords as Argon2id hashes, session ids and API tokens as SHA-256.
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
