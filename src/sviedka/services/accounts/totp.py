"""A second factor: TOTP (RFC 6238) codes from an authenticator app.

A code is accepted once (replays fail), with one time step of clock drift either way.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pyotp

from ...errors import Invalid, NotFound
from ...model.revision import timestamp
from ...store import SqlStore
from ...store.accounts import UserRow, account_tables
from .model import User
from .users import change_user, get_user

__all__ = ["confirm_totp", "enrol_totp", "require_totp", "totp_ok"]


def totp_ok(store: SqlStore, row: UserRow, code: str | None) -> bool:
    """Whether ``code`` is good for the user's row. No code needed unless enrolled; a code that
    passes is recorded, so that it cannot be used again."""
    if row.totp_secret is None:
        return not row.totp_required  # required but not enrolled: an admin must enrol it
    step = _totp_step(row.totp_secret, code)
    if step is None or (row.totp_last is not None and step <= row.totp_last):
        return False
    with account_tables(store, write=True) as tables:
        tables.update_user(row.id, totp_last=step)
    return True


def _totp_step(secret: str, code: str | None) -> int | None:
    """The time step the code belongs to (now, or one step either side), or None."""
    if not code or not code.strip().isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = datetime.now(UTC)
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=drift * totp.interval)
        if secrets.compare_digest(totp.at(moment), code.strip()):
            return int(moment.timestamp()) // totp.interval
    return None


def enrol_totp(store: SqlStore, user_id: str, *, issuer: str = "Sviedka") -> str:
    """Offer a new TOTP secret; returns its ``otpauth://`` URI (show it once, as a QR code or
    text). It takes effect when ``confirm_totp`` receives a valid code."""
    user = get_user(store, user_id)
    secret = pyotp.random_base32()
    with account_tables(store, write=True) as tables:
        tables.update_user(user.id, totp_pending=secret, updated_at=timestamp())
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def confirm_totp(store: SqlStore, user_id: str, code: str) -> User:
    """Make the offered secret the user's second factor, if ``code`` is right for it."""
    with account_tables(store) as tables:
        row = tables.user(user_id)
    if row is None:
        raise NotFound(f"No user with id {user_id}.")
    step = _totp_step(row.totp_pending, code) if row.totp_pending else None
    if step is None:
        raise Invalid("That code does not match; try the next one.", {"code": "wrong code"})
    values = {"totp_secret": row.totp_pending, "totp_pending": None, "totp_last": step}
    with account_tables(store, write=True) as tables:
        tables.update_user(user_id, **values, updated_at=timestamp())
    return get_user(store, user_id)


def require_totp(
    store: SqlStore, username: str, required: bool = True, *, issuer: str = "Sviedka"
) -> str | None:
    """Require (or stop requiring) a second factor. A user who is not enrolled yet gets a new
    secret at once, returned as an ``otpauth://`` URI for the administrator to hand over:
    without it the account could not log in at all."""
    user = change_user(store, username, totp_required=required)
    if not required or user.totp_enabled:
        return None
    secret = pyotp.random_base32()
    with account_tables(store, write=True) as tables:
        tables.update_user(user.id, totp_secret=secret, totp_pending=None, totp_last=None)
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)
