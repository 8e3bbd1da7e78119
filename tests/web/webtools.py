"""Helpers the web tests share (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from sviedka.services.accounts import add_user
from sviedka.services.archive.folder import init_archive
from sviedka.services.records.vocab import shipped_vocabularies

PASSWORD = "correct horse battery staple"
PASSPHRASE = "a web test passphrase"
USERS = {
    "doc": ("documenter", "confidential"),
    "viewer": ("viewer", "internal"),
    "admin": ("admin", "restricted"),
}


def make_archive(path: Path, database_url: str | None = None) -> Path:
    archive, _ = init_archive(
        path,
        shipped_vocabularies(),
        custodian="web",
        passphrase=PASSPHRASE,
        name="Web tests",
        database_url=database_url,
    )
    with archive:
        for name, (role, clearance) in USERS.items():
            add_user(archive.store, name, PASSWORD, role=role, clearance=clearance)
    return path


def login(client: TestClient, name: str) -> str:
    """Log in and return the CSRF token of the new session."""
    r = client.post("/login", data={"username": name, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/")
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page.text)
    assert found, "no CSRF token on the dashboard"
    return found.group(1)
