"""Administration: users, roles and clearances, the roles table, custodians and keys, archive
settings and custom fields. Read-only here: changes are made with the CLI (``sviedka user …``,
``sviedka keys …``) until the services offer them to the web; the page says which."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from ...services.access import PERMISSIONS, Permission, require
from ...services.accounts import list_users
from ...services.keys import custodians
from ..pages import PageDep

router = APIRouter()


@router.get("/admin")
def admin_page(page: PageDep) -> Response:
    require(page.me, Permission.MANAGE_USERS)
    archive = page.archive
    names, current_key = custodians(archive.path)
    context = {
        "users": list_users(archive.store),
        "permissions": list(Permission),
        "table": PERMISSIONS,
        "custodians": names,
        "current_key": current_key,
        "config": archive.config,
        "database": archive.store.dialect,
        "keys_unlocked": page.request.app.state.keys is not None,
    }
    return page.render("admin/index.html", context, section="/admin")
