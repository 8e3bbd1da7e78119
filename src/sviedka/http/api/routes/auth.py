"""Logging in and out, who am I, changing my password, and enrolling a TOTP second factor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from ....policy import Forbidden, Permission, can
from ....services.accounts import User, authenticate, change_password, confirm_totp, enrol_totp
from ....services.archive.audit import audit_event
from ....services.archive.folder import Archive
from ...config import API_PREFIX
from ...deps import account_user, client_ip, current_user, get_archive, principal_for
from ...sessions import csrf_token, end_session, start_session
from ..models import LoginIn, OkOut, Strict, TotpConfirmIn, UserOut

router = APIRouter(prefix=API_PREFIX, tags=["accounts"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]
UserDep = Annotated[User, Depends(current_user)]
AccountDep = Annotated[User, Depends(account_user)]  # also a user who must change the password


class PasswordChangeIn(Strict):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


def user_out(user: User, csrf: str | None = None) -> UserOut:
    """What the API says of a user. One whose password was reset may do nothing until they
    change it, so their permissions are empty until then."""
    principal = principal_for(user)
    allowed = [] if user.must_change_password else [p for p in Permission if can(principal, p)]
    return UserOut(
        id=user.id,
        username=user.username,
        role=user.role.value,
        clearance=user.clearance.value,
        groups=sorted(user.groups),
        language=user.language,
        totp_required=user.totp_required,
        totp_enabled=user.totp_enabled,
        permissions=sorted(p.value for p in allowed),
        csrf_token=csrf,
        must_change_password=user.must_change_password,
    )


@router.post("/auth/login", response_model=UserOut)
async def login(
    request: Request, response: Response, archive: ArchiveDep, body: LoginIn
) -> UserOut:
    """Log in with name, password and (when enrolled) a TOTP code; sets the session cookie.
    Every failure answers the same 401 (429 after too many), whatever was wrong. When
    ``must_change_password`` is true, the session may only change the password."""
    user = await run_in_threadpool(
        authenticate, archive.store, body.username, body.password, body.totp, ip=client_ip(request)
    )
    await run_in_threadpool(start_session, response, request, archive.store, user)
    return user_out(user, csrf_token(request))


@router.post("/auth/logout", response_model=OkOut)
async def logout(
    request: Request, response: Response, archive: ArchiveDep, user: AccountDep
) -> OkOut:
    """End the session (its id is deleted on the server)."""
    await run_in_threadpool(end_session, request, response, archive.store)
    return OkOut()


@router.get("/me", response_model=UserOut)
def me(request: Request, user: AccountDep) -> UserOut:
    """Who you are, what you may do, and your CSRF token (when logged in with a session)."""
    return user_out(user, csrf_token(request) or None)


@router.post("/me/password", response_model=UserOut)
def new_password(
    request: Request,
    response: Response,
    archive: ArchiveDep,
    user: AccountDep,
    body: PasswordChangeIn,
) -> UserOut:
    """Change your password (in a logged-in session, never with an API token): give the current
    one and a new one of 12 to 1024 characters. Every other session of yours ends and every API
    token of yours is revoked; this session gets a new id and CSRF token (in the answer). A
    wrong current password counts as a failed login (422, then 429 after too many)."""
    if user.scopes is not None:
        raise Forbidden("Change a password while logged in, not with an API token.")
    ip = client_ip(request)
    changed = change_password(
        archive.store, user.id, body.current_password, body.new_password, ip=ip
    )
    audit_event(archive.store, "user_password_change", user.id, actor=principal_for(user), ip=ip)
    start_session(response, request, archive.store, changed)
    return user_out(changed, csrf_token(request))


@router.post("/me/totp", response_model=dict[str, str | bool])
def start_totp(archive: ArchiveDep, user: UserDep) -> dict[str, str | bool]:
    """Offer a new TOTP secret (an otpauth:// URI for an authenticator app); it takes effect
    when confirmed with a code."""
    return {"ok": True, "uri": enrol_totp(archive.store, user.id)}


@router.post("/me/totp/confirm", response_model=UserOut)
def finish_totp(
    request: Request, archive: ArchiveDep, user: UserDep, body: TotpConfirmIn
) -> UserOut:
    """Confirm the offered secret with a current code: from now on logins need a code."""
    return user_out(confirm_totp(archive.store, user.id, body.code), csrf_token(request) or None)
