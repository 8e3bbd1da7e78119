"""User accounts: Argon2id passwords, roles, clearances, groups, TOTP, lockout and API tokens.

One rule runs through this module: a failed login says nothing about why. Unknown names, wrong
passwords, wrong or replayed codes, disabled accounts and locked accounts all raise the same
``LoginFailed`` (or ``TooManyAttempts``, whose cause is the attempts, never the account), and an
unknown name costs the same Argon2id work as a known one. Lockout and rate limits count failures
per name (whether or not it exists) and per address, in the database, so that every worker sees
the same counts; names and addresses are kept only as SHA-256.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import pyotp
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import Conflict, Invalid, NotFound, SviedkaError
from ..model import Confidentiality
from ..model.ids import new_id
from ..model.revision import timestamp
from ..store import SqlStore
from ..store import schema as t
from ..store.engine import WRITE

__all__ = [
    "DEMO_USERS",
    "HASHER",
    "LOCKOUT",
    "Lockout",
    "LoginFailed",
    "Role",
    "Scope",
    "TooManyAttempts",
    "User",
    "add_demo_users",
    "add_group",
    "add_user",
    "authenticate",
    "confirm_totp",
    "enrol_totp",
    "find_user",
    "get_user",
    "list_users",
    "remove_group",
    "require_totp",
    "set_clearance",
    "set_disabled",
    "set_language",
    "set_password",
    "set_role",
    "unlock",
    "users_joined",
    "write_transaction",
]


class Scope(StrEnum):
    """What an API token may be used for, within its user's role (``access.SCOPES``)."""

    READ = "read"
    WRITE = "write"
    EVIDENCE = "evidence"
    IMPORT = "import"
    ADMIN = "admin"


class Role(StrEnum):
    """What a user may do; ``access.PERMISSIONS`` is the table."""

    VIEWER = "viewer"
    DOCUMENTER = "documenter"
    VERIFIER = "verifier"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    """Who is asking. ``scopes`` is set when the request came with an API token: the token's
    scopes narrow what the role allows (``None``: a login session, the whole role)."""

    id: str
    username: str
    role: Role
    clearance: Confidentiality
    groups: frozenset[str] = frozenset()
    language: str | None = None
    totp_required: bool = False
    totp_enabled: bool = False
    disabled: bool = False
    scopes: frozenset[str] | None = None


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


@dataclass(frozen=True)
class Lockout:
    per_name: int = 10  # failures for one name within the window lock it
    per_address: int = 50  # failures from one address within the window block it
    window_minutes: int = 15  # a lock ends when its failures are older than this


LOCKOUT = Lockout()
HASHER = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_GROUP = re.compile(r"^[\w.-]{1,64}$")
_MIN_PASSWORD, _MAX_PASSWORD = 12, 1024
_dummy_hash: str | None = None


# -- transactions ----------------------------------------------------------------------------


@contextmanager
def write_transaction(store: SqlStore) -> Iterator[sa.Connection]:
    """A writing transaction on the account tables (SQLite's write lock taken at BEGIN)."""
    try:
        with store.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            with conn.begin():
                yield conn
    except sa.exc.IntegrityError as exc:
        raise Conflict("That collides with an account already stored; nothing changed.") from exc


@contextmanager
def _read(store: SqlStore) -> Iterator[sa.Connection]:
    with store.engine.connect() as conn, conn.begin():
        yield conn


# -- users -----------------------------------------------------------------------------------


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
    user_id = new_id()
    row: dict[str, Any] = {
        "id": user_id,
        "username": name,
        "password_hash": _hash(password),
        "role": _role(role).value,
        "clearance": _clearance(clearance).value,
        "language": language,
        "totp_required": False,
        "disabled": False,
        "created_at": timestamp(),
        "updated_at": timestamp(),
    }
    with write_transaction(store) as conn:
        if conn.scalar(sa.select(t.users.c.id).where(t.users.c.username == name)):
            raise Conflict(f"There is a user named {name} already.")
        conn.execute(sa.insert(t.users), row)
        for group in groups:
            _insert_group(conn, user_id, group)
    return get_user(store, user_id)


def get_user(store: SqlStore, user_id: str) -> User:
    with _read(store) as conn:
        found = _load(conn, t.users.c.id == user_id)
    if found is None:
        raise NotFound(f"No user with id {user_id}.")
    return found


def find_user(store: SqlStore, username: str) -> User:
    """The user with this name; ``NotFound`` otherwise (for administrators, not for logins)."""
    with _read(store) as conn:
        found = _load(conn, t.users.c.username == username.strip().lower())
    if found is None:
        raise NotFound(f"No user named {username}.")
    return found


def list_users(store: SqlStore) -> list[User]:
    with _read(store) as conn:
        rows = conn.execute(sa.select(t.users).order_by(t.users.c.username)).all()
        groups = _groups(conn, [r.id for r in rows])
    return [_user(r, groups.get(r.id, frozenset())) for r in rows]


def set_role(store: SqlStore, username: str, role: Role | str) -> User:
    return _change(store, username, role=_role(role).value)


def set_clearance(store: SqlStore, username: str, clearance: Confidentiality | str) -> User:
    return _change(store, username, clearance=_clearance(clearance).value)


def set_disabled(store: SqlStore, username: str, disabled: bool = True) -> User:
    """Disable (or enable) an account; a disabled account's sessions and tokens stop working."""
    user = _change(store, username, disabled=disabled)
    if disabled:
        with write_transaction(store) as conn:
            conn.execute(sa.delete(t.sessions).where(t.sessions.c.user_id == user.id))
    return user


def set_language(store: SqlStore, user_id: str, lang: str | None) -> None:
    if lang is not None and not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", lang):
        raise Invalid("Bad language.", {"language": "give a language tag such as be, ru or en"})
    with write_transaction(store) as conn:
        done = conn.execute(
            sa.update(t.users)
            .where(t.users.c.id == user_id)
            .values(language=lang, updated_at=timestamp())
        )
    if done.rowcount == 0:
        raise NotFound(f"No user with id {user_id}.")


def set_password(store: SqlStore, username: str, password: str) -> User:
    """A new password; the user's sessions end (whoever had the old one is logged out)."""
    user = _change(store, username, password_hash=_hash(password))
    with write_transaction(store) as conn:
        conn.execute(sa.delete(t.sessions).where(t.sessions.c.user_id == user.id))
    return user


def add_group(store: SqlStore, username: str, group: str) -> User:
    user = find_user(store, username)
    with write_transaction(store) as conn:
        if group not in user.groups:
            _insert_group(conn, user.id, group)
    return get_user(store, user.id)


def remove_group(store: SqlStore, username: str, group: str) -> User:
    user = find_user(store, username)
    g = t.user_groups.c
    with write_transaction(store) as conn:
        conn.execute(sa.delete(t.user_groups).where(g.user_id == user.id, g.group_name == group))
    return get_user(store, user.id)


def unlock(store: SqlStore, username: str) -> None:
    """Forget the failed logins for this name (an administrator's unlock)."""
    with write_transaction(store) as conn:
        key = _key("user", username.strip().lower())
        conn.execute(sa.delete(t.login_failures).where(t.login_failures.c.key == key))


def _change(store: SqlStore, username: str, **values: Any) -> User:
    user = find_user(store, username)
    with write_transaction(store) as conn:
        query = sa.update(t.users).where(t.users.c.id == user.id)
        conn.execute(query.values(**values, updated_at=timestamp()))
    return get_user(store, user.id)


def _insert_group(conn: sa.Connection, user_id: str, group: str) -> None:
    if not _GROUP.fullmatch(group):
        raise Invalid("Bad group name.", {"group": "letters, digits, '.', '_' or '-', at most 64"})
    conn.execute(sa.insert(t.user_groups), {"user_id": user_id, "group_name": group})


def users_joined(query: sa.Select[Any], conn: sa.Connection) -> list[tuple[Any, User]]:
    """Run ``query`` (a select of some table joined to ``users``) with each user's groups
    joined in, in one round trip: the row of ``query`` and its user, once per user. For the
    lookups every request makes (its token or session)."""
    g = t.user_groups.c
    joined = query.add_columns(t.users, g.group_name).outerjoin(
        t.user_groups, g.user_id == t.users.c.id
    )
    found: dict[str, tuple[Any, set[str]]] = {}
    for row in conn.execute(joined):
        _, groups = found.setdefault(row.id, (row, set()))
        if row.group_name is not None:
            groups.add(row.group_name)
    return [(row, _user(row, frozenset(groups))) for row, groups in found.values()]


def _load(conn: sa.Connection, where: Any) -> User | None:
    row = conn.execute(sa.select(t.users).where(where)).first()
    if row is None:
        return None
    return _user(row, _groups(conn, [row.id]).get(row.id, frozenset()))


def _groups(conn: sa.Connection, ids: list[str]) -> dict[str, frozenset[str]]:
    g = t.user_groups.c
    found: dict[str, set[str]] = {}
    for i in range(0, len(ids), 500):
        rows = conn.execute(sa.select(g.user_id, g.group_name).where(g.user_id.in_(ids[i:][:500])))
        for user_id, group in rows:
            found.setdefault(user_id, set()).add(group)
    return {k: frozenset(v) for k, v in found.items()}


def _user(row: Any, groups: frozenset[str]) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        clearance=Confidentiality(row.clearance),
        groups=groups,
        language=row.language,
        totp_required=bool(row.totp_required),
        totp_enabled=row.totp_secret is not None,
        disabled=bool(row.disabled),
    )


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


def _hash(password: str) -> str:
    if not _MIN_PASSWORD <= len(password) <= _MAX_PASSWORD:
        raise Invalid(
            "The password is too short or too long.",
            {"password": f"{_MIN_PASSWORD} to {_MAX_PASSWORD} characters"},
        )
    return HASHER.hash(password)


# -- logging in ------------------------------------------------------------------------------


def authenticate(
    store: SqlStore, username: str, password: str, totp: str | None, *, ip: str
) -> User:
    """The user, if the name, password and (when enrolled) the TOTP code are right and neither
    the name nor the address is locked out; ``LoginFailed`` otherwise, whatever went wrong."""
    name = (username or "").strip().lower()[:200]
    keys = (_key("user", name), _key("ip", ip))
    _check_not_locked(store, keys)
    with _read(store) as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.username == name)).first()
    ok = _password_ok(row.password_hash if row is not None else None, password)
    if row is None or not ok or row.disabled or not _totp_ok(store, row, totp):
        _record_failure(store, keys)
        raise LoginFailed()
    _forget_failures(store, keys[0])
    if HASHER.check_needs_rehash(row.password_hash):
        with write_transaction(store) as conn:
            query = sa.update(t.users).where(t.users.c.id == row.id)
            conn.execute(query.values(password_hash=HASHER.hash(password)))
    return get_user(store, row.id)


def _password_ok(stored: str | None, password: str) -> bool:
    """Argon2id verification; for an unknown name, a dummy hash costs the same time."""
    global _dummy_hash
    if stored is None:
        _dummy_hash = _dummy_hash or HASHER.hash(secrets.token_hex(16))
        stored = _dummy_hash
    try:
        return HASHER.verify(stored, password or "") and stored is not _dummy_hash
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _totp_ok(store: SqlStore, row: Any, code: str | None) -> bool:
    """No code needed unless enrolled. A code is accepted once (replays fail), with one time
    step of clock drift either way."""
    if row.totp_secret is None:
        return not row.totp_required  # required but not enrolled: an admin must enrol it
    step = _totp_step(row.totp_secret, code)
    if step is None or (row.totp_last is not None and step <= row.totp_last):
        return False
    with write_transaction(store) as conn:
        query = sa.update(t.users).where(t.users.c.id == row.id)
        conn.execute(query.values(totp_last=step))
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


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _since(minutes: int) -> str:
    return timestamp(datetime.now(UTC) - timedelta(minutes=minutes))


def _check_not_locked(store: SqlStore, keys: tuple[str, str]) -> None:
    """Locked while the name (or address) has its limit of failures within the window: a lock
    ends by itself once the oldest of them is older than the window, or by ``unlock``."""
    f = t.login_failures.c
    since = _since(LOCKOUT.window_minutes)
    with _read(store) as conn:
        for key, limit in zip(keys, (LOCKOUT.per_name, LOCKOUT.per_address), strict=True):
            query = sa.select(sa.func.count()).where(f.key == key, f.at >= since)
            if int(conn.scalar(query) or 0) >= limit:
                raise TooManyAttempts()


def _record_failure(store: SqlStore, keys: tuple[str, str]) -> None:
    at = timestamp()
    with write_transaction(store) as conn:
        conn.execute(sa.insert(t.login_failures), [{"key": k, "at": at} for k in keys])
        old = _since(10 * LOCKOUT.window_minutes)
        conn.execute(sa.delete(t.login_failures).where(t.login_failures.c.at < old))


def _forget_failures(store: SqlStore, key: str) -> None:
    with write_transaction(store) as conn:
        conn.execute(sa.delete(t.login_failures).where(t.login_failures.c.key == key))


# -- TOTP enrolment --------------------------------------------------------------------------


def enrol_totp(store: SqlStore, user_id: str, *, issuer: str = "Sviedka") -> str:
    """Offer a new TOTP secret; returns its ``otpauth://`` URI (show it once, as a QR code or
    text). It takes effect when ``confirm_totp`` receives a valid code."""
    user = get_user(store, user_id)
    secret = pyotp.random_base32()
    with write_transaction(store) as conn:
        query = sa.update(t.users).where(t.users.c.id == user.id)
        conn.execute(query.values(totp_pending=secret, updated_at=timestamp()))
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def confirm_totp(store: SqlStore, user_id: str, code: str) -> User:
    """Make the offered secret the user's second factor, if ``code`` is right for it."""
    with _read(store) as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"No user with id {user_id}.")
    step = _totp_step(row.totp_pending, code) if row.totp_pending else None
    if step is None:
        raise Invalid("That code does not match; try the next one.", {"code": "wrong code"})
    with write_transaction(store) as conn:
        query = sa.update(t.users).where(t.users.c.id == user_id)
        values = {"totp_secret": row.totp_pending, "totp_pending": None, "totp_last": step}
        conn.execute(query.values(**values, updated_at=timestamp()))
    return get_user(store, user_id)


def require_totp(
    store: SqlStore, username: str, required: bool = True, *, issuer: str = "Sviedka"
) -> str | None:
    """Require (or stop requiring) a second factor. A user who is not enrolled yet gets a new
    secret at once, returned as an ``otpauth://`` URI for the administrator to hand over:
    without it the account could not log in at all."""
    user = _change(store, username, totp_required=required)
    if not required or user.totp_enabled:
        return None
    secret = pyotp.random_base32()
    with write_transaction(store) as conn:
        query = sa.update(t.users).where(t.users.c.id == user.id)
        conn.execute(query.values(totp_secret=secret, totp_pending=None, totp_last=None))
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


# -- the demo archive ------------------------------------------------------------------------

DEMO_USERS = (
    ("admin", Role.ADMIN, Confidentiality.RESTRICTED, "everything; grants and audit"),
    ("documenter", Role.DOCUMENTER, Confidentiality.CONFIDENTIAL, "records, evidence, imports"),
    ("viewer", Role.VIEWER, Confidentiality.PUBLIC, "reads public records; contacts hidden"),
)


def add_demo_users(store: SqlStore) -> str:
    """Demo accounts with passwords printed in the tour (a demo archive protects nothing);
    returns the tour's lines about logging in."""
    lines = [
        "",
        "Log in to the web UI and the API (`make demo` serves them on http://127.0.0.1:8000):",
    ]
    for name, role, clearance, what in DEMO_USERS:
        password = f"demo {name} password"
        add_user(store, name, password, role=role, clearance=clearance)
        lines.append(f"  {name:11} password {password!r:27} {role}, clearance {clearance}: {what}")
    lines.append("  sviedka serve --unlock    # the same by hand; API docs at /api/v1/docs")
    return "\n".join(lines) + "\n"
