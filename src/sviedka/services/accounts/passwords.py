"""Changing a password: by its user (who must give the current one), or a reset by an
administrator (who sets it, or has one made, and the user must change it at their next login).

Either way every session of the user ends and every API token is revoked, in the same
transaction as the new hash: whoever held the old password, or a token made with it, is out.
(A user who changes their own password is given a new session by the caller, as at a login.)
A wrong current password counts as a failed login for the name and the address, so that a
stolen session cannot be used to guess the password behind it.
"""

from __future__ import annotations

import secrets

from ...errors import Invalid, NotFound, SviedkaError
from ...model.revision import timestamp
from ...store import SqlStore
from ...store.accounts import account_tables
from .hashing import hash_password, password_ok
from .lockout import check_not_locked, failure_keys, forget_failures, record_failure, unlock
from .model import User
from .users import change_user, get_user

__all__ = [
    "PasswordChangeRequired",
    "change_password",
    "reset_password",
    "set_password",
    "temporary_password",
]

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to mistake for another (l 1, o 0)


class PasswordChangeRequired(SviedkaError):
    """The user's password was reset; until they set their own, nothing else is allowed."""

    status = 403

    def __init__(self) -> None:
        super().__init__(
            "Your password was reset by an administrator: set a new one before anything else "
            "(POST /api/v1/me/password, or the Account page)."
        )


def temporary_password() -> str:
    """Sixteen random characters in four groups (about 79 bits), easy to read out or type:
    ``k7mp-q2xr-9fhw-3tjn``."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def change_password(store: SqlStore, user_id: str, current: str, new: str, *, ip: str) -> User:
    """The user's own change: ``current`` must be their password and ``new`` another one.
    Ends the reset state; ends every session and revokes every token."""
    with account_tables(store) as tables:
        row = tables.user(user_id)
    if row is None:
        raise NotFound(f"No user with id {user_id}.")
    keys = failure_keys(store, row.username, ip)
    check_not_locked(store, keys)
    if not password_ok(row.password_hash, current):
        record_failure(store, keys)
        raise Invalid(
            "The current password is not right; nothing was changed.",
            {"current_password": "not your current password"},
        )
    forget_failures(store, keys[0])
    if password_ok(row.password_hash, new):
        raise Invalid(
            "The new password is the current one; choose another.",
            {"new_password": "the same as the current password"},
        )
    new_hash = hash_password(new, "new_password")
    with account_tables(store, write=True) as tables:
        tables.update_user(
            user_id, password_hash=new_hash, must_change_password=False, updated_at=timestamp()
        )
        tables.revoke_access(user_id, timestamp())
    return get_user(store, user_id)


def reset_password(
    store: SqlStore, username: str, password: str | None = None
) -> tuple[User, str | None]:
    """An administrator's reset: ``password``, or a temporary one made here (returned, to hand
    over once; it is stored nowhere). The user must change it at their next login; every
    session ends, every token is revoked, and failed logins for the name are forgotten (so
    that they can log in now)."""
    temporary = None if password is not None else temporary_password()
    new_hash = hash_password(password if password is not None else str(temporary))
    user = change_user(
        store,
        username,
        lowers=lambda _: True,
        password_hash=new_hash,
        must_change_password=True,
    )
    unlock(store, user.username)
    return user, temporary


def set_password(store: SqlStore, username: str, password: str) -> User:
    """``reset_password`` with the password given: the user must change it at next login."""
    return reset_password(store, username, password)[0]
