"""Who a user is: a role, a clearance, groups, and what an API token narrows that to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ...model import Confidentiality

__all__ = ["Role", "Scope", "User"]


class Scope(StrEnum):
    """What an API token may be used for, within its user's role (``access.SCOPES``)."""

    READ = "read"
    WRITE = "write"
    EVIDENCE = "evidence"
    IMPORT = "import"
    ADMIN = "admin"


class Role(StrEnum):
    """What a user may do; ``access.PERMISSIONS`` is the table. Declared from the least to the
    most: each role may do what the ones before it may."""

    VIEWER = "viewer"
    DOCUMENTER = "documenter"
    VERIFIER = "verifier"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


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
