"""Reading the files people actually have: encodings, delimiters, workbooks, broken sheets."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from importlib.resources import files
from pathlib import Path

import pytest
from import_sheets import HEADER, ROWS, csv_text, write_csv
from openpyxl import Workbook  # type: ignore[import-untyped]

from sviedka.errors import Invalid
from sviedka.model import Detention, PartialDate, Person
from sviedka.services.archive.folder import Archive
from sviedka.services.importing import Action, ImportOptions, ImportReport, run_import

SAMPLE = Path(str(files("sviedka") / "data" / "sample" / "viasna-sample.csv"))


def run(archive: Archive, path: Path, fmt: str = "viasna-csv", **options: object) -> ImportReport:
    return run_import(archive, path, fmt, ImportOptions(actor="tester", **options))  # type: ignore[arg-type]


def names(archive: Archive) -> set[str]:
    return {s.record.names[0].full for s in archive.store.iter_kind("person")  # type: ignore[attr-defined]
            if isinstance(s.record, Person) and s.record.occupation is None}  # fmt: skip


LISTED = {row[2] for row in ROWS}


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp1251", ","), ("cp1251", ";"), ("utf-8-sig", "\t")],
)
def test_the_same_sheet_in_each_encoding_reads_the_same(
    sqlite_archive: Archive, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = write_csv(tmp_path / "list.csv", encoding=encoding, delimiter=delimiter)
    assert run(sqlite_archive, path).count(Action.ADDED) == 5
    assert names(sqlite_archive) == LISTED


def test_a_file_not_in_a_known_encoding_is_refused(sqlite_archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(csv_text(HEADER, ROWS).encode("utf-16"))
    with pytest.raises(Invalid, match="not UTF-8 or Windows-1251"):
        run(sqlite_archive, path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "The file is empty."),
        (",".join(HEADER).encode() + b"\n", "The file has a header row but no data rows."),
        (",".join(HEADER).encode() + b"\n,,,\n\n", "The file has a header row but no data rows."),
        (b"colour,size\nred,10\n", "The header row has no column this importer knows"),
    ],
)
def test_files_with_nothing_to_import_are_refused_clearly(
    sqlite_archive: Archive, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    with pytest.raises(Invalid) as caught:
        run(sqlite_archive, path)
    assert str(caught.value).startswith(message)
    with sqlite_archive.store.unscoped_view() as view:
        assert view.count("source") == 0  # nothing was written


def test_duplicate_ids_are_rejected_naming_both_rows(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    again = list(ROWS[0])
    again[2] = "Another Name"
    report = run(sqlite_archive, write_csv(tmp_path / "l.csv", [*ROWS, again]), keep_going=True)
    last = report.outcomes[-1]
    assert (last.row, last.action, last.key) == (7, Action.REJECTED, "id 11")
    assert last.reasons == (
        "id: the same as row 2 (rows 2 and 7); the list names each person once",
    )


def test_ragged_rows_longer_are_rejected_shorter_are_padded(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    longer = [*ROWS[0][:1], "x", *ROWS[0][2:], "surplus"]
    longer[0] = "21"
    shorter = ["22", "", "Новик Павел", "active", "", "m"]
    trailing_empty = ["23", "", "Зайцев Олег", "active", "", "m", *[""] * 11, "", ""]
    report = run(sqlite_archive, write_csv(tmp_path / "l.csv", [longer, shorter, trailing_empty]),
                 keep_going=True)  # fmt: skip
    assert [(o.action, o.reasons) for o in report.outcomes] == [
        (Action.REJECTED, ("the row has 18 cells but the header has 17",)),
        (Action.ADDED, ("the row has 6 cells, the header 17: the missing ones read as empty",)),
        (Action.ADDED, ()),
    ]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "l.csv"
    text = csv_text(HEADER, ROWS[:2]) + "\n,,,\n" + csv_text(HEADER, ROWS[2:3]).split("\n", 1)[1]
    path.write_text(text, encoding="utf-8")
    report = run(sqlite_archive, path)
    assert (report.rows_read, [o.row for o in report.outcomes]) == (3, [2, 3, 6])


def test_a_mapping_file_imports_another_ngos_sheet(sqlite_archive: Archive, tmp_path: Path) -> None:
    mapping = tmp_path / "ngo.yaml"
    mapping.write_text(
        "list: NGO X political prisoners\nurl: https://ngo.invalid/list\ncolumns:\n"
        "  id: Nr\n  name: Who\n  arrested: Taken on\n  articles: Charged under\n",
        encoding="utf-8",
    )
    sheet = tmp_path / "ngo.csv"
    sheet.write_text("Nr;Who;Taken on;Charged under;Colour\n7;Жук Антон;2021;342;red\n", "utf-8")
    report = run(sqlite_archive, sheet, "csv", mapping=mapping)
    assert report.count(Action.ADDED) == 1 and report.warnings == ["Columns not imported: Colour."]
    (source,) = [s.record for s in sqlite_archive.store.iter_kind("source")]
    assert (source.title, source.url) == ("NGO X political prisoners", "https://ngo.invalid/list")  # type: ignore[attr-defined]
    (held,) = [s.record for s in sqlite_archive.store.iter_kind("detention")]
    assert isinstance(held, Detention) and held.arrest and held.arrest.date == PartialDate(2021)


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "List"
    sheet.append(["ID", "Name", "Birthday", "Arrested", "Articles", "Prison"])
    sheet.append(["=10+1", "Іваноў Іван", datetime(1962, 9, 25), "25.09.2021", "342 ч.1",
                  "ИК-15 г. Могилёв"])  # fmt: skip
    sheet.append([12, "Петрова Анна", 1990, datetime(2021, 10, 1, 14, 30), "130 ч.3", None])
    sheet.append([13, '=CONCAT("Жук", " Антон")', None, None, "369", None])
    sheet.merge_cells("F2:F3")  # one facility for two people
    other = book.create_sheet("Other")
    other.append(["Name", "Arrested"])
    other.append(["Мельник Максим", "2024"])
    book.save(path)
    return _cache_value(path, "A2", "11")


def _cache_value(path: Path, cell: str, value: str) -> Path:
    """Give one formula cell the value a spreadsheet program would have saved with it."""
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(
        rf'(<c r="{cell}"[^>]*>(?:<f>[^<]*</f>))(?:<v\s*/>|<v></v>)?', rf"\1<v>{value}</v>", sheet
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


def test_a_workbook_streams_with_cached_formulas_and_merged_cells(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    report = run(sqlite_archive, _workbook(tmp_path / "list.xlsx"), "xlsx", keep_going=True)
    assert report.warnings == ["The workbook has 2 sheets; read 'List', not 'Other' (choose one "
                               "with --sheet)."]  # fmt: skip
    assert [(o.row, o.action, o.key, o.reasons) for o in report.outcomes] == [
        (2, Action.ADDED, "id 11", ()),
        (
            3,
            Action.ADDED,
            "id 12",
            ("cells F2:F3 are merged: the top-left value was used for each",),
        ),
        (4, Action.REJECTED, "id 13", ("name: is a formula saved without its value",)),
    ]
    people = {s.record.names[0].full: s.record for s in sqlite_archive.store.iter_kind("person")}  # type: ignore[attr-defined]
    assert people["Іваноў Іван"].birth_date == PartialDate(1962, 9, 25)
    assert people["Петрова Анна"].birth_date == PartialDate(1990)
    held = {s.record.person: s.record for s in sqlite_archive.store.iter_kind("detention")}  # type: ignore[attr-defined]
    anna = held[people["Петрова Анна"].id]
    assert anna.arrest.date == PartialDate(2021, 10, 1)
    assert anna.placements[0].facility == held[people["Іваноў Іван"].id].placements[0].facility


def test_sheet_chooses_the_sheet_and_an_unknown_one_is_named(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    path = _workbook(tmp_path / "list.xlsx")
    report = run(sqlite_archive, path, "xlsx", sheet="Other")
    assert (report.count(Action.ADDED), report.warnings) == (1, [])
    with pytest.raises(Invalid, match="no sheet named 'Nope'; its sheets: List, Other"):
        run(sqlite_archive, path, "xlsx", sheet="Nope")


def test_a_file_that_is_not_a_workbook_is_refused(sqlite_archive: Archive, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.xlsx")
    with pytest.raises(Invalid, match="not an XLSX workbook"):
        run(sqlite_archive, path, "xlsx")


def test_progress_is_reported_up_to_the_whole_file(sqlite_archive: Archive, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    path = write_csv(tmp_path / "l.csv")
    run(sqlite_archive, path, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)


def _sample_rows() -> list[dict[str, str]]:
    import csv

    with SAMPLE.open(encoding="utf-8", newline="") as file:
        return [r for r in csv.DictReader(file) if any((v or "").strip() for v in r.values())]


def test_the_sample_list_imports_rejecting_exactly_its_marked_dirty_rows(
    sqlite_archive: Archive,
) -> None:
    rows = _sample_rows()
    assert len(rows) >= 250 and all("SYNTHETIC" in (r["note"] or "SYNTHETIC") for r in rows)
    report = run(sqlite_archive, SAMPLE, keep_going=True, list_name="SYNTHETIC sample")
    marked = sorted(f"id {r['id']}" for r in rows if "rejected on import" in (r["note"] or ""))
    rejected = sorted(o.key or "" for o in report.outcomes if o.action is Action.REJECTED)
    assert len(marked) >= 8 and rejected == marked
    assert report.count(Action.ADDED) == len(rows) - len(marked)
    again = run(sqlite_archive, SAMPLE, keep_going=True, list_name="SYNTHETIC sample")
    assert again.count(Action.UNCHANGED) == len(rows) - len(marked)


def test_the_sample_list_is_what_its_generator_writes() -> None:
    import subprocess
    import sys

    tool = Path(__file__).resolve().parents[3] / "tools" / "make_sample_list.py"
    before = SAMPLE.read_bytes()
    subprocess.run([sys.executable, str(tool)], check=True, capture_output=True)
    assert SAMPLE.read_bytes() == before
