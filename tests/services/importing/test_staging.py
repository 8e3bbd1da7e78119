"""Staged imports (upload, dry-run report, confirm or discard): the one use case the API and the
web call. Who may stage, whose staged imports one sees, expiry, and reports that name only what
the importer may read — duplicate warnings included."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import stat
from pathlib import Path

import pytest
from import_sheets import HEADER, csv_text

from sviedka.errors import Invalid, NotFound
from sviedka.model import Confidentiality
from sviedka.model.ids import new_id
from sviedka.policy import Forbidden, Principal, custodian, principal_of
from sviedka.services.accounts import Role, User
from sviedka.services.archive.folder import Archive
from sviedka.services.archive.grants import add_grant
from sviedka.services.importing import ImportOptions, run_import, staging
from sviedka.services.records.records import add_record

ACTOR = "user:doc"


def user(role: Role = Role.DOCUMENTER, clearance: str = "internal", **more: object) -> Principal:
    made = User(id=new_id(), username="u", role=role, clearance=Confidentiality(clearance))
    return principal_of(dataclasses.replace(made, **more))  # type: ignore[arg-type]


def sheet(*rows: tuple[str, str]) -> bytes:
    """A list with one row per (name, birthday), nothing else filled in."""
    cells = [[""] * len(HEADER) for _ in rows]
    for row, (name, birthday) in zip(cells, rows, strict=True):
        row[HEADER.index("name")], row[HEADER.index("birthday")] = name, birthday
    return csv_text(HEADER, cells).encode("utf-8")


def stage(archive: Archive, who: Principal, data: bytes, **options: object) -> staging.Staged:
    return staging.stage(
        archive, who, io.BytesIO(data), name="list.csv", fmt="csv", actor=ACTOR,
        options=staging.StagedOptions(**options),  # type: ignore[arg-type]
    )  # fmt: skip


def person(archive: Archive, name: str, born: str, level: str) -> str:
    payload = {"names": [{"full": name}], "birth_date": born, "confidentiality": level}
    return add_record(archive.store, "person", payload, actor="t").record.id


def reasons(report: dict[str, object]) -> list[list[str]]:
    return [row["reasons"] for row in report["rows"]]  # type: ignore[attr-defined, index]


def staged_folders(archive: Archive) -> list[str]:
    root = archive.path / staging.FOLDER
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


# -- the leak: a duplicate warning must not say that a name exists above one's clearance --------


def test_a_dry_run_warns_of_likely_duplicates_only_among_records_the_importer_may_read(
    archive: Archive,
) -> None:
    hidden = person(archive, "Дмитрий Закрытый", "1980-02-03", "restricted")
    known = person(archive, "Ольга Открытая", "1975-06-07", "internal")
    data = sheet(("Дмитрий Закрытый", "03.02.1980"), ("Ольга Открытая", "07.06.1975"))
    made = stage(archive, user(), data)
    assert [len(r) for r in reasons(made.report)] == [0, 1]
    assert known in reasons(made.report)[1][0] and hidden not in str(made.report)


def test_a_coordinator_cleared_for_restricted_is_warned_only_of_restricted_records_granted(
    archive: Archive,
) -> None:
    hidden = person(archive, "Дмитрий Закрытый", "1980-02-03", "restricted")
    data = sheet(("Дмитрий Закрытый", "03.02.1980"))
    cleared = user(Role.COORDINATOR, "restricted", groups=frozenset({"case-a"}))
    assert reasons(stage(archive, cleared, data).report) == [[]]
    add_grant(archive.store, custodian("t"), hidden, grantee_kind="group", grantee="case-a")
    (warning,) = reasons(stage(archive, cleared, data).report)[0]
    assert warning.startswith(f"likely the same person as {hidden} (score ")


def test_an_import_for_a_reader_warns_only_of_what_that_reader_may_read(
    archive: Archive, tmp_path: Path
) -> None:
    """The importer itself, not only the staged report: the warning is never computed."""
    person(archive, "Дмитрий Закрытый", "1980-02-03", "restricted")
    path = tmp_path / "list.csv"
    path.write_bytes(sheet(("Дмитрий Закрытый", "03.02.1980")))
    options = ImportOptions(actor="t", dry_run=True, reader=user())
    assert run_import(archive, path, "csv", options).outcomes[0].reasons == ()


def test_the_custodian_is_warned_of_likely_duplicates_at_every_level(
    archive: Archive, tmp_path: Path
) -> None:
    """The CLI acts as the archive's custodian (no reader): it sees everything."""
    hidden = person(archive, "Дмитрий Закрытый", "1980-02-03", "restricted")
    path = tmp_path / "list.csv"
    path.write_bytes(sheet(("Дмитрий Закрытый", "03.02.1980")))
    report = run_import(archive, path, "csv", ImportOptions(actor="t", dry_run=True))
    (warning,) = report.outcomes[0].reasons
    assert warning.startswith(f"likely the same person as {hidden} (score ")


def test_a_report_read_later_drops_what_the_importer_may_no_longer_read(archive: Archive) -> None:
    hidden = person(archive, "Дмитрий Закрытый", "1980-02-03", "restricted")
    add_grant(archive.store, custodian("t"), hidden, grantee_kind="group", grantee="case-a")
    cleared = user(Role.COORDINATOR, "restricted", groups=frozenset({"case-a"}))
    made = stage(archive, cleared, sheet(("Дмитрий Закрытый", "03.02.1980")))
    assert hidden in str(made.report)
    later = dataclasses.replace(cleared, groups=frozenset())
    assert hidden not in str(staging.staged(archive, later, made.id).report)


# -- who may stage, and whose staged imports one sees ------------------------------------------


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (user(Role.VIEWER), "does not allow this (import)"),
        (user(clearance="public"), "your clearance does not reach them"),
        (user(scopes=frozenset({"read"})), "This token does not allow this (import)"),
    ],
)
def test_staging_needs_the_import_permission_and_internal_clearance(
    sqlite_archive: Archive, who: Principal, message: str
) -> None:
    with pytest.raises(Forbidden, match=re.escape(message)):
        stage(sqlite_archive, who, sheet(("Жук Антон", "")))
    assert staged_folders(sqlite_archive) == []


def test_a_staged_import_is_its_uploaders_alone(sqlite_archive: Archive) -> None:
    doc, other = user(), user()
    made = stage(sqlite_archive, doc, sheet(("Жук Антон", "")))
    assert staging.staged(sqlite_archive, doc, made.id) == made
    for attempt in (staging.staged, staging.discard):
        with pytest.raises(NotFound, match=f"No staged import with id {made.id}."):
            attempt(sqlite_archive, other, made.id)
    with pytest.raises(NotFound, match=f"No staged import with id {made.id}."):
        staging.confirm(sqlite_archive, other, made.id, actor=ACTOR)
    assert staging.waiting(sqlite_archive, doc) == [made]
    assert staging.waiting(sqlite_archive, other) == []
    assert staging.waiting(sqlite_archive, user(Role.VIEWER)) == []


def test_a_staged_upload_is_owner_only_and_kept_under_its_name(sqlite_archive: Archive) -> None:
    made = stage(sqlite_archive, user(), sheet(("Жук Антон", "")))
    folder = sqlite_archive.path / staging.FOLDER / made.id
    modes = {p.relative_to(folder).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in [folder, *folder.rglob("*")]}  # fmt: skip
    assert modes == {".": 0o700, "upload": 0o700, "upload/list.csv": 0o600, "staged.json": 0o600}
    assert (made.file, made.report["file"]) == ("list.csv", "list.csv")


def test_a_bad_file_is_refused_and_nothing_is_kept(sqlite_archive: Archive) -> None:
    with pytest.raises(Invalid, match="no data rows"):
        stage(sqlite_archive, user(), csv_text(HEADER, []).encode())
    with pytest.raises(Invalid, match="Unknown format"):
        staging.stage(
            sqlite_archive, user(), io.BytesIO(b"x"), name="x.csv", fmt="nope", actor=ACTOR
        )
    assert staged_folders(sqlite_archive) == []


def test_an_uploaded_name_never_becomes_a_path(sqlite_archive: Archive) -> None:
    for name, kept in [("../../x.csv", "x.csv"), ("..", "upload"), ("C:\\a\\b.csv", "b.csv")]:
        made = staging.stage(
            sqlite_archive, user(), io.BytesIO(sheet(("Жук Антон", ""))), name=name, fmt="csv",
            actor=ACTOR,
        )  # fmt: skip
        assert made.file == kept
        assert (sqlite_archive.path / staging.FOLDER / made.id / "upload" / kept).is_file()


# -- confirm, discard, expiry -----------------------------------------------------------------


def test_confirming_imports_once_and_removes_the_upload(archive: Archive) -> None:
    doc = user()
    made = stage(archive, doc, sheet(("Жук Антон", ""), ("Мельник Максим", "10.08.1993")))
    with archive.store.unscoped_view() as view:
        assert view.count("person") == 0
    report = staging.confirm(archive, doc, made.id, actor=ACTOR)
    assert (report["dry_run"], report["added"], report["file"]) == (False, 2, "list.csv")
    with archive.store.unscoped_view() as view:
        assert view.count("person") == 2
    assert staged_folders(archive) == []
    with pytest.raises(NotFound):
        staging.confirm(archive, doc, made.id, actor=ACTOR)


def test_confirming_checks_the_clearance_again(sqlite_archive: Archive) -> None:
    doc = user()
    made = stage(sqlite_archive, doc, sheet(("Жук Антон", "")))
    lowered = dataclasses.replace(doc, clearance=Confidentiality.PUBLIC)
    with pytest.raises(Forbidden):
        staging.confirm(sqlite_archive, lowered, made.id, actor=ACTOR)
    with sqlite_archive.store.unscoped_view() as view:
        assert view.count("person") == 0


def test_keep_going_at_confirmation_imports_the_valid_rows(sqlite_archive: Archive) -> None:
    doc = user()
    made = stage(sqlite_archive, doc, sheet(("Жук Антон", ""), ("Мельник Максим", "12.03.84")))
    assert made.report["rejected"] == 1
    report = staging.confirm(sqlite_archive, doc, made.id, actor=ACTOR, keep_going=True)
    assert (report["added"], report["rejected"], report["rolled_back"]) == (1, 1, False)


def test_a_discarded_import_is_gone(sqlite_archive: Archive) -> None:
    doc = user()
    made = stage(sqlite_archive, doc, sheet(("Жук Антон", "")))
    staging.discard(sqlite_archive, doc, made.id)
    assert staged_folders(sqlite_archive) == []
    with pytest.raises(NotFound):
        staging.staged(sqlite_archive, doc, made.id)


def test_a_staged_import_expires_after_a_day_and_is_swept(sqlite_archive: Archive) -> None:
    doc = user()
    old = stage(sqlite_archive, doc, sheet(("Жук Антон", "")))
    fresh = stage(sqlite_archive, doc, sheet(("Жук Антон", "")))
    folder = sqlite_archive.path / staging.FOLDER / old.id
    day_ago = folder.stat().st_mtime - staging.MAX_AGE_SECONDS - 1
    os.utime(folder, (day_ago, day_ago))
    with pytest.raises(NotFound):
        staging.staged(sqlite_archive, doc, old.id)
    assert staging.waiting(sqlite_archive, doc) == [fresh]
    assert staged_folders(sqlite_archive) == [fresh.id]


def test_sweeping_removes_cut_short_stages_and_the_webs_former_folder(
    sqlite_archive: Archive,
) -> None:
    root = sqlite_archive.path / staging.FOLDER
    (root / new_id() / "upload").mkdir(parents=True)  # a stage cut short: no report
    legacy = sqlite_archive.path / staging.LEGACY_FOLDER / "token"
    legacy.mkdir(parents=True)
    (legacy / "sheet.csv").write_text("plain personal data")
    staging.sweep(sqlite_archive, now=os.stat(root).st_mtime + 2 * 3600)
    assert staged_folders(sqlite_archive) == []
    assert not legacy.parent.exists()
