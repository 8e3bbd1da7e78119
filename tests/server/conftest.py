"""Fixtures for the server: a real archive (SQLite, or PostgreSQL in a schema of its own: the
``database`` fixture of tests/conftest.py), the app over it with the keys unlocked, and users of
every role (``serverkit.py``).

Archives are made once per module (making one costs seconds: keys are derived with scrypt) and
the tests in a module share it, each asserting only on what it made or on fixed fixtures.
Passwords are hashed with argon2's cheapest profile here: the tests check behaviour, not cost.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
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


@pytest.fixture(scope="module")
def server(
    database: str | None,
    tmp_path_factory: pytest.TempPathFactory,
    vocabularies: tuple[Vocabulary, ...],
) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("server") / "archive"
    yield from make_server(path, database, vocabularies)
