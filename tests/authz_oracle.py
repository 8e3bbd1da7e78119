"""The oracle of the authorisation matrices (``tests/server/test_matrix.py`` through the API,
``tests/web/test_web_matrix.py`` through the pages): the roles table of docs/security.md and its
rules on clearance, compartments and statistics, written out by hand here — never imported from
the code under test, so that a change to the rules in the code has to be made here as well."""

from __future__ import annotations

LEVELS = ("public", "internal", "confidential", "restricted")
ROLES = ("viewer", "documenter", "verifier", "coordinator", "admin")
_DOCUMENTER = frozenset(
    {"read", "read_sensitive", "create", "update", "evidence_upload", "evidence_download", "import"}
)
_VERIFIER = _DOCUMENTER | {"judge", "proof"}
_COORDINATOR = _VERIFIER | {"manage_grants", "view_audit", "checkpoint"}
# The roles table of docs/security.md.
ROLE_CAN = {
    "viewer": frozenset({"read"}),
    "documenter": _DOCUMENTER,
    "verifier": _VERIFIER,
    "coordinator": _COORDINATOR,
    "admin": _COORDINATOR | {"manage_users", "manage_keys"},
}
# Every role at every clearance: (role, clearance).
USERS = tuple((role, clearance) for role in ROLES for clearance in LEVELS)

User = tuple[str, str]


def name(user: User) -> str:
    return f"{user[0]}-{user[1]}"


def allowed(user: User, permission: str) -> bool:
    return permission in ROLE_CAN[user[0]]


def may_read(user: User, level: str, *, granted: bool = False) -> bool:
    """The role reads, the level is within the clearance, and a restricted record is granted to
    the user or to one of their groups (whatever the role: administrators included)."""
    within = LEVELS.index(level) <= LEVELS.index(user[1])
    return allowed(user, "read") and within and (level != "restricted" or granted)


def counted(user: User, level: str) -> bool:
    """Whether statistics count a record of ``level`` for the user: up to their clearance, and
    never a restricted one (counting compartments would tell that records exist)."""
    return level != "restricted" and may_read(user, level)
