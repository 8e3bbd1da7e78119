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

from fastapi import Request, Response

from ..model.revision import timestamp
from ..services.accounts import User, user_of
from ..store import SqlStore
from ..store.accounts import account_tables, session_holder
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
    expires_at = timestamp(now + timedelta(hours=config.session_max_hours))
    idle_since = timestamp(now - timedelta(minutes=config.session_idle_minutes))
    with account_tables(store, write=True) as tables:
        if old:
            tables.end_session(_digest(old))
        # Sessions nobody ended (the browser was closed): gone at the next login of anyone.
        tables.end_stale_sessions(timestamp(now), idle_since)
        tables.add_session(_digest(raw), user.id, timestamp(now), expires_at)
    request.state.session_raw = raw
    request.state.user = user
    request.state.user_id = user.id  # for the log line of the login itself
    secure = not (request.url.scheme == "http" and request.url.hostname in _LOCAL)
    response.set_cookie(SESSION_COOKIE, raw, httponly=True, secure=secure, samesite="lax", path="/")


def end_session(request: Request, response: Response, store: SqlStore) -> None:
    """Log out: the session is deleted on the server and the cookie in the browser."""
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        with account_tables(store, write=True) as tables:
            tables.end_session(_digest(raw))
    request.state.session_raw = None
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def session_user(store: SqlStore, raw: str, config: ServerConfig) -> User | None:
    """The user of a live session, or None (unknown, idle too long, expired, disabled)."""
    digest = _digest(raw)
    found = session_holder(store, digest)
    if found is None:
        return None
    session, holder = found
    now = datetime.now(UTC)
    idle_since = timestamp(now - timedelta(minutes=config.session_idle_minutes))
    if session.expires_at <= timestamp(now) or session.seen_at <= idle_since:
        with account_tables(store, write=True) as tables:
            tables.end_session(digest)
        return None
    if session.seen_at <= timestamp(now - timedelta(seconds=_TOUCH_SECONDS)):
        with account_tables(store, write=True) as tables:
            tables.touch_session(digest, timestamp(now))
    return None if holder.disabled else user_of(holder)


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
