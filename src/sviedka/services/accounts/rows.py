"""Users as the services see them, made from their stored rows (``store.accounts.UserRow``):
the row's secrets (password hash, TOTP secrets) stay behind."""

from __future__ import annotations

from ...model import Confidentiality
from ...store.accounts import UserRow
from .model import Role, User

__all__ = ["user_of"]


def user_of(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        clearance=Confidentiality(row.clearance),
        groups=row.groups,
        language=row.language,
        totp_required=row.totp_required,
        totp_enabled=row.totp_secret is not None,
        disabled=row.disabled,
        must_change_password=row.must_change_password,
    )
