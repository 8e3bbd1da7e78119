"""Workbooks made to hurt the reader: each is refused with a clear message, quickly, in bounded
memory, and changes nothing. The reading happens in a worker process with limits."""

from __future__ import annotations

import os
import resource
import time
import zipfile
from pathlib import Path

import pytest

from hostile_workbooks import (
    BILLION_LAUGHS,
    SHEET,
    XXE,
    Packed,
    pack,
    shared_strings,
    sheet_xml,
    unclosed_cells,
    whitespace_sheet,
    with_shared_strings,
    workbook_parts,
)
from sviedka.errors import Invalid
from sviedka.services.archive.folder import Archive
from sviedka.services.importing import ImportOptions, run_import
from sviedka.services.importing.xlsx import XlsxLimits, open_workbook

NOT_XLSX = "The file is not an XLSX workbook that can be read."
NOT_WELL_FORMED = (
    "The workbook has XML that is not well-formed (line 1). Nothing was imported; save it again "
    "from a spreadsheet program."
)
DAMAGED = (
    "The workbook is damaged: a part does not match its size or checksum. Nothing was imported; "
    "save it again from a spreadsheet program."
)


def refused(archive: Archive, path: Path) -> tuple[str, dict[str, str], float]:
    """The message and fields of the error, and the seconds it took; asserts nothing changed."""
    started = time.monotonic()
    with pytest.raises(Invalid) as caught:
        run_import(archive, path, "xlsx", ImportOptions(actor="t"))
    took = time.monotonic() - started
    with archive.store.unscoped_view() as view:
        assert (view.count("person"), view.count("source")) == (0, 0)
    return caught.value.message, caught.value.errors, took


@pytest.fixture(scope="module")
def whitespace_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    return pack(path, workbook_parts() | {SHEET: whitespace_sheet(1500)})


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_whitespace_bomb_is_refused_quickly_without_inflating_it(
    sqlite_archive: Archive, whitespace_bomb: Path
) -> None:
    assert whitespace_bomb.stat().st_size < 2_000_000  # 1.5 MB holding 1.5 GB of spaces
    before = peak_rss_mb()
    message, errors, took = refused(sqlite_archive, whitespace_bomb)
    assert message == (
        "The workbook is too large to import: one part, uncompressed (at most 256 MB). Nothing "
        "was imported; split it, or save it as CSV."
    )
    assert (errors, took < 5) == ({"file": "too large"}, True)
    assert peak_rss_mb() - before < 50  # this process; the worker is confined, below


def test_a_whitespace_bomb_is_refused_by_a_worker_confined_to_256_mb(whitespace_bomb: Path) -> None:
    with pytest.raises(Invalid, match="too large to import: one part, uncompressed"):
        rows_of(whitespace_bomb, XlsxLimits(memory_bytes=256 << 20))


def test_a_part_that_lies_about_its_size_is_read_only_as_far_as_it_claims(
    sqlite_archive: Archive, whitespace_bomb: Path, tmp_path: Path
) -> None:
    bomb = whitespace_sheet(1500)
    liar = Packed(bomb.data, 1000, bomb.crc)  # claims 1,000 bytes; zipfile stops there
    path = pack(tmp_path / "liar.xlsx", workbook_parts() | {SHEET: liar})
    message, errors, took = refused(sqlite_archive, path)
    assert (message, errors, took < 5) == (DAMAGED, {"file": "not XLSX"}, True)


def test_a_part_inflating_a_hundredfold_is_refused(sqlite_archive: Archive, tmp_path: Path) -> None:
    path = pack(tmp_path / "ratio.xlsx", workbook_parts() | {SHEET: whitespace_sheet(20)})
    message, errors, _ = refused(sqlite_archive, path)
    assert message.startswith("The workbook is too large to import: one part inflates too much")
    assert errors == {"file": "too large"}


def test_twenty_thousand_unclosed_cells_are_refused_in_linear_time(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    path = pack(tmp_path / "unclosed.xlsx", workbook_parts() | {SHEET: unclosed_cells(20_000)})
    assert path.stat().st_size < 10_000
    message, errors, took = refused(sqlite_archive, path)
    assert (message, errors, took < 5) == (NOT_WELL_FORMED, {"file": "not XLSX"}, True)


DTD = (
    "The workbook contains an XML document type declaration (DTD), which XLSX files never need: "
    "it can hide entity expansion or references to other files. Nothing was imported; save the "
    "sheet again from a spreadsheet program."
)


@pytest.mark.parametrize(
    ("part", "xml"),
    [
        (SHEET, XXE),
        ("xl/sharedStrings.xml", BILLION_LAUGHS),  # the workbook below does use its strings
        (
            "xl/workbook.xml",
            b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://evil.invalid/x.dtd"><x/>',
        ),
    ],
    ids=["external entity in the sheet", "billion laughs", "external DTD in the workbook"],
)
def test_xml_with_a_document_type_declaration_is_refused(
    sqlite_archive: Archive, tmp_path: Path, part: str, xml: bytes
) -> None:
    path = pack(tmp_path / "dtd.xlsx", with_shared_strings(shared_strings(b"x")) | {part: xml})
    message, errors, took = refused(sqlite_archive, path)
    assert (message, errors, took < 5) == (DTD, {"file": "has a DTD"}, True)


def zip_of(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as made:
        for name, data in parts.items():
            made.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_bytes(b"id,name\n1,Anna\n") and p,
        lambda p: p.write_bytes(b"") or p,
        lambda p: zip_of(p, {"hello.txt": b"not a workbook"}),
        lambda p: p.write_bytes(pack(p, workbook_parts()).read_bytes()[:300]) and p,
        lambda p: zip_of(p, workbook_parts() | {SHEET: sheet_xml(b'<row r="x"/>')}),  # type: ignore[operator]
    ],
    ids=["csv", "empty", "zip without a workbook", "truncated zip", "bad row number"],
)
def test_a_file_that_is_not_a_workbook_is_refused_clearly(
    sqlite_archive: Archive, tmp_path: Path, make: object
) -> None:
    path = make(tmp_path / "list.xlsx")  # type: ignore[operator]
    message, errors, _ = refused(sqlite_archive, path)
    assert (message, errors) in [
        (NOT_XLSX, {"file": "not XLSX"}),
        ("The workbook's sheet has a row without a proper number.", {"file": "not XLSX"}),
    ]


# -- the limits, one by one ------------------------------------------------------------------


def rows_of(path: Path, limits: XlsxLimits) -> list[list[object]]:
    with open_workbook(path, None, limits) as opened:
        return [row.cells for row in opened.rows]


ROWS = [["id", "name"], [1, "Жук Антон"], [2, "Мельник Максим"], [3, "Козлова Ольга"]]


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (XlsxLimits(rows=3), "more than 3 rows (at most 3 rows)"),
        (XlsxLimits(columns=1), "a cell beyond column 1 (at most 1 columns)"),
        (XlsxLimits(cells=5), "more than 5 cells (at most 5)"),
        (XlsxLimits(cell_chars=8), "a cell in row 2 is longer (at most 8 characters)"),
        (XlsxLimits(row_chars=10), "row 3 holds more than 10 characters"),
        (XlsxLimits(parts=3), "parts in the zip (at most 3)"),
        (XlsxLimits(part_bytes=500), "one part, uncompressed (at most 0 MB)"),
    ],
)
def test_each_limit_refuses_a_workbook_beyond_it(
    tmp_path: Path, limits: XlsxLimits, message: str
) -> None:
    path = pack(tmp_path / "list.xlsx", workbook_parts(ROWS))
    assert len(rows_of(path, XlsxLimits())) == 4
    with pytest.raises(Invalid, match="too large to import") as caught:
        rows_of(path, limits)
    assert message in caught.value.message


def limited(limits: XlsxLimits, path: Path) -> Invalid:
    started = time.monotonic()
    with pytest.raises(Invalid, match="could not be read within the limits") as caught:
        rows_of(path, limits)
    assert time.monotonic() - started < 30  # the worker runs at a lower priority
    assert caught.value.errors == {"file": "beyond limits"}
    return caught.value


def test_a_worker_beyond_its_memory_is_stopped_with_a_clear_error(tmp_path: Path) -> None:
    """One shared string of 20 million characters, which openpyxl holds whole."""
    strings = shared_strings(os.urandom(10 << 20).hex().encode())
    path = pack(tmp_path / "list.xlsx", with_shared_strings(strings))
    limited(XlsxLimits(memory_bytes=64 << 20), path)
    with pytest.raises(Invalid, match="a cell in row 1 is longer"):  # enough memory: refused
        rows_of(path, XlsxLimits())


def test_a_worker_beyond_its_processor_time_is_stopped_with_a_clear_error(tmp_path: Path) -> None:
    row = b"".join(b'<c r="%s%%d"><v>%d</v></c>' % (c.encode(), i) for i, c in enumerate("ABCDE"))
    body = b"".join(b'<row r="%d">' % n + row.replace(b"%d", b"%d" % n) + b"</row>"
                    for n in range(1, 50_001))  # fmt: skip  # 3 s of processor time
    path = pack(tmp_path / "list.xlsx", workbook_parts() | {SHEET: sheet_xml(body)})
    limited(XlsxLimits(cpu_seconds=1), path)


def test_a_worker_that_sends_nothing_in_time_is_stopped_with_a_clear_error(
    tmp_path: Path,
) -> None:
    limited(XlsxLimits(stall_seconds=0), pack(tmp_path / "list.xlsx", workbook_parts(ROWS)))


def test_cells_come_back_with_their_types(tmp_path: Path) -> None:
    from datetime import date, datetime, timedelta
    from datetime import time as clock

    row = ["text", 12, 1.5, True, datetime(2021, 9, 25, 10, 30), date(1962, 9, 25)]
    row += [clock(8, 15), timedelta(hours=36)]
    path = tmp_path / "types.xlsx"
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    book.active.append(["h"] * len(row))
    book.active.append(row)
    book.save(path)
    assert rows_of(path, XlsxLimits())[1] == [
        "text", 12, 1.5, True, datetime(2021, 9, 25, 10, 30), datetime(1962, 9, 25),
        clock(8, 15), timedelta(hours=36),
    ]  # fmt: skip


def test_the_worker_gets_none_of_the_servers_settings_or_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sviedka.services.importing.xlsx import _environment

    monkeypatch.setenv("SVIEDKA_PASSPHRASE", "a secret")
    monkeypatch.setenv("SVIEDKA_DATABASE_URL", "postgresql://user:secret@host/db")
    assert sorted(_environment()) == [
        "PATH",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONNOUSERSITE",
        "PYTHONPATH",
    ]
