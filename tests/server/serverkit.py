"""What the server tests share: an app over a fresh archive, and acting as its users."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sviedka.http import ServerConfig, create_app
from sviedka.http.tokens import create_token
from sviedka.model import Vocabulary
from sviedka.services import accounts
from sviedka.services.archive.folder import init_archive, read_config
from sviedka.services.archive.keys import unlock_archive

PASSPHRASE = "a custodian passphrase for tests"
PASSWORD = "correct horse battery staple"
BASE_URL = "https://testserver"  # the session cookie is Secure: httpx sends it only over https


@dataclass
class Server:
    """An app over a fresh archive, and helpers to act as its users."""

    path: Path
    database_url: str | None
    app: FastAPI
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Any:
        return self.app.state.archive.store

    def user(
        self, name: str, role: str, clearance: str = "restricted", groups: tuple[str, ...] = ()
    ) -> str:
        """Add a user with a token of every scope; return the token."""
        accounts.add_user(self.store, name, PASSWORD, role=role, clearance=clearance, groups=groups)
        scopes = ["read", "write", "evidence", "import", "admin"]
        token, _ = create_token(self.store, name, scopes, timedelta(days=1))
        self.tokens[name] = token
        return token

    def as_(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def another_app(self, **overrides: Any) -> FastAPI:
        """A second app (as a second worker would be) on the same archive and database."""
        config = ServerConfig(
            archive=self.path, database_url=self.database_url, web=False, rate_limit=0
        )
        return create_app(dataclasses.replace(config, **overrides))


def _config(path: Path, url: str | None, **extra: Any) -> ServerConfig:
    keys = unlock_archive(path, _archive_id(path), "custodian", PASSPHRASE)
    return ServerConfig(archive=path, database_url=url, keys=keys, web=False, rate_limit=0, **extra)


def _archive_id(path: Path) -> str:
    return read_config(path).id


def make_server(
    path: Path, url: str | None, vocabularies: tuple[Vocabulary, ...], **extra: Any
) -> Iterator[Server]:
    archive, _ = init_archive(
        path, vocabularies, custodian="custodian", passphrase=PASSPHRASE, database_url=url
    )
    archive.close()
    app = create_app(_config(path, url, **extra))
    with TestClient(app, base_url=BASE_URL) as client:
        yield Server(path, url, app, client)
