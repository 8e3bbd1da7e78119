"""Logging in. One rule: a failed login says nothing about why.

Unknown names, wrong passwords, wrong or replayed codes, disabled accounts and locked accounts
all raise the same ``LoginFailed`` (or ``TooManyAttempts``, whose cause is the attempts, never
the account), and an unknown name costs the same Argon2id work as a known one.
"""

from __future__ import annotations

from ...store import SqlStore
from ...store.accounts import account_tables
from . import hashing
from .lockout import (
    LoginFailed,
    check_not_locked,
    failure_keys,
    forget_failures,
    login_name,
    record_failure,
)
from .model import User
from .rows import user_of
from .totp import totp_ok

__all__ = ["authenticate"]


def authenticate(
    store: SqlStore, username: str, password: str, totp: str | None, *, ip: str
) -> User:
    """The user, if the name, password and (when enrolled) the TOTP code are right and neither
    the name nor the address is locked out; ``LoginFailed`` otherwise, whatever went wrong.
    A user whose password was reset logs in with it, and may then only change it."""
    keys = failure_keys(store, username, ip)
    check_not_locked(store, keys)
    with account_tables(store) as tables:
        row = tables.user_named(login_name(username))
    ok = hashing.password_ok(row.password_hash if row is not None else None, password)
    if row is None or not ok or row.disabled or not totp_ok(store, row, totp):
        record_failure(store, keys)
        raise LoginFailed()
    forget_failures(store, keys[0])
    if hashing.HASHER.check_needs_rehash(row.password_hash):
        with account_tables(store, write=True) as tables:
            tables.update_user(row.id, password_hash=hashing.HASHER.hash(password))
    return user_of(row)
