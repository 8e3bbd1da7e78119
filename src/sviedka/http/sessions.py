"""Login sessions: a random id in a cookie, only its SHA-256 in the database.

Every login makes a new id (and ends the one the browser had), so a session id planted before
login is worthless (no fixation). The cookie is HttpOnly, SameSite=Lax and Secure (except on
plain-HTTP localhost, for development). A session ends after ``session_idle_minutes`` without a
request and ``session_max_hours`` after login, whichever comes first.

CSRF: the token is derived from the session id, so it is tied to the session and changes with it.
Forms send it as the field ``csrf_token``, htmx and scripts as the header ``X-CSRF-Token``. Every
unsafe request authenticated by the cookie must carry it (``check_csrf``); requests with an API
token need none (a browser never adds that header by itself).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi import Request, Response

from ..model.revision import timestamp
from ..services.accounts import User, users_joined, write_transaction
from ..store import SqlStore
from ..store import schema as t
from .config import ServerConfig
from .errors import CsrfFailed
from .files import STREAMED_FORMS, StreamedForm

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "check_csrf",
    "csrf_token",
    "end_session",
    "session_user",
    "start_session",
]

SESSION_COOKIE = "sviedka_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_TOUCH_SECONDS = 60  # write ``seen_at`` at most once a minute per session
_LOCAL = frozenset({"localhost", "127.0.0.1", "::1"})


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


def start_session(response: Response, request: Request, store: SqlStore, user: User) -> None:
    """Log ``user`` in: a new session id in the cookie; the browser's old session ends."""
    old = request.cookies.get(SESSION_COOKIE)
    raw = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    config = _config(request)
    row = {
        "id_sha256": _digest(raw),
        "user_id": user.id,
        "created_at": timestamp(now),
        "seen_at": timestamp(now),
        "expires_at": timestamp(now + timedelta(hours=config.session_max_hours)),
    }
    idle_since = timestamp(now - timedelta(minutes=config.session_idle_minutes))
    s = t.sessions.c
    with write_transaction(store) as conn:
        if old:
            conn.execute(sa.delete(t.sessions).where(s.id_sha256 == _digest(old)))
        # Sessions nobody ended (the browser was closed): gone at the next login of anyone.
        stale = sa.or_(s.expires_at <= timestamp(now), s.seen_at <= idle_since)
        conn.execute(sa.delete(t.sessions).where(stale))
        conn.execute(sa.insert(t.sessions), row)
    request.state.session_raw = raw
    request.state.user = user
    request.state.user_id = user.id  # for the log line of the login itself
    secure = not (request.url.scheme == "http" and request.url.hostname in _LOCAL)
    response.set_cookie(SESSION_COOKIE, raw, httponly=True, secure=secure, samesite="lax", path="/")


def end_session(request: Request, response: Response, store: SqlStore) -> None:
    """Log out: the session is deleted on the server and the cookie in the browser."""
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        with write_transaction(store) as conn:
            conn.execute(sa.delete(t.sessions).where(t.sessions.c.id_sha256 == _digest(raw)))
    request.state.session_raw = None
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def session_user(store: SqlStore, raw: str, config: ServerConfig) -> User | None:
    """The user of a live session, or None (unknown, idle too long, expired, disabled)."""
    digest = _digest(raw)
    now = datetime.now(UTC)
    s = t.sessions.c
    query = (
        sa.select(s.seen_at, s.expires_at)
        .select_from(t.sessions)
        .join(t.users, t.users.c.id == s.user_id)
        .where(s.id_sha256 == digest)
    )
    with store.engine.connect() as conn:
        found = users_joined(query, conn)
    if not found:
        return None
    row, user = found[0]
    idle_since = timestamp(now - timedelta(minutes=config.session_idle_minutes))
    if row.expires_at <= timestamp(now) or row.seen_at <= idle_since:
        with write_transaction(store) as conn:
            conn.execute(sa.delete(t.sessions).where(s.id_sha256 == digest))
        return None
    if row.seen_at <= timestamp(now - timedelta(seconds=_TOUCH_SECONDS)):
        with write_transaction(store) as conn:
            touch = sa.update(t.sessions).where(s.id_sha256 == digest)
            conn.execute(touch.values(seen_at=timestamp(now)))
    return None if user.disabled else user


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session ("" without a session)."""
    raw = getattr(request.state, "session_raw", None) or request.cookies.get(SESSION_COOKIE)
    if not raw:
        return ""
    return hmac.new(raw.encode(), b"sviedka csrf", hashlib.sha256).hexdigest()


async def check_csrf(request: Request) -> None:
    """``CsrfFailed`` unless an unsafe request carries the session's token (header or field)."""
    if request.method in _SAFE_METHODS:
        return
    expected = csrf_token(request)
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if given is None and request.url.path in STREAMED_FORMS and "multipart" in content_type:
        given = await StreamedForm.of(request).first_field(CSRF_FIELD)  # files stay unread
    elif given is None and content_type.startswith(_FORMS):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise CsrfFailed()
