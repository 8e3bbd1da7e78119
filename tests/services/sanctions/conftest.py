"""Archives for the sanctions services: a real store (SQLite, and PostgreSQL when marked) inside
an ``Archive`` without keys, and the real lists from ``../shared/data``."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sanctionkit import ACTOR, person

from shared_data import shared_file
from sviedka.services.archive.folder import Archive, ArchiveConfig
from sviedka.services.importing import ImportOptions
from sviedka.services.records.records import add_record
from sviedka.services.sanctions.ofac import import_ofac_sdn
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


@pytest.fixture
def documented(archive: Archive, sdn_csv: Path, tmp_path: Path) -> dict[str, str]:
    """The OFAC Belarus rows loaded; a case with a judge (listed, in Belarusian Cyrillic), a
    prosecutor who shares a listed name but not its birth year, and an officer on no list."""
    lines = [
        line
        for line in sdn_csv.read_text(encoding="ascii").splitlines()
        if line != "\x1a" and "BELARUS" in next(csv.reader([line]))[3]
    ]
    (tmp_path / "sdn.csv").write_text("\n".join(lines), encoding="ascii")
    import_ofac_sdn(archive, tmp_path / "sdn.csv", ImportOptions(actor=ACTOR))
    ids = {
        "judge": person(archive, "Віктар Уладзіміравіч Шэйман", "be", "1958-05-26"),
        "namesake": person(
            archive, "Пётр Петрович Миклашевич", "ru", "1981-03", citizenship=["BY"]
        ),
        "officer": person(archive, "Андрей Викторович Млечко", "ru", None),
        "victim": person(archive, "Алесь Вербіцкі", "be", None),
    }
    case = {"number": "1-77/2021", "judge": ids["judge"], "prosecutor": ids["namesake"]}
    detention = add_record(
        archive.store, "detention", {"person": ids["victim"], "court_cases": [case]}, actor=ACTOR
    ).record.id
    involvement = {"perpetrator": ids["officer"], "detention": detention, "role": "officer"}
    add_record(archive.store, "involvement", involvement, actor=ACTOR)
    return ids | {"detention": detention}
