"""XLSX workbooks read as a stream (openpyxl read-only, ``data_only``: formulas give the value
saved with the file). Two facts openpyxl's streaming reader does not give are found by one quick
pass over the sheet's XML first: merged ranges (their top-left value is used for every cell of
the range, with a warning) and formula cells saved without a value (reported, never guessed)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils.cell import range_boundaries  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from ...errors import Invalid

__all__ = ["OpenWorkbook", "open_workbook"]

_CELL = re.compile(r'<(?:\w+:)?c\s+r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_MERGE = re.compile(r'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
_VALUE = re.compile(r"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>|<(?:\w+:)?is>")
_CHUNK = 1 << 20


@dataclass
class OpenWorkbook:
    rows: Iterator[Any]  # of readers.SheetRow
    total: int | None
    warnings: list[str]
    done: Any  # () -> rows read


@dataclass(frozen=True)
class _Merged:
    ref: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int


@contextmanager
def open_workbook(path: Path, sheet: str | None) -> Iterator[OpenWorkbook]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise Invalid(
            "The file is not an XLSX workbook that can be read.", {"file": "not XLSX"}
        ) from None
    try:
        sheet_ws, warnings = _choose(book, sheet)
        merged, unknown = _scan(path, sheet_ws._worksheet_path)  # openpyxl keeps the part name
        total = sheet_ws.max_row
        sheet_ws.reset_dimensions()  # some writers save a wrong size; read every row there is
        counter = [0]
        rows = _rows(sheet_ws, merged, unknown, counter)
        yield OpenWorkbook(rows, total, warnings, lambda: counter[0])
    finally:
        book.close()


def _choose(book: Any, sheet: str | None) -> tuple[Any, list[str]]:
    names = list(book.sheetnames)
    if sheet is not None:
        if sheet not in names:
            raise Invalid(
                f"The workbook has no sheet named {sheet!r}; its sheets: {', '.join(names)}.",
                {"sheet": "no such sheet"},
            )
        return book[sheet], []
    warnings = []
    if len(names) > 1:
        others = ", ".join(repr(n) for n in names[1:])
        warnings.append(
            f"The workbook has {len(names)} sheets; read {names[0]!r}, not {others} "
            "(choose one with --sheet)."
        )
    return book[names[0]], warnings


def _scan(path: Path, member: str) -> tuple[list[_Merged], set[tuple[int, int]]]:
    """Merged ranges and formula cells without a saved value, from the sheet's XML."""
    merged: list[_Merged] = []
    unknown: set[tuple[int, int]] = set()
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8")
        rest = ""
        while chunk := text.read(_CHUNK):
            buffer = rest + chunk
            start = max(buffer.rfind("<c "), buffer.rfind("<mergeCell"))
            cut = start if start > 0 else max(len(buffer) - 512, 0)
            _scan_part(buffer[:cut], merged, unknown)
            rest = buffer[cut:]
        _scan_part(rest, merged, unknown)
    return merged, unknown


def _scan_part(part: str, merged: list[_Merged], unknown: set[tuple[int, int]]) -> None:
    if "<f" in part:
        for match in _CELL.finditer(part):
            body = match.group(3) or ""
            if "<f" in body and not _VALUE.search(body):
                unknown.add((int(match.group(2)), _column(match.group(1))))
    for match in _MERGE.finditer(part):
        min_col, min_row, max_col, max_row = range_boundaries(match.group(1))
        merged.append(_Merged(match.group(1), min_col, min_row, max_col, max_row))


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _rows(
    sheet: Any, merged: list[_Merged], unknown: set[tuple[int, int]], counter: list[int]
) -> Iterator[Any]:
    from .readers import SheetRow  # late: readers imports this module

    by_row: dict[int, list[_Merged]] = {}
    for m in merged:
        for r in range(m.min_row, m.max_row + 1):
            by_row.setdefault(r, []).append(m)
    unknown_by_row: dict[int, set[int]] = {}
    for row, col in unknown:
        unknown_by_row.setdefault(row, set()).add(col - 1)
    top_left: dict[str, Any] = {}
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        counter[0] = number
        cells = list(values)
        warnings = _fill_merged(cells, number, by_row.get(number, ()), top_left)
        yield SheetRow(number, cells, tuple(warnings), frozenset(unknown_by_row.get(number, ())))


def _fill_merged(cells: list[Any], number: int, ranges: Any, top_left: dict[str, Any]) -> list[str]:
    warnings = []
    for m in ranges:
        if number == m.min_row:
            top_left[m.ref] = cells[m.min_col - 1] if m.min_col <= len(cells) else None
        cells.extend([None] * (m.max_col - len(cells)))
        for col in range(m.min_col, m.max_col + 1):
            if (number, col) != (m.min_row, m.min_col):
                cells[col - 1] = top_left.get(m.ref)
        if (number, m.min_col) != (m.min_row, m.min_col) or m.max_col > m.min_col:
            warnings.append(f"cells {m.ref} are merged: the top-left value was used for each")
    return warnings
