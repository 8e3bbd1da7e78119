"""Archives for the sanctions services: a real store (SQLite, and PostgreSQL when marked) inside
an ``Archive`` without keys, and the real lists from ``../shared/data``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sviedka.services.archive import Archive, ArchiveConfig
from sviedka.store import SqlStore

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file of ``../shared/data``; the test skips without it, except under CI=true."""
    path = SHARED_DATA / relative
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is needed under CI")
        pytest.skip(f"{path} is not here")
    return path


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


@pytest.fixture(autouse=True)
def names_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in until ``sviedka.names`` exports ``match_names`` (being written alongside)."""
    import sviedka.names as names

    if not hasattr(names, "match_names"):
        from sviedka.names.score import match_names

        monkeypatch.setattr(names, "match_names", match_names, raising=False)
