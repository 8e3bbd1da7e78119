"""Reading sheets row by row without loading them whole: CSV (encoding and delimiter detected)
and XLSX (openpyxl's read-only streaming, cached values of formulas, merged cells).

A ``Sheet`` gives the header, then the data rows with their numbers as a spreadsheet shows them
(a CSV file's header is row 1); ``done``/``total`` measure progress (bytes of a CSV file, rows of
a workbook). Blank rows hold no record and are skipped."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from charset_normalizer import from_bytes

from ...errors import Invalid
from .xlsx import open_workbook

__all__ = ["Sheet", "SheetRow", "detect_encoding", "open_sheet"]

_SAMPLE = 1 << 20  # bytes read to detect the encoding
_ENCODINGS = ["utf_8", "cp1251"]
_DELIMITERS = ",;\t"


@dataclass(frozen=True)
class SheetRow:
    number: int
    cells: list[Any]
    warnings: tuple[str, ...] = ()
    unreadable: frozenset[int] = frozenset()  # columns whose value is unknown (formula, no value)


@dataclass
class Sheet:
    header: list[Any]
    rows: Iterator[SheetRow]
    total: int | None
    warnings: list[str] = field(default_factory=list)
    position: Any = None  # () -> units done

    @property
    def done(self) -> int:
        return int(self.position()) if self.position else 0


@contextmanager
def open_sheet(path: Path, kind: str, sheet: str | None = None) -> Iterator[Sheet]:
    """``kind`` is ``csv`` or ``xlsx``. ``Invalid`` for an empty or unreadable file."""
    if kind == "xlsx":
        with open_workbook(path, sheet) as opened:
            yield _with_header(opened.rows, opened.total, opened.warnings, opened.done)
        return
    if sheet is not None:
        raise Invalid("A CSV file has one sheet; --sheet is for XLSX workbooks.", {"sheet": "drop"})
    with path.open("rb") as raw:
        encoding = detect_encoding(raw)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        rows = _csv_rows(text, _delimiter(text))
        yield _with_header(rows, path.stat().st_size, [], raw.tell)


def detect_encoding(raw: IO[bytes]) -> str:
    sample = raw.read(_SAMPLE)
    raw.seek(0)
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise Invalid("The file is empty.", {"file": "is empty"})
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if len(sample) == _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # never cut a character in two
    best = from_bytes(sample, cp_isolation=_ENCODINGS).best()
    if best is None:
        raise Invalid(
            "The file's encoding is not UTF-8 or Windows-1251; save it as UTF-8 CSV.",
            {"file": "unknown encoding"},
        )
    return str(best.encoding)


def _delimiter(text: io.TextIOWrapper) -> str:
    first = text.readline()
    text.seek(0)
    counts = {d: _outside_quotes(first).count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _outside_quotes(line: str) -> str:
    return "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)


def _csv_rows(text: io.TextIOWrapper, delimiter: str) -> Iterator[SheetRow]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield SheetRow(number, cells)
    except UnicodeDecodeError:
        raise Invalid(
            f"The file is not valid {text.encoding} after row {reader.line_num}; save it as "
            "UTF-8 CSV.",
            {"file": "mixed encodings"},
        ) from None
    except csv.Error as exc:
        raise Invalid(
            f"The CSV file cannot be read at line {reader.line_num}: {exc}.", {"file": "not CSV"}
        ) from None


def _with_header(
    rows: Iterator[SheetRow], total: int | None, warnings: list[str], done: Any
) -> Sheet:
    for row in rows:
        if any(_filled(c) for c in row.cells):
            return Sheet(row.cells, _nonblank(rows), total, warnings, done)
    raise Invalid("The file is empty.", {"file": "is empty"})


def _nonblank(rows: Iterator[SheetRow]) -> Iterator[SheetRow]:
    """Rows with something in them: a blank row holds no record, so it is skipped."""
    return (row for row in rows if any(_filled(c) for c in row.cells))


def _filled(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""
