"""Failed logins: a name or an address that fails too often is locked out for a while.

Failures are counted in the database, so that every worker and every app server sees the same
counts, for names that exist and names that do not alike. Names and addresses are never stored:
a failure is kept under ``HMAC-SHA256(secret, "user:<name>")`` and ``… "ip:<address>"``, where
the secret is 32 random bytes made once per archive and kept in the database's ``meta`` table
(made at ``init``; an archive made before it gets one at its first login). An unsalted hash of an
IPv4 address is undone by trying all 2³² of them; without the secret, the keys give nothing
away. Failures are deleted once they are ten windows old.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ...errors import Conflict, SviedkaError
from ...model.revision import timestamp
from ...store import SqlStore
from ...store.accounts import account_tables

__all__ = [
    "LOCKOUT",
    "LOCKOUT_SECRET",
    "Lockout",
    "LoginFailed",
    "TooManyAttempts",
    "check_not_locked",
    "failure_keys",
    "forget_failures",
    "lockout_secret",
    "login_name",
    "record_failure",
    "unlock",
]

LOCKOUT_SECRET = "lockout_secret"  # its key in the meta table


@dataclass(frozen=True)
class Lockout:
    per_name: int = 10  # failures for one name within the window lock it
    per_address: int = 50  # failures from one address within the window block it
    window_minutes: int = 15  # a lock ends when its failures are older than this


LOCKOUT = Lockout()


class LoginFailed(SviedkaError):
    """Any failed login: the message never says which part was wrong."""

    status = 401

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Login failed: the name, password or code is wrong, or the account "
            "cannot log in now. Check them and try again."
        )


class TooManyAttempts(LoginFailed):
    """Too many failed logins for this name or from this address; wait and try again."""

    status = 429

    def __init__(self) -> None:
        super().__init__(
            "Too many failed logins for this name or from this address. Wait "
            f"{LOCKOUT.window_minutes} minutes, or ask an administrator to unlock the account."
        )


def lockout_secret(store: SqlStore) -> bytes:
    """The archive's secret for the lockout keys, made now if it has none yet (whoever makes it
    first wins; everyone then reads the same one)."""
    found = _stored_secret(store)
    if found is None:
        try:
            with account_tables(store, write=True) as tables:
                tables.add_meta(LOCKOUT_SECRET, secrets.token_hex(32))
        except Conflict:
            pass  # another worker made it meanwhile
        found = _stored_secret(store)
    assert found is not None
    return bytes.fromhex(found)


def _stored_secret(store: SqlStore) -> str | None:
    with account_tables(store) as tables:
        return tables.meta(LOCKOUT_SECRET)


def failure_keys(store: SqlStore, name: str, ip: str) -> tuple[str, str]:
    """The keys a failure of ``name`` from ``ip`` is counted under (name first)."""
    secret = lockout_secret(store)
    return _key(secret, "user", login_name(name)), _key(secret, "ip", ip)


def _key(secret: bytes, kind: str, value: str) -> str:
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def login_name(username: str) -> str:
    """The name as logins look it up (and count its failures)."""
    return (username or "").strip().lower()[:200]


def _since(minutes: int) -> str:
    return timestamp(datetime.now(UTC) - timedelta(minutes=minutes))


def check_not_locked(store: SqlStore, keys: tuple[str, str]) -> None:
    """``TooManyAttempts`` while the name (or address) has its limit of failures within the
    window: a lock ends by itself once the oldest of them is older than the window, or by
    ``unlock``."""
    since = _since(LOCKOUT.window_minutes)
    with account_tables(store) as tables:
        for key, limit in zip(keys, (LOCKOUT.per_name, LOCKOUT.per_address), strict=True):
            if tables.failures(key, since) >= limit:
                raise TooManyAttempts()


def record_failure(store: SqlStore, keys: tuple[str, str]) -> None:
    at = timestamp()
    with account_tables(store, write=True) as tables:
        tables.add_failures(keys, at)
        tables.forget_failures_before(_since(10 * LOCKOUT.window_minutes))


def forget_failures(store: SqlStore, key: str) -> None:
    with account_tables(store, write=True) as tables:
        tables.forget_failures(key)


def unlock(store: SqlStore, username: str) -> None:
    """Forget the failed logins for this name (an administrator's unlock)."""
    forget_failures(store, failure_keys(store, username, "")[0])
