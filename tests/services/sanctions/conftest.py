"""Archives for the sanctions services: a real store (SQLite, and PostgreSQL when marked) inside
an ``Archive`` without keys, and the real lists from ``../shared/data``."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared_data import shared_file
from sviedka.services.archive import Archive, ArchiveConfig
from sviedka.store import SqlStore


@pytest.fixture
def archive(store: SqlStore, tmp_path: Path) -> Archive:
    config = ArchiveConfig("test-archive", "test", store.dialect, "test", "none")
    return Archive(tmp_path, config, store)


@pytest.fixture(scope="session")
def sdn_csv() -> Path:
    return shared_file("ofac-sdn/sdn.csv")


@pytest.fixture(scope="session")
def rupep_csv() -> Path:
    return shared_file("rupep-ru-by/ru_bl_peps_parsed.csv")


@pytest.fixture
def default_csv_limit() -> Iterator[None]:
    """Python's own limit on a CSV field (128 KiB), which ``followthemoney`` raises for the whole
    process when it is imported: tests of over-long fields need the default back."""
    old = csv.field_size_limit(128 * 1024)
    yield
    csv.field_size_limit(old)
