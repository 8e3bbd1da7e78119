"""Archives for import tests: Sviedka's own vocabularies (the Criminal Code articles, penalties,
regimes, facility types the importer checks against), on SQLite (a copy of one template per test)
and on PostgreSQL (a fresh schema per test)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sviedka.model import Vocabulary
from sviedka.services.archive.folder import Archive, init_archive, open_archive
from sviedka.vocab import load_builtin

PASSPHRASE = "import tests passphrase"


@pytest.fixture(scope="session")
def own_vocabularies() -> list[Vocabulary]:
    return load_builtin()


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory, own_vocabularies: list[Vocabulary]) -> Path:
    path = tmp_path_factory.mktemp("import-template") / "archive"
    archive, _ = init_archive(path, own_vocabularies, custodian="t", passphrase=PASSPHRASE)
    archive.close()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def archive(
    request: pytest.FixtureRequest,
    template: Path,
    tmp_path: Path,
    own_vocabularies: list[Vocabulary],
) -> Iterator[Archive]:
    """An empty archive on SQLite and on PostgreSQL."""
    path = tmp_path / "archive"
    if request.param == "sqlite":
        shutil.copytree(template, path)
        opened = open_archive(path)
    else:
        url = str(request.getfixturevalue("pg_url"))
        made, _ = init_archive(
            path, own_vocabularies, custodian="t", passphrase=PASSPHRASE, database_url=url
        )
        made.close()
        opened = open_archive(path, database_url=url)
    with opened:
        yield opened


@pytest.fixture
def sqlite_archive(template: Path, tmp_path: Path) -> Iterator[Archive]:
    """An empty archive on SQLite only, for tests of reading files (no store difference)."""
    path = tmp_path / "archive"
    shutil.copytree(template, path)
    with open_archive(path) as opened:
        yield opened
