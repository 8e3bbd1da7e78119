"""FastAPI dependencies shared by the API and the web: the archive and who is asking.

A request is authenticated by ``Authorization: Bearer <token>`` or by the session cookie. A
bearer header that is wrong is refused outright (never silently ignored in favour of the
cookie). Cookie-authenticated unsafe requests must carry the CSRF token (``sessions``).

A user whose password an administrator reset may only change it: ``current_user`` (and so
``current_principal``) refuses them with ``PasswordChangeRequired``; the few routes that must
still work (who am I, change my password, log out) ask for ``account_user`` instead.

This is the one place where a request's account becomes the ``Principal`` the policy knows
(``current_principal``, ``Credentials.principal``, ``principal_for``): routes and pages hand that
principal to the use cases, which ask the policy what it may do. No route decides it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ..policy import Principal, principal_of
from ..services.accounts import PasswordChangeRequired, User
from ..services.archive.folder import Archive
from ..services.archive.keys import ArchiveKeys
from .config import ServerConfig
from .errors import Unauthenticated
from .sessions import SESSION_COOKIE, check_csrf, session_user
from .tokens import token_user

T = TypeVar("T")

__all__ = [
    "Credentials",
    "PrincipalDep",
    "Unauthenticated",
    "account_user",
    "archive_of",
    "client_ip",
    "closes_forms",
    "config_of",
    "credentials",
    "current_principal",
    "current_user",
    "get_archive",
    "get_config",
    "get_keys",
    "keys_of",
    "optional_user",
    "principal_for",
]


# The dependencies are coroutines so that FastAPI calls them on the event loop: a plain ``def``
# dependency costs a hop to the threadpool and back (~0.1-0.2 ms) each time. ``archive_of`` and
# ``keys_of`` are the same lookups for code that is not a dependency.


def archive_of(request: Request) -> Archive:
    archive: Archive = request.app.state.archive
    return archive


def config_of(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


def keys_of(request: Request) -> ArchiveKeys | None:
    keys: ArchiveKeys | None = request.app.state.keys
    return keys


async def get_archive(request: Request) -> Archive:
    return archive_of(request)


async def get_config(request: Request) -> ServerConfig:
    return config_of(request)


async def get_keys(request: Request) -> ArchiveKeys | None:
    return keys_of(request)


async def closes_forms(request: Request) -> AsyncIterator[None]:
    """Close the files of a form parsed for the request (``request.form()``, by the CSRF check
    or a route) when the request ends, whatever it answers: a refused upload (CSRF, permission,
    clearance, size) would otherwise leave its spooled files open. ``create_app`` gives it to
    every route; FastAPI runs it first, so that nothing it guards is parsed before it."""
    try:
        yield
    finally:
        await request.close()


def client_ip(request: Request) -> str:
    """The client's address: the connection's peer, or, when the peer is one of the configured
    ``trusted_proxies``, the client it names in ``X-Forwarded-For`` (``create_app``). What any
    other client sends in that header is ignored."""
    return request.client.host if request.client else "unknown"


async def optional_user(request: Request) -> User | None:
    """Who is asking, or None. Cached on the request."""
    if hasattr(request.state, "user"):
        cached: User | None = request.state.user
        return cached
    _check_shape(request)
    user = await run_in_threadpool(_looked_up, request)
    if user is not None and hasattr(request.state, "session_raw"):
        await check_csrf(request)
    return user


def _check_shape(request: Request) -> None:
    """``Unauthenticated`` for an ``Authorization`` header that is not a bearer token."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Send the API token as `Authorization: Bearer <token>`.")


def _looked_up(request: Request) -> User | None:
    """The token's or the session's user, looked up (blocking) and cached on the request; the
    CSRF check of a session's unsafe request is the caller's."""
    archive = archive_of(request)
    header = request.headers.get("authorization")
    user: User | None = None
    if header is not None:
        user = token_user(archive.store, header.partition(" ")[2].strip())
        if user is None:
            raise Unauthenticated("That API token is unknown, expired or revoked.")
    elif raw := request.cookies.get(SESSION_COOKIE):
        user = session_user(archive.store, raw, config_of(request))
        if user is not None:
            request.state.session_raw = raw
    request.state.user = user
    request.state.user_id = user.id if user else None
    return user


@dataclass(frozen=True)
class Credentials:
    """What a safe (GET) request presents, checked for shape on the event loop; ``user()`` looks
    it up. For the busiest read routes, coroutines that do all their blocking work in one
    ``run_in_threadpool``, the lookup included: each hop to the threadpool and back costs
    ~0.1-0.2 ms of CPU, and a plain ``def`` route takes three (the user, the route, and the
    validation of its answer). A request with no credentials at all is refused before the
    route runs, as by ``current_user``."""

    request: Request

    def user(self) -> User:
        """The user as ``current_user`` gives it. Blocking."""
        cached = getattr(self.request.state, "user", None)
        user = cached if cached is not None else _looked_up(self.request)
        if user is None:
            raise Unauthenticated()
        if user.must_change_password:
            raise PasswordChangeRequired()
        return user

    def principal(self) -> Principal:
        """The user as ``current_principal`` gives it. Blocking."""
        return principal_of(self.user())

    async def run(self, work: Callable[[], T]) -> T:
        """``work`` (which calls ``principal()`` first) in the threadpool, its reads on one
        connection (``SqlStore.reading``): the lookup, the views and the audit share it."""
        store = archive_of(self.request).store

        def reads() -> T:
            with store.reading():
                return work()

        return await run_in_threadpool(reads)


async def credentials(request: Request) -> Credentials:
    """A dependency for GET routes that call ``Credentials.user()`` themselves."""
    if request.method not in ("GET", "HEAD"):  # a session's unsafe request needs its CSRF check
        raise TypeError("credentials() is for safe requests; use current_principal")
    _check_shape(request)
    if "authorization" not in request.headers and not request.cookies.get(SESSION_COOKIE):
        request.state.user, request.state.user_id = None, None
        raise Unauthenticated()
    return Credentials(request)


async def account_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The user, even one who must change their password first; ``Unauthenticated`` (401)
    without one. Only for the routes such a user may use."""
    if user is None:
        raise Unauthenticated()
    return user


async def current_user(user: Annotated[User, Depends(account_user)]) -> User:
    """The user; ``Unauthenticated`` (401) without one, ``PasswordChangeRequired`` (403) while
    their password is one an administrator set."""
    if user.must_change_password:
        raise PasswordChangeRequired()
    return user


def principal_for(user: User) -> Principal:
    """The principal of a request's account: a token if it came with scopes, else a user in a
    session (``policy.principal_of``)."""
    return principal_of(user)


async def current_principal(user: Annotated[User, Depends(current_user)]) -> Principal:
    """Who is asking, as the policy knows them: what every use case is given. 401 and 403 as
    ``current_user``."""
    return principal_for(user)


PrincipalDep = Annotated[Principal, Depends(current_principal)]
