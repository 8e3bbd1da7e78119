"""Who a user is: a role, a clearance, groups, and what an API token narrows that to.

``Role`` and ``Scope`` are the policy's own (``policy/roles.py``), named here too for callers
of the accounts."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Confidentiality
from ...policy import Role, Scope

__all__ = ["Role", "Scope", "User"]


@dataclass(frozen=True)
class User:
    """Who is asking. ``scopes`` is set when the request came with an API token: the token's
    scopes narrow what the role allows (``None``: a login session, the whole role).
    ``must_change_password``: an administrator reset the password; until the user sets their
    own, they may do nothing else."""

    id: str
    username: str
    role: Role
    clearance: Confidentiality
    groups: frozenset[str] = frozenset()
    language: str | None = None
    totp_required: bool = False
    totp_enabled: bool = False
    disabled: bool = False
    scopes: frozenset[str] | None = None
    must_change_password: bool = False
