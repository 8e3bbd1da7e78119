"""docs/security.md shows the roles and scopes tables the code enforces, exactly."""

from __future__ import annotations

import re
from pathlib import Path

from sviedka.policy import PERMISSIONS, SCOPES, Permission
from sviedka.services.accounts import Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not line.startswith("| ---")
    ]


def test_the_roles_table_is_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = rows(re.search(r"<!-- roles-table -->(.*)<!-- /roles-table -->", text, re.S)[1])
    header, body = table[0], table[1:]
    assert header == ["permission", *(role.value for role in Role)]
    documented = {
        Role(role): {Permission(row[0]) for row in body if row[i + 1] == "✓"}
        for i, role in enumerate(header[1:])
    }
    assert documented == dict(PERMISSIONS)
    assert [row[0] for row in body] == [p.value for p in Permission]


def test_the_scopes_table_is_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = rows(text.split("| scope | permissions |", 1)[1].split("\n\n", 1)[0])
    documented = {scope: {p.strip() for p in perms.split(",")} for scope, perms in table}
    assert documented == {s.value: {p.value for p in perms} for s, perms in SCOPES.items()}
