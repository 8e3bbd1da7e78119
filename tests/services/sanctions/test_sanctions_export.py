"""Export to FollowTheMoney: entities validate, ids are stable, non-public data stays in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

from sviedka.errors import Invalid
from sviedka.model import Confidentiality
from sviedka.services.archive.folder import Archive
from sviedka.services.records.records import add_record
from sviedka.services.sanctions.export import export_ftm

ACTOR = "test"


def add(archive: Archive, kind: str, body: dict[str, Any]) -> str:
    return add_record(archive.store, kind, body, actor=ACTOR).record.id


def scenario(archive: Archive) -> dict[str, str]:
    court = add(
        archive,
        "organisation",
        {
            "names": [{"full": "Суд Фрунзенского района города Минска"}],
            "kind": "court",
            "country": "BY",
            "confidentiality": "public",
        },
    )
    judge = add(
        archive,
        "person",
        {
            "names": [
                {
                    "full": "Андрей Викторович Млечко",
                    "lang": "ru",
                    "given": "Андрей",
                    "patronymic": "Викторович",
                    "family": "Млечко",
                }
            ],
            "birth_date": "1988-03-07",
            "citizenship": ["BY"],
            "confidentiality": "public",
        },
    )
    hidden = add(
        archive, "person", {"names": [{"full": "Сакрэтны Пракурор"}], "confidentiality": "internal"}
    )
    victim = add(
        archive, "person", {"names": [{"full": "Алесь Вербіцкі"}], "confidentiality": "public"}
    )
    case = {"number": "1-77/2021", "court": court, "judge": judge, "prosecutor": hidden}
    add(
        archive, "detention", {"person": victim, "court_cases": [case], "confidentiality": "public"}
    )
    add(
        archive,
        "position",
        {"person": judge, "organisation": court, "title": "судья", "confidentiality": "public"},
    )
    sanction = add(
        archive,
        "sanction",
        {
            "authority": "Council of the European Union",
            "programme": "BELARUS",
            "subject": judge,
            "listed": "2022-08-04",
            "reference": "EU.1234",
            "confidentiality": "public",
        },
    )
    return {
        "court": court,
        "judge": judge,
        "hidden": hidden,
        "victim": victim,
        "sanction": sanction,
    }


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_public_perpetrators_export_as_valid_ftm(archive: Archive, tmp_path: Path) -> None:
    ids = scenario(archive)
    report = export_ftm(archive.store, tmp_path / "out.ftm.json")
    assert report.entities == {
        "CourtCase": 1,
        "CourtCaseParty": 1,
        "Occupancy": 1,
        "Organization": 1,
        "Person": 1,
        "Position": 1,
        "Sanction": 1,
    }
    entities = read(tmp_path / "out.ftm.json")
    for data in entities:  # FtM reads back what we wrote, and finds it valid
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.schema.validate(data) is None
    by_schema = {e["schema"]: e for e in entities}
    person = by_schema["Person"]
    assert person["id"] == f"sviedka-{ids['judge']}"
    assert person["properties"]["birthDate"] == ["1988-03-07"]
    assert person["properties"]["lastName"] == ["Млечко"]
    assert by_schema["CourtCaseParty"]["properties"]["party"] == [person["id"]]
    assert by_schema["CourtCaseParty"]["properties"]["role"] == ["judge"]
    assert by_schema["Occupancy"]["properties"]["holder"] == [person["id"]]
    assert by_schema["Sanction"]["properties"]["entity"] == [person["id"]]
    text = (tmp_path / "out.ftm.json").read_text(encoding="utf-8")
    assert "Сакрэтны" not in text and "Вербіцкі" not in text  # internal data and the victim


def test_internal_records_only_when_asked(archive: Archive, tmp_path: Path) -> None:
    ids = scenario(archive)
    include = frozenset({Confidentiality.INTERNAL})
    report = export_ftm(archive.store, tmp_path / "all.json", include=include)
    assert report.entities["Person"] == 2 and report.entities["CourtCaseParty"] == 2
    first = read(tmp_path / "all.json")
    export_ftm(archive.store, tmp_path / "again.json", include=include)
    assert read(tmp_path / "again.json") == first  # stable ids and order
    assert f"sviedka-{ids['hidden']}" in {e["id"] for e in first}


def test_a_post_with_no_title_at_an_unexported_organisation_is_left_out(
    archive: Archive, tmp_path: Path
) -> None:
    ids = scenario(archive)
    unit = add(archive, "organisation", {"names": [{"full": "Спецпадраздзяленне"}]})  # internal
    add(
        archive,
        "position",
        {"person": ids["judge"], "organisation": unit, "confidentiality": "public"},
    )
    report = export_ftm(archive.store, tmp_path / "out.ftm.json")
    assert (report.entities["Position"], report.entities["Occupancy"]) == (1, 1)  # the court's
    assert "Спецпадраздзяленне" not in (tmp_path / "out.ftm.json").read_text(encoding="utf-8")


def test_an_output_that_cannot_be_written_is_a_clear_error(
    archive: Archive, tmp_path: Path
) -> None:
    scenario(archive)
    (tmp_path / "out" / "taken").mkdir(parents=True)
    with pytest.raises(Invalid, match="Cannot write taken"):
        export_ftm(archive.store, tmp_path / "out" / "taken")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["taken"]  # no temp file left
