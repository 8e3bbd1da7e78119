"""User accounts: Argon2id passwords, roles, clearances, groups, TOTP, lockout and API tokens.

::

    model.py      User (Role and Scope are the policy's, named here too)
    rows.py       users from their stored rows (the SQL is store/accounts.py)
    users.py      add, find, list; role, clearance, groups, disabled, language
    hashing.py    Argon2id hashes (HASHER)
    passwords.py  a user's own change; an administrator's reset (forced change at next login)
    lockout.py    failed logins per name and per address, under an archive secret (HMAC)
    login.py      authenticate
    totp.py       enrol, confirm, require a second factor
    demo.py       the demo archive's accounts

Two rules run through it. A failed login says nothing about why (``login.py``). And whatever
takes access away takes it away at once and for good: disabling an account, lowering its role
or clearance, and resetting or changing its password end every session and revoke every API
token, in the same transaction as the change; nothing brings them back.
"""

from __future__ import annotations

from .demo import DEMO_USERS, add_demo_users
from .hashing import HASHER
from .lockout import LOCKOUT, Lockout, LoginFailed, TooManyAttempts, lockout_secret, unlock
from .login import authenticate
from .model import Role, Scope, User
from .passwords import (
    PasswordChangeRequired,
    change_password,
    reset_password,
    set_password,
    temporary_password,
)
from .rows import user_of
from .totp import confirm_totp, enrol_totp, require_totp
from .users import (
    add_group,
    add_user,
    find_user,
    get_user,
    list_users,
    remove_group,
    set_clearance,
    set_disabled,
    set_language,
    set_role,
)

__all__ = [
    "DEMO_USERS",
    "HASHER",
    "LOCKOUT",
    "Lockout",
    "LoginFailed",
    "PasswordChangeRequired",
    "Role",
    "Scope",
    "TooManyAttempts",
    "User",
    "add_demo_users",
    "add_group",
    "add_user",
    "authenticate",
    "change_password",
    "confirm_totp",
    "enrol_totp",
    "find_user",
    "get_user",
    "list_users",
    "lockout_secret",
    "remove_group",
    "require_totp",
    "reset_password",
    "set_clearance",
    "set_disabled",
    "set_language",
    "set_password",
    "set_role",
    "temporary_password",
    "unlock",
    "user_of",
]
