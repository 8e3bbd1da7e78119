"""Fixture strategy.

* Stores are real: SQLite in a tmp folder, and PostgreSQL in a schema of its own per test
  (``SVIEDKA_TEST_DATABASE_URL``, default the local server). Without a server the PostgreSQL cases
  skip, except under ``CI=true``, where they must run and so fail instead.
* Vocabularies for store tests are small and built here; CLI and demo tests use the shipped ones.
* Nothing reaches the network; data comes from the test, the repo or ``../shared/data``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from pg_schema import pg_schema
from shared_data import unavailable
from sviedka.model import VocabTerm, Vocabulary
from sviedka.store import SqlStore, open_store

ROOT = Path(__file__).resolve().parents[1]
CLI_PASSPHRASE = "correct horse battery staple"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _vocab(name: str, *codes: str) -> Vocabulary:
    return Vocabulary(name, name, "tests", tuple(VocabTerm(c, {"en": c.upper()}) for c in codes))


TEST_VOCABULARIES = (
    _vocab("criminal_code_by", "130", "342", "361-1", "369"),
    _vocab("penalty_types", "deprivation_of_liberty", "fine"),
    _vocab("facility_regimes", "general", "strict"),
    _vocab("facility_types", "sizo", "correctional_colony"),
    _vocab("punishment_types", "shizo", "pkt"),
    _vocab("regions_by", "BY-HM", "BY-BR"),
    _vocab("pace_criteria", "a", "b", "c", "d", "e"),
    _vocab("parties", "bnf", "other"),
)


@pytest.fixture(scope="session")
def vocabularies() -> tuple[Vocabulary, ...]:
    """Small vocabularies for archives made by tests (the shipped ones take a second to load)."""
    return TEST_VOCABULARIES


@pytest.fixture(scope="session")
def pg_server() -> str:
    url = os.environ.get("SVIEDKA_TEST_DATABASE_URL", DEFAULT_PG)
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        unavailable(f"a PostgreSQL server at SVIEDKA_TEST_DATABASE_URL ({exc})")
    return url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    with pg_schema(pg_server) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """For a module that makes one archive and runs on both backends: None for SQLite, else the
    URL of a fresh PostgreSQL schema, dropped after the module."""
    if request.param == "sqlite":
        yield None
        return
    with pg_schema(request.getfixturevalue("pg_server")) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    store = open_store(db_url)
    with store.writer() as writer:
        for vocabulary in TEST_VOCABULARIES:
            writer.put_vocabulary(vocabulary)
    yield store
    store.close()


@pytest.fixture(scope="session")
def cli_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty archive made by ``sviedka init`` (custodian alice), once per session: CLI tests
    copy it rather than pay for key derivation in every test."""
    from typer.testing import CliRunner

    from sviedka.cli import app

    path = tmp_path_factory.mktemp("cli-template") / "archive"
    env = {"SVIEDKA_PASSPHRASE": CLI_PASSPHRASE, "SVIEDKA_CUSTODIAN": "alice"}
    result = CliRunner().invoke(app, ["init", str(path)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def archive(cli_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the CLI template archive (test modules and folders may define their own)."""
    path = tmp_path / "archive"
    shutil.copytree(cli_template, path)
    return path
