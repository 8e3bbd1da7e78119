"""FollowTheMoney entity files: a small file made here, read and stored as a list version."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

from sviedka.errors import Invalid
from sviedka.services.archive.folder import Archive
from sviedka.services.importing import Action, ImportOptions
from sviedka.services.sanctions.entries import BirthSpan, ListedName
from sviedka.services.sanctions.ftm import import_ftm
from sviedka.services.sanctions.lists import current_entries, current_versions

OPTIONS = ImportOptions(actor="test")


def entity(schema: str, entity_id: str, **props: Any) -> dict[str, Any]:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, values in props.items():
        proxy.add(prop, values)
    return {**proxy.to_dict(), "datasets": ["eu_fsf"], "last_change": "2024-03-01T10:00:00"}


def write(path: Path, *lines: dict[str, Any] | str) -> Path:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


PERSON = entity(
    "Person",
    "eu-judge-1",
    name="Ivan Petrovich SIDOROV",
    alias="Иван Петрович Сидоров",
    birthDate="1960-05-01",
    nationality="by",
    gender="male",
    position="Judge",
)
SANCTION = entity(
    "Sanction",
    "eu-sanction-1",
    entity="eu-judge-1",
    authority="Council of the European Union",
    program="BELARUS",
    startDate="2021-06-21",
)
COMPANY = entity("Company", "eu-company-1", name="Belaruskali OAO")


def test_people_and_companies_with_their_sanctions(archive: Archive, tmp_path: Path) -> None:
    path = write(tmp_path / "eu.json", PERSON, SANCTION, COMPANY)
    report = import_ftm(archive, path, OPTIONS)
    assert (report.rows_read, report.count(Action.ADDED)) == (3, 2)
    with archive.store.unscoped_view() as view:
        (version,) = current_versions(view)
        entries = {e.ref: e for _, e in current_entries(view)}
    assert (version.list, version.authority, version.list_date) == (
        "eu_fsf",
        "Council of the European Union",
        "2024-03-01",
    )
    judge = entries["eu-judge-1"]
    assert judge.names == (
        ListedName("Ivan Petrovich SIDOROV"),
        ListedName("Иван Петрович Сидоров", "alias"),
    )
    assert judge.birth_dates == (BirthSpan("1960-05-01", date(1960, 5, 1), date(1960, 5, 1)),)
    assert (judge.programmes, judge.listed, judge.nationalities) == (
        ("BELARUS",),
        "2021-06-21",
        ("by",),
    )
    assert (entries["eu-company-1"].schema, entries["eu-company-1"].programmes) == (
        "organisation",
        (),
    )


def test_nested_entities_are_read_as_if_flat(archive: Archive, tmp_path: Path) -> None:
    nested = {**PERSON, "properties": {**PERSON["properties"], "sanctions": [SANCTION]}}
    import_ftm(archive, write(tmp_path / "nested.json", nested), OPTIONS)
    with archive.store.unscoped_view() as view:
        (entry,) = [e for _, e in current_entries(view, "person")]
    assert entry.programmes == ("BELARUS",)


def test_bad_lines_are_refused_by_line(archive: Archive, tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.json",
        PERSON,
        "{not json",
        {"id": "x", "schema": "Spaceship", "properties": {}},
        {"schema": "Person", "properties": {}},
    )
    stopped = import_ftm(archive, path, OPTIONS)
    assert stopped.rolled_back
    assert [(o.row, o.reasons) for o in stopped.outcomes if o.action is Action.REJECTED] == [
        (2, ("is not a JSON object",)),
        (3, ("is not a valid FtM entity",)),
        (4, ("is not an entity: it needs an id and a schema",)),
    ]
    with archive.store.unscoped_view() as view:
        assert current_versions(view) == []
    kept = import_ftm(archive, path, ImportOptions(actor="test", keep_going=True))
    assert (kept.count(Action.ADDED), kept.count(Action.REJECTED)) == (1, 3)


def test_an_empty_file_is_refused(archive: Archive, tmp_path: Path) -> None:
    with pytest.raises(Invalid):
        import_ftm(archive, write(tmp_path / "empty.json", ""), OPTIONS)


def test_malformed_entities_are_refused_by_line_not_crashed_on(
    archive: Archive, tmp_path: Path
) -> None:
    deep: dict[str, Any] = {"id": "n", "schema": "Person", "properties": {"name": ["N"]}}
    inner = deep
    for i in range(17):  # nested entities, each inside the last
        inner["properties"]["associates"] = [{"id": f"n{i}", "schema": "Person", "properties": {}}]
        inner = inner["properties"]["associates"][0]
    path = write(
        tmp_path / "bad.json",
        PERSON,
        {"id": "x", "schema": "Person", "properties": ["name"]},
        "[" * 100_000 + "]" * 100_000,
        deep,
    )
    report = import_ftm(archive, path, OPTIONS)
    assert report.rolled_back
    assert [(o.row, o.reasons) for o in report.outcomes if o.action is Action.REJECTED] == [
        (2, ("has properties that are not an object",)),
        (3, ("is not a JSON object",)),
        (4, ("has entities nested more than 16 deep",)),
    ]
    with archive.store.unscoped_view() as view:
        assert current_versions(view) == []
