"""The rules of docs/security.md written out by hand, as the tests' oracle (never computed from
the code under test)."""

from __future__ import annotations

LEVELS = ["public", "internal", "confidential", "restricted"]
ROLES = ["viewer", "documenter", "verifier", "coordinator", "admin"]
PERMISSIONS = [
    "read",
    "read_sensitive",
    "create",
    "update",
    "judge",
    "evidence_upload",
    "evidence_download",
    "import",
    "proof",
    "checkpoint",
    "manage_grants",
    "view_audit",
    "manage_users",
    "manage_keys",
]
_DOCUMENTER = {
    "read",
    "read_sensitive",
    "create",
    "update",
    "evidence_upload",
    "evidence_download",
    "import",
}
_VERIFIER = _DOCUMENTER | {"judge", "proof"}
_COORDINATOR = _VERIFIER | {"manage_grants", "view_audit", "checkpoint"}
ROLE_CAN = {
    "viewer": {"read"},
    "documenter": _DOCUMENTER,
    "verifier": _VERIFIER,
    "coordinator": _COORDINATOR,
    "admin": _COORDINATOR | {"manage_users", "manage_keys"},
}
SCOPE_CAN = {
    "read": {"read", "read_sensitive", "proof"},
    "write": {"create", "update", "judge"},
    "evidence": {"evidence_upload", "evidence_download"},
    "import": {"import"},
    "admin": {"manage_grants", "view_audit", "checkpoint", "manage_users", "manage_keys"},
}


def up_to(clearance: str) -> set[str]:
    return set(LEVELS[: LEVELS.index(clearance) + 1])
