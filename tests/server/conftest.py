"""Fixtures for the server: a real archive (SQLite, or PostgreSQL in a schema of its own), the app
over it with the keys unlocked, and users of every role (``serverkit.py``).

Archives are made once per module (making one costs seconds: keys are derived with scrypt) and
the tests in a module share it, each asserting only on what it made or on fixed fixtures.
Passwords are hashed with argon2's cheapest profile here: the tests check behaviour, not cost.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from serverkit import Server, make_server

from sviedka.model import Vocabulary
from sviedka.services import accounts


@pytest.fixture(scope="session", autouse=True)
def cheap_hashing() -> Iterator[None]:
    saved = accounts.hashing.HASHER
    accounts.hashing.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts.hashing.HASHER = saved


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite, else the URL of a fresh PostgreSQL schema (dropped after the module)."""
    if request.param == "sqlite":
        yield None
        return
    server = request.getfixturevalue("pg_server")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def server(
    backend: str | None,
    tmp_path_factory: pytest.TempPathFactory,
    vocabularies: tuple[Vocabulary, ...],
) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("server") / "archive"
    yield from make_server(path, backend, vocabularies)
