"""Fixtures for the web pages: a real archive (shipped vocabularies, made once per session and
copied per test), three users, and the server's real ``create_app`` behind a TestClient."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webtools import PASSPHRASE, make_archive

from sviedka.http.app import create_app
from sviedka.http.config import ServerConfig
from sviedka.services.archive.folder import open_archive
from sviedka.services.archive.keys import unlock_archive


@pytest.fixture(scope="session")
def made_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_archive(tmp_path_factory.mktemp("web") / "archive")


@pytest.fixture
def archive_path(made_archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    shutil.copytree(made_archive, path)
    return path


@pytest.fixture
def app_factory(archive_path: Path) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(*, keys: bool = True) -> TestClient:
        unlocked = None
        if keys:
            with open_archive(archive_path) as archive:
                archive_id = archive.config.id
            unlocked = unlock_archive(archive_path, archive_id, "web", PASSPHRASE)
        app = create_app(ServerConfig(archive=archive_path, keys=unlocked, rate_limit=0))
        client = TestClient(app, base_url="http://localhost")
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(app_factory: Callable[..., TestClient]) -> TestClient:
    return app_factory()
