"""The user's own account (the menu under their name): who they are, and changing their
password. A user whose password an administrator reset is sent here after logging in, and
every other page sends them back here until they have set their own (``server.deps``).

The change is the API's (``POST /api/v1/me/password``): the same service call and audit event;
every session and token of the user ends, and this browser gets a new session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from ....errors import Invalid
from ....services.accounts import TooManyAttempts, change_password
from ....services.archive.audit import audit_event
from ....services.records.cases import N_
from ...deps import client_ip, principal_for
from ...sessions import start_session
from ..pages import AccountPageDep, Page

router = APIRouter()

Secret = Annotated[str, Form(max_length=1024)]

PROBLEMS = {
    "current_password": N_("This is not your current password."),
    "new_password": N_(
        "The new password must be 12 to 1024 characters long, and not the current one."
    ),
    "new_password2": N_("The two new passwords are not the same."),
    "throttled": N_("Too many wrong passwords. Wait a little and try again."),
}


def _render(
    page: Page,
    *,
    errors: Mapping[str, str] | None = None,
    flash: str | None = None,
    status: int = 200,
) -> Response:
    context = {"errors": dict(errors or {}), "flash": flash}
    return page.render("account.html", context, status=status, section="/account")


@router.get("/account")
def account_page(page: AccountPageDep, changed: str = "") -> Response:
    if changed and not page.me.must_change_password:
        flash = page.gettext(
            "Your password was changed. Your other sessions and API tokens have ended."
        )
        return _render(page, flash=flash)
    return _render(page)


@router.post("/account/password")
def new_password(
    page: AccountPageDep,
    current_password: Secret = "",
    new_password: Secret = "",
    new_password2: Secret = "",
) -> Response:
    """Nothing changes when a field is wrong; the problem comes back next to it."""
    if new_password != new_password2:
        return _refused(page, "new_password2")
    store, ip = page.archive.store, client_ip(page.request)
    try:
        changed = change_password(store, page.me.id, current_password, new_password, ip=ip)
    except TooManyAttempts:
        return _refused(page, "throttled", status=429)
    except Invalid as exc:
        return _refused(page, next(iter(exc.errors), "new_password"))
    audit_event(store, "user_password_change", changed.id, actor=principal_for(changed), ip=ip)
    response = RedirectResponse("/account?changed=1", status_code=303)
    start_session(response, page.request, store, changed)  # a new session id, as at a login
    return response


def _refused(page: Page, problem: str, status: int = 422) -> Response:
    field = "(form)" if problem == "throttled" else problem
    return _render(page, errors={field: page.gettext(PROBLEMS[problem])}, status=status)
