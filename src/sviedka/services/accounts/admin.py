"""Account administration as a principal does it (the API's and the pages' ``/admin``): the
policy is asked once, when the administration is opened (``administration``: ``Forbidden``
unless the principal may manage users), and every change is audited as that principal.

The functions of ``users``, ``passwords``, ``totp`` and ``lockout`` are the archive's own (the
command line's custodian calls them directly); this is how a user reaches them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...model import Confidentiality
from ...policy import Permission, Principal, require
from ...store import SqlStore
from ..archive.audit import audit_event
from .lockout import unlock
from .model import Role, User
from .passwords import reset_password
from .totp import require_totp
from .users import (
    add_group,
    add_user,
    find_user,
    get_user,
    list_users,
    remove_group,
    set_clearance,
    set_disabled,
    set_role,
)

__all__ = ["Administration", "administration"]


def administration(store: SqlStore, principal: Principal, *, ip: str | None) -> Administration:
    """The accounts as ``principal`` administers them; ``Forbidden`` unless it may manage
    users. ``ip``: where the requests come from, for the audit."""
    require(principal, Permission.MANAGE_USERS)
    return Administration(store, principal, ip)


@dataclass(frozen=True)
class Administration:
    """Made by ``administration`` (which asked the policy)."""

    store: SqlStore
    principal: Principal
    ip: str | None

    def users(self) -> list[User]:
        """Every account (never a password or secret)."""
        return list_users(self.store)

    def find(self, username: str) -> User:
        return find_user(self.store, username)

    def get(self, user_id: str) -> User:
        return get_user(self.store, user_id)

    def add(
        self,
        username: str,
        password: str,
        *,
        role: Role | str,
        clearance: Confidentiality | str,
        groups: Iterable[str],
    ) -> User:
        """Create an account (audited as ``user_add``)."""
        made = add_user(
            self.store, username, password, role=role, clearance=clearance, groups=groups
        )
        details = {"role": made.role.value, "clearance": made.clearance.value}
        self.audit("user_add", made, details)
        return made

    def reset_password(self, username: str, password: str | None) -> tuple[User, str | None]:
        """Reset a password, to ``password`` or a temporary one returned once (audited as
        ``user_password_reset``)."""
        target, temporary = reset_password(self.store, username, password)
        self.audit("user_password_reset", target, {"generated": temporary is not None})
        return target, temporary

    # The changes below are audited by the caller, once per request (``audit``): the API
    # changes several things in one request, a page one.

    def set_role(self, username: str, role: Role | str) -> User:
        return set_role(self.store, username, role)

    def set_clearance(self, username: str, clearance: Confidentiality | str) -> User:
        return set_clearance(self.store, username, clearance)

    def add_group(self, username: str, group: str) -> User:
        return add_group(self.store, username, group)

    def remove_group(self, username: str, group: str) -> User:
        return remove_group(self.store, username, group)

    def set_disabled(self, username: str, disabled: bool) -> User:
        return set_disabled(self.store, username, disabled)

    def require_totp(self, username: str, required: bool) -> str | None:
        return require_totp(self.store, username, required)

    def unlock(self, username: str) -> None:
        unlock(self.store, username)

    def audit(self, action: str, target: User, details: Mapping[str, Any]) -> None:
        """Log an account change by the principal (``user_change`` …)."""
        audit_event(
            self.store, action, target.id, actor=self.principal, ip=self.ip, details=details
        )
