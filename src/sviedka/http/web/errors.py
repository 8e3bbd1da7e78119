"""Errors of page requests become pages; the API keeps the server's JSON error shape.

A page that needs a login redirects to ``/login``; our errors (``SviedkaError``) and HTTP errors
render ``error.html`` with a message in the user's language. Requests under ``/api/`` and
requests that ask for JSON are handed to the handler the server registered before us.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from ...errors import SviedkaError
from ...services.accounts import PasswordChangeRequired
from ...services.records.cases import N_
from .i18n import COOKIE, pick_language, translations
from .pages import environment

__all__ = ["TITLES", "error_page", "install_error_pages", "wants_page"]

Handler = Callable[[Request, Any], Response | Awaitable[Response]]

TITLES = {
    400: N_("The request could not be understood."),
    401: N_("Please log in."),
    403: N_("You may not do this."),
    404: N_("Not found: it does not exist, or you may not see it."),
    409: N_("Someone changed this meanwhile, or it exists already."),
    413: N_("The file or form is too large."),
    422: N_("Some of what was sent is not valid."),
    429: N_("Too many attempts. Wait a little and try again."),
    503: N_("The service is not available just now."),
}
GENERIC = N_("Something went wrong on our side. Nothing was changed.")


def wants_page(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "")
    return "application/json" not in accept or "text/html" in accept


def install_error_pages(app: FastAPI) -> None:
    for exc_class in (HTTPException, SviedkaError, RequestValidationError):
        previous = app.exception_handlers.get(exc_class)
        app.add_exception_handler(exc_class, _handler(previous))


def _handler(previous: Handler | None) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if not wants_page(request) and previous is not None:
            result = previous(request, exc)
            return await result if isinstance(result, Awaitable) else result
        return error_page(request, exc)

    return handle


def error_page(request: Request, exc: Exception) -> Response:
    status = _status(exc)
    if status == 401:
        return RedirectResponse("/login", status_code=303)
    if isinstance(exc, PasswordChangeRequired):
        return RedirectResponse("/account", status_code=303)
    lang = pick_language(None, request.cookies.get(COOKIE), request.headers.get("accept-language"))
    gettext = translations(lang).gettext
    title = gettext(TITLES.get(status, GENERIC))
    html = (
        environment(lang).get_template("error.html").render(lang=lang, title=title, status=status)
    )
    headers = getattr(exc, "headers", None) or {}
    return Response(html, status_code=status, media_type="text/html", headers=headers)


def _status(exc: Exception) -> int:
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, RequestValidationError):
        return 422
    if isinstance(exc, SviedkaError):
        return exc.status
    return 500
