"""Administration: users (added and changed here), the roles table, custodians and keys, archive
settings and custom fields (shown only: keys need the archive passphrase, custom fields are
declared in ``sviedka.toml``; the page says so).

Every change goes through the same use case as the API (``services.accounts.admin``, over the
functions ``sviedka user …`` calls) and is audited as the API audits it (``user_add``,
``user_change``, ``user_password_reset``). Every route opens that administration first, which
refuses anyone without ``manage_users``; the session's CSRF token is checked before a form is
read (``http.deps``). A problem comes back next to its field, in the user's language: the services'
English messages are replaced here by translated ones, field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from ....errors import Conflict, Invalid
from ....model import Confidentiality
from ....policy import PERMISSIONS, Permission
from ....services.accounts import Role, User
from ....services.accounts.admin import Administration, administration
from ....services.archive.keys import custodians
from ....services.records.cases import N_
from ...deps import client_ip
from ..labels import ENUMS
from ..pages import Page, PageDep

router = APIRouter()

FormText = Annotated[str, Form(max_length=1024)]

# What each field must be, in words a user can act on (the services' messages are English).
PROBLEMS = {
    "username": N_("2 to 64 characters: small Latin letters, digits, '.', '_' or '-'."),
    "taken": N_("There is a user with this name already."),
    "password": N_("The password must be 12 to 1024 characters long."),
    "password2": N_("The two passwords are not the same."),
    "role": N_("Choose one of the roles."),
    "clearance": N_("Choose one of the levels."),
    "group": N_("A group name is letters, digits, '.', '_' or '-', at most 64 characters."),
    "self": N_("You cannot do this to your own account here (use sviedka user …)."),
    "self_password": N_("Change your own password on your account page."),
}


def _problem(page: Page, key: str) -> str:
    return page.gettext(PROBLEMS[key])


def _admin(page: Page) -> Administration:
    """The accounts as the page's user administers them (``Forbidden`` unless they may)."""
    return administration(page.archive.store, page.principal, ip=client_ip(page.request))


def _options(page: Page) -> dict[str, list[tuple[str, str]]]:
    def labelled(group: str, values: list[str]) -> list[tuple[str, str]]:
        return [(v, page.gettext(_label(group, v))) for v in values]

    return {
        "roles": labelled("role", [r.value for r in Role]),
        "clearances": labelled("confidentiality", [c.value for c in Confidentiality]),
    }


def _label(group: str, value: str) -> str:
    return ENUMS[group].get(value, value)


def _problems(page: Page, exc: Invalid | Conflict) -> dict[str, str]:
    """The service's error as translated messages, by the new-user form's fields."""
    if isinstance(exc, Conflict):
        return {"username": _problem(page, "taken")}
    fields = {"username": "username", "password": "password", "group": "groups"}
    fields |= {"role": "role", "clearance": "clearance"}
    found = {fields[k]: _problem(page, k) for k in exc.errors if k in fields}
    return found or {"(form)": exc.message}


def _index(
    page: Page,
    admin: Administration,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> Response:
    archive = page.archive
    names, current_key = custodians(archive.path)
    context = {
        "users": admin.users(),
        "permissions": list(Permission),
        "table": PERMISSIONS,
        "custodians": names,
        "current_key": current_key,
        "config": archive.config,
        "database": archive.store.dialect,
        "keys_unlocked": page.request.app.state.keys is not None,
        "options": _options(page),
        "values": dict(values or {"clearance": Confidentiality.INTERNAL.value}),
        "errors": dict(errors or {}),
    }
    return page.render("admin/index.html", context, status=status, section="/admin")


def _user_page(
    page: Page,
    target: User,
    *,
    flash: str | None = None,
    totp_uri: str | None = None,
    temporary_password: str | None = None,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "target": target,
        "options": _options(page),
        "values": {
            "role": target.role.value,
            "clearance": target.clearance.value,
            **(values or {}),
        },
        "errors": dict(errors or {}),
        "flash": flash,
        "totp_uri": totp_uri,
        "temporary_password": temporary_password,
        "is_me": target.id == page.me.id,
    }
    return page.render("admin/user.html", context, status=status, section="/admin")


@router.get("/admin")
def admin_page(page: PageDep) -> Response:
    return _index(page, _admin(page))


@router.post("/admin/users")
def add_user(
    page: PageDep,
    username: FormText = "",
    role: FormText = "",
    clearance: FormText = "",
    groups: FormText = "",
    password: FormText = "",
    password2: FormText = "",
) -> Response:
    """A new account with the password the administrator sets (as ``sviedka user add`` asks
    for one); they hand it over themselves. Nothing is saved when a field is wrong."""
    admin = _admin(page)
    values = {"username": username, "role": role, "clearance": clearance, "groups": groups}
    errors: dict[str, str] = {}
    if role not in set(Role):
        errors["role"] = _problem(page, "role")
    if clearance not in set(Confidentiality):
        errors["clearance"] = _problem(page, "clearance")
    if password != password2:
        errors["password2"] = _problem(page, "password2")
    if not errors:
        group_names = [g.strip() for g in groups.split(",") if g.strip()]
        try:
            made = admin.add(
                username,
                password,
                role=role,
                clearance=clearance,
                groups=group_names,
            )
        except (Invalid, Conflict) as exc:
            errors = _problems(page, exc)
        else:
            flash = page.gettext("%(name)s was added.", name=made.username)
            return _user_page(page, made, flash=flash)
    return _index(page, admin, values=values, errors=errors, status=422)


@router.get("/admin/users/{username}")
def user_page(page: PageDep, username: str) -> Response:
    return _user_page(page, _admin(page).find(username))


@router.post("/admin/users/{username}/role")
def change_role(page: PageDep, username: str, role: FormText = "") -> Response:
    admin = _admin(page)
    target = admin.find(username)
    if role not in set(Role):
        return _refused(page, target, "role", "role", {"role": role})
    if target.id == page.me.id and role != target.role:
        return _refused(page, target, "role", "self", {"role": role})
    changed = admin.set_role(target.username, role)
    admin.audit("user_change", changed, {"role": changed.role.value})
    return _user_page(page, changed, flash=page.gettext("The role was changed."))


@router.post("/admin/users/{username}/clearance")
def change_clearance(page: PageDep, username: str, clearance: FormText = "") -> Response:
    admin = _admin(page)
    target = admin.find(username)
    if clearance not in set(Confidentiality):
        return _refused(page, target, "clearance", "clearance", {"clearance": clearance})
    changed = admin.set_clearance(target.username, clearance)
    admin.audit("user_change", changed, {"clearance": changed.clearance.value})
    return _user_page(page, changed, flash=page.gettext("The clearance was changed."))


@router.post("/admin/users/{username}/groups")
def add_group(page: PageDep, username: str, group: FormText = "") -> Response:
    admin = _admin(page)
    target = admin.find(username)
    try:
        changed = admin.add_group(target.username, group.strip())
    except Invalid:
        return _refused(page, target, "group", "group", {"group": group})
    admin.audit("user_change", changed, {"add_groups": [group.strip()]})
    return _user_page(page, changed, flash=page.gettext("The groups were changed."))


@router.post("/admin/users/{username}/groups/remove")
def remove_group(page: PageDep, username: str, group: FormText = "") -> Response:
    admin = _admin(page)
    target = admin.find(username)
    if group not in target.groups:
        return _refused(page, target, "group", "group", {})
    changed = admin.remove_group(target.username, group)
    admin.audit("user_change", changed, {"remove_groups": [group]})
    return _user_page(page, changed, flash=page.gettext("The groups were changed."))


@router.post("/admin/users/{username}/totp")
def require_totp(page: PageDep, username: str, required: FormText = "1") -> Response:
    """Require (or stop requiring) a second factor. Someone not yet enrolled gets a secret at
    once: its ``otpauth://`` address is shown on this answer only, never stored in a link."""
    admin = _admin(page)
    target = admin.find(username)
    on = required == "1"
    uri = admin.require_totp(target.username, on)
    changed = admin.get(target.id)
    admin.audit("user_change", changed, {"totp_required": on})
    if on:
        flash = page.gettext("A second factor is now required.")
    else:
        flash = page.gettext("A second factor is no longer required.")
    return _user_page(page, changed, flash=flash, totp_uri=uri)


@router.post("/admin/users/{username}/disabled")
def set_disabled(page: PageDep, username: str, disabled: FormText = "1") -> Response:
    """Disable (their sessions end at once) or enable an account."""
    admin = _admin(page)
    target = admin.find(username)
    off = disabled == "1"
    if off and target.id == page.me.id:
        return _refused(page, target, "disabled", "self", {})
    changed = admin.set_disabled(target.username, off)
    admin.audit("user_change", changed, {"disabled": off})
    if off:
        flash = page.gettext("The account was disabled.")
    else:
        flash = page.gettext("The account was enabled.")
    return _user_page(page, changed, flash=flash)


@router.post("/admin/users/{username}/password")
def reset_password(
    page: PageDep, username: str, password: FormText = "", password2: FormText = ""
) -> Response:
    """Reset the password: to the one typed (twice), or, left empty, to a temporary one made
    here and shown on this answer only. The user must change it at their next login; their
    sessions end and their API tokens are revoked at once."""
    admin = _admin(page)
    target = admin.find(username)
    if target.id == page.me.id:
        return _refused(page, target, "password", "self_password", {})
    if password != password2:
        return _refused(page, target, "password2", "password2", {})
    try:
        changed, temporary = admin.reset_password(target.username, password or None)
    except Invalid:
        return _refused(page, target, "password", "password", {})
    flash = page.gettext(
        "The password was reset: %(name)s must change it at their next login. Their sessions "
        "and API tokens have ended.",
        name=changed.username,
    )
    return _user_page(page, changed, flash=flash, temporary_password=temporary)


@router.post("/admin/users/{username}/unlock")
def unlock(page: PageDep, username: str) -> Response:
    """Forget the failed logins for this name (after a lockout)."""
    admin = _admin(page)
    target = admin.find(username)
    admin.unlock(target.username)
    admin.audit("user_change", target, {"unlock": True})
    return _user_page(page, target, flash=page.gettext("The user may try to log in again."))


def _refused(
    page: Page, target: User, field: str, problem: str, values: Mapping[str, str]
) -> Response:
    """The user's page again, with the problem (a key of ``PROBLEMS``) next to ``field``."""
    errors = {field: _problem(page, problem)}
    return _user_page(page, target, values=values, errors=errors, status=422)
