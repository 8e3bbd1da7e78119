"""Logging in and out, and the language switcher (which works before login too)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ....services.accounts import LoginFailed, TooManyAttempts, authenticate, set_language
from ...deps import client_ip
from ...sessions import end_session, start_session
from ..i18n import COOKIE, LANGUAGES
from ..pages import PublicPageDep

router = APIRouter()

Field = Annotated[str, Form()]


@router.get("/login")
def login_form(page: PublicPageDep) -> Response:
    if page.user is not None:
        return RedirectResponse("/", status_code=303)
    return page.render("login.html", {"failed": None})


@router.post("/login")
def login(
    request: Request,
    page: PublicPageDep,
    username: Field = "",
    password: Field = "",
    totp: Field = "",
) -> Response:
    """Log in; a user whose password was reset goes to their account page to change it."""
    store = page.archive.store
    ip = client_ip(request)
    try:
        user = authenticate(store, username, password, totp.strip() or None, ip=ip)
    except TooManyAttempts:
        return page.render("login.html", {"failed": "throttled"}, status=429)
    except LoginFailed:
        return page.render("login.html", {"failed": "failed"}, status=401)
    response = RedirectResponse("/account" if user.must_change_password else "/", status_code=303)
    start_session(response, request, store, user)
    return response


@router.post("/logout")
def logout(request: Request, page: PublicPageDep, idle: Field = "") -> Response:
    response = RedirectResponse("/login?idle=1" if idle else "/login", status_code=303)
    end_session(request, response, page.archive.store)
    return response


@router.post("/language")
def switch_language(page: PublicPageDep, lang: Field = "en", next: Field = "/") -> Response:
    chosen = lang if lang in LANGUAGES else "en"
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if page.user is not None:
        set_language(page.archive.store, page.user.id, chosen)
    response.set_cookie(COOKIE, chosen, max_age=365 * 86400, httponly=True, samesite="lax")
    return response
