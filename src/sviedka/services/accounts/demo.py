"""The demo archive's accounts, with their passwords printed in the tour."""

from __future__ import annotations

from ...model import Confidentiality
from ...store import SqlStore
from .model import Role
from .users import add_user

__all__ = ["DEMO_USERS", "add_demo_users"]

DEMO_USERS = (
    ("admin", Role.ADMIN, Confidentiality.RESTRICTED, "everything; grants and audit"),
    ("documenter", Role.DOCUMENTER, Confidentiality.CONFIDENTIAL, "records, evidence, imports"),
    ("viewer", Role.VIEWER, Confidentiality.PUBLIC, "reads public records; contacts hidden"),
)


def add_demo_users(store: SqlStore) -> str:
    """Demo accounts with passwords printed in the tour (a demo archive protects nothing);
    returns the tour's lines about logging in."""
    lines = [
        "",
        "Log in to the web UI and the API (`make demo` serves them on http://127.0.0.1:8000):",
    ]
    for name, role, clearance, what in DEMO_USERS:
        password = f"demo {name} password"
        add_user(store, name, password, role=role, clearance=clearance)
        lines.append(f"  {name:11} password {password!r:27} {role}, clearance {clearance}: {what}")
    lines.append("  sviedka serve --unlock    # the same by hand; API docs at /api/v1/docs")
    return "\n".join(lines) + "\n"
