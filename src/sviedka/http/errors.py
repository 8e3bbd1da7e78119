"""One JSON shape for every error the API answers, from our errors, FastAPI's and crashes:

    {"ok": false, "error": "No record with id …", "errors": [{"field": …, "problem": …}],
     "status": 404}

``errors`` lists field paths and what is wrong with each (never the value that was sent).
Tracebacks are logged only for status 500, and without the exception's message, which could
quote data.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..errors import Invalid, SviedkaError

__all__ = [
    "CsrfFailed",
    "Unauthenticated",
    "error_body",
    "error_response",
    "install_error_handlers",
]

log = logging.getLogger("sviedka.http")

_MESSAGES = {
    400: "The request is malformed.",
    401: "Log in or send a valid API token.",
    403: "Not allowed.",
    404: "Not found.",
    405: "That method is not allowed here.",
    406: "That representation is not available.",
    413: "The request body is too large.",
    415: "That content type is not accepted here.",
    429: "Too many requests; slow down and try again in a minute.",
}


class Unauthenticated(SviedkaError):
    """No valid session or token. The web registers its own handler for this class, which sends
    browsers to ``/login`` and hands API requests back to ``error_response``."""

    status = 401

    def __init__(self, message: str = "Log in or send a valid API token.") -> None:
        super().__init__(message)


class CsrfFailed(SviedkaError):
    """A cookie-authenticated unsafe request without the session's CSRF token."""

    status = 403

    def __init__(self) -> None:
        super().__init__(
            "The form has expired or did not come from this site (CSRF token missing or wrong). "
            "Reload the page and try again."
        )


def error_body(
    status: int, message: str, errors: Sequence[Mapping[str, str]] = ()
) -> dict[str, Any]:
    return {"ok": False, "error": message, "errors": list(errors), "status": status}


def error_response(request: Request, exc: Exception) -> JSONResponse:
    """The JSON answer for any exception (the web calls this for API paths)."""
    status, message, errors = _describe(request, exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if status == 429:
        headers["Retry-After"] = "60"
    return JSONResponse(error_body(status, message, errors), status_code=status, headers=headers)


def _describe(request: Request, exc: Exception) -> tuple[int, str, list[dict[str, str]]]:
    if isinstance(exc, Invalid):
        fields = [{"field": k, "problem": v} for k, v in sorted(exc.errors.items())]
        return exc.status, exc.message, fields
    if isinstance(exc, SviedkaError) and exc.status < 500:
        return exc.status, exc.message, []
    if isinstance(exc, RequestValidationError):
        return 422, "The request does not have the expected shape.", _validation(exc)
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        return exc.status_code, _MESSAGES.get(exc.status_code, "The request failed."), []
    if isinstance(exc, SviedkaError):
        _log_crash(request, exc)
        return exc.status, exc.message, []
    _log_crash(request, exc)
    rid = getattr(request.state, "request_id", "-")
    return 500, f"Internal error; nothing more is said here. Request id: {rid}.", []


def _validation(exc: RequestValidationError) -> list[dict[str, str]]:
    found = []
    for error in exc.errors():
        path = ".".join(str(part) for part in error.get("loc", ()))
        found.append({"field": path or "(request)", "problem": str(error.get("msg", "invalid"))})
    return found


def _log_crash(request: Request, exc: BaseException) -> None:
    """One JSON line: the exception's class and the traceback's frames, never its message (it
    may quote data)."""
    line = {
        "event": "crash",
        "error": type(exc).__name__,
        "request_id": getattr(request.state, "request_id", None),
        "frames": [
            f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)
        ],
    }
    log.error(json.dumps(line))


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    return error_response(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    for cls in (SviedkaError, HTTPException, RequestValidationError, Exception):
        app.add_exception_handler(cls, _handle)
