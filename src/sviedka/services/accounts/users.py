"""Accounts as administrators manage them: add, find, list, and change role, clearance, groups,
state and language.

Whatever takes access away takes it away at once and for good: disabling an account, and
lowering its role or its clearance, end every session of the user and revoke every API token
(``store.accounts``: ``revoke_access``) in the same transaction as the change. Enabling the
account again, or raising it back, brings none of them back: the user logs in again and is
given new tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ...errors import Conflict, Invalid, NotFound
from ...model import Confidentiality
from ...model.ids import new_id
from ...model.revision import timestamp
from ...store import SqlStore
from ...store.accounts import UserRow, account_tables
from .hashing import hash_password
from .model import Role, User
from .rows import user_of

__all__ = [
    "add_group",
    "add_user",
    "change_user",
    "find_user",
    "get_user",
    "list_users",
    "remove_group",
    "set_clearance",
    "set_disabled",
    "set_language",
    "set_role",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_GROUP = re.compile(r"^[\w.-]{1,64}$")
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")
_LEVELS = list(Confidentiality)
_ROLES = list(Role)


def add_user(
    store: SqlStore,
    username: str,
    password: str,
    *,
    role: Role | str,
    clearance: Confidentiality | str = Confidentiality.INTERNAL,
    groups: Iterable[str] = (),
    language: str | None = None,
) -> User:
    """Create an account; ``Conflict`` if the name is taken."""
    name = _username(username)
    row = UserRow(
        id=new_id(),
        username=name,
        password_hash=hash_password(password),
        role=_role(role).value,
        clearance=_clearance(clearance).value,
        language=language,
        totp_secret=None,
        totp_pending=None,
        totp_last=None,
        totp_required=False,
        disabled=False,
        must_change_password=False,
    )
    with account_tables(store, write=True) as tables:
        if tables.has_user_named(name):
            raise Conflict(f"There is a user named {name} already.")
        tables.add_user(row, timestamp())
        for group in groups:
            tables.add_group(row.id, _group(group))
    return get_user(store, row.id)


def get_user(store: SqlStore, user_id: str) -> User:
    with account_tables(store) as tables:
        found = tables.user(user_id)
    if found is None:
        raise NotFound(f"No user with id {user_id}.")
    return user_of(found)


def find_user(store: SqlStore, username: str) -> User:
    """The user with this name; ``NotFound`` otherwise (for administrators, not for logins)."""
    with account_tables(store) as tables:
        found = tables.user_named(username.strip().lower())
    if found is None:
        raise NotFound(f"No user named {username}.")
    return user_of(found)


def list_users(store: SqlStore) -> list[User]:
    with account_tables(store) as tables:
        return [user_of(row) for row in tables.users()]


def set_role(store: SqlStore, username: str, role: Role | str) -> User:
    """A new role; a lower one ends the user's sessions and revokes their tokens."""
    new = _role(role)
    return change_user(
        store, username, lowers=lambda u: _ROLES.index(new) < _ROLES.index(u.role), role=new.value
    )


def set_clearance(store: SqlStore, username: str, clearance: Confidentiality | str) -> User:
    """A new clearance; a lower one ends the user's sessions and revokes their tokens."""
    new = _clearance(clearance)
    return change_user(
        store,
        username,
        lowers=lambda u: _LEVELS.index(new) < _LEVELS.index(u.clearance),
        clearance=new.value,
    )


def set_disabled(store: SqlStore, username: str, disabled: bool = True) -> User:
    """Disable (or enable) an account. Disabling ends every session and revokes every token;
    enabling brings none of them back."""
    return change_user(store, username, lowers=lambda _: disabled, disabled=disabled)


def set_language(store: SqlStore, user_id: str, lang: str | None) -> None:
    if lang is not None and not _LANGUAGE.fullmatch(lang):
        raise Invalid("Bad language.", {"language": "give a language tag such as be, ru or en"})
    with account_tables(store, write=True) as tables:
        done = tables.update_user(user_id, language=lang, updated_at=timestamp())
    if not done:
        raise NotFound(f"No user with id {user_id}.")


def add_group(store: SqlStore, username: str, group: str) -> User:
    user = find_user(store, username)
    with account_tables(store, write=True) as tables:
        if group not in user.groups:
            tables.add_group(user.id, _group(group))
    return get_user(store, user.id)


def remove_group(store: SqlStore, username: str, group: str) -> User:
    user = find_user(store, username)
    with account_tables(store, write=True) as tables:
        tables.remove_group(user.id, group)
    return get_user(store, user.id)


def change_user(
    store: SqlStore, username: str, *, lowers: Callable[[User], bool] | None = None, **values: Any
) -> User:
    """Set columns of the user's row; if ``lowers(user as it was)`` is true, end their sessions
    and revoke their tokens in the same transaction. The row is read inside the transaction, so
    a concurrent change cannot slip between the test and the write."""
    name = username.strip().lower()
    with account_tables(store, write=True) as tables:
        row = tables.user_named(name)
        if row is None:
            raise NotFound(f"No user named {username}.")
        before = user_of(row)
        tables.update_user(before.id, **values, updated_at=timestamp())
        if lowers is not None and lowers(before):
            tables.revoke_access(before.id, timestamp())
    return get_user(store, before.id)


def _group(group: str) -> str:
    if not _GROUP.fullmatch(group):
        raise Invalid("Bad group name.", {"group": "letters, digits, '.', '_' or '-', at most 64"})
    return group


def _username(name: str) -> str:
    name = name.strip().lower()
    if not _NAME.fullmatch(name):
        raise Invalid(
            "Bad user name.",
            {"username": "2-64 characters: a-z, 0-9, '.', '_' or '-', not starting with '.'"},
        )
    return name


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise Invalid("Unknown role.", {"role": f"one of {', '.join(Role)}"}) from None


def _clearance(level: Confidentiality | str) -> Confidentiality:
    try:
        return Confidentiality(level)
    except ValueError:
        known = ", ".join(Confidentiality)
        raise Invalid("Unknown clearance.", {"clearance": f"one of {known}"}) from None
