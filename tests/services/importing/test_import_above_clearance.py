"""Issue 12's rule for imports: nothing above the importer's clearance changes. A row whose id
points at a record the importer may not read is taken as if that record did not exist: the
record gains no revision, and the report does not name it."""

from __future__ import annotations

import dataclasses
import io
import json

from import_sheets import HEADER, ROWS, csv_text

from sviedka.model import Confidentiality, Detention, Person
from sviedka.model.codec import dump
from sviedka.model.ids import new_id
from sviedka.policy import Principal, principal_of
from sviedka.services.accounts import Role, User
from sviedka.services.archive.folder import Archive
from sviedka.services.importing import ImportOptions, run_import, staging

FIRST = ROWS[0]  # id 11, with a detention at a colony
CHANGED = [*FIRST[:4], "26.09.1962", *FIRST[5:]]  # the same row, another birth date


def documenter(clearance: Confidentiality) -> Principal:
    return principal_of(
        User(id=new_id(), username="doc", role=Role.DOCUMENTER, clearance=clearance)
    )


def import_as(archive: Archive, who: Principal, row: list[str]) -> dict[str, object]:
    data = io.BytesIO(csv_text(HEADER, [row]).encode("utf-8"))
    made = staging.stage(archive, who, data, name="list.csv", fmt="csv", actor="user:doc")
    return staging.confirm(archive, who, made.id, actor="user:doc")


def imported_then_raised(archive: Archive, tmp: str) -> tuple[Person, Detention]:
    """Row 11 imported by the custodian, its person and detention then made confidential."""
    path = archive.path.parent / f"{tmp}.csv"
    path.write_text(csv_text(HEADER, [FIRST]), encoding="utf-8")
    run_import(archive, path, "csv", ImportOptions(actor="t"))
    with archive.store.writer() as writer:
        found = [s.record for kind in ("person", "detention") for s in writer.records(kind)]
        (person,) = [r for r in found if isinstance(r, Person) and r.occupation is None]
        (detention,) = [r for r in found if isinstance(r, Detention)]
        person, detention = (
            dataclasses.replace(r, confidentiality=Confidentiality.CONFIDENTIAL)
            for r in (person, detention)
        )
        writer.update(person, actor="t")
        writer.update(detention, actor="t")
    return person, detention


def revisions(archive: Archive, record_id: str) -> int:
    with archive.store.unscoped_view() as view:
        return len(view.history(record_id))


def state(archive: Archive, record_id: str) -> dict[str, object]:
    with archive.store.unscoped_view() as view:
        return dict(dump(view.get(record_id).record))


def test_an_internal_import_leaves_a_confidential_record_alone_and_does_not_name_it(
    archive: Archive,
) -> None:
    person, detention = imported_then_raised(archive, "first")
    before = {r.id: (revisions(archive, r.id), state(archive, r.id)) for r in (person, detention)}
    report = import_as(archive, documenter(Confidentiality.INTERNAL), CHANGED)
    after = {r.id: (revisions(archive, r.id), state(archive, r.id)) for r in (person, detention)}
    assert after == before
    shown = json.dumps(report)
    assert person.id not in shown and detention.id not in shown
    (row,) = report["rows"]  # type: ignore[misc]
    assert row["action"] == "added"  # as if no record had the list's id 11


def test_a_confidential_import_updates_the_same_record(archive: Archive) -> None:
    person, _ = imported_then_raised(archive, "first")
    count = revisions(archive, person.id)
    report = import_as(archive, documenter(Confidentiality.CONFIDENTIAL), CHANGED)
    assert revisions(archive, person.id) == count + 1
    assert state(archive, person.id)["birth_date"] == "1962-09-26"
    (row,) = report["rows"]  # type: ignore[misc]
    assert row["action"] == "updated" and person.id in row["records"]
