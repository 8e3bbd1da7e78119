"""The process that reads a workbook for ``xlsx.open_workbook``, so that a hostile one cannot
starve the server: it runs with a limit on processor time and on memory, at a lower priority,
writes no file, and dies alone.

The parent writes one JSON line on its standard input, ``{"path", "sheet", "limits"}``; it
answers JSON lines on its standard output:

* ``{"head": {"total": rows or null, "warnings": [...]}}``, then
* ``{"row": [number, cells, warnings, unreadable columns]}`` for each row with something in it,
  then ``{"end": true}``;
* or, at any point, ``{"error": message, "field": "file" or "sheet", "problem": …}``.

Cells are JSON values, and ``{"$": "datetime"|"date"|"time", "v": ISO text}`` or
``{"$": "timedelta", "v": seconds}``. Nothing goes to standard error (no traceback quotes a
cell into a log).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any, TypeVar
from xml.etree.ElementTree import ParseError

from .xlsx_checks import (
    LIMITS,
    Merged,
    Refused,
    SheetFacts,
    XlsxLimits,
    check_container,
    not_well_formed,
    scan_sheet,
)

__all__ = ["encode", "main", "read"]

_NOT_XLSX = "The file is not an XLSX workbook that can be read."
T = TypeVar("T")


def main() -> None:
    request = json.loads(sys.stdin.readline())
    limits = XlsxLimits(**request["limits"]) if request.get("limits") else LIMITS
    _confine(limits)
    try:
        for message in read(Path(request["path"]), request.get("sheet"), limits):
            _send(message)
    except Refused as exc:
        field_ = "sheet" if exc.problem == "no such sheet" else "file"
        _send({"error": exc.message, "field": field_, "problem": exc.problem})
    except (MemoryError, OSError):  # OSError: ENOMEM, as the address space limit also gives
        _send({"error": "", "field": "file", "problem": "beyond limits"})


_flushed = [0.0]


def _send(message: dict[str, Any]) -> None:
    """One line; sent at once unless it is a row and the last went less than 0.1 s ago."""
    sys.stdout.buffer.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    if "row" not in message or time.monotonic() - _flushed[0] > 0.1:
        sys.stdout.buffer.flush()
        _flushed[0] = time.monotonic()


def _confine(limits: XlsxLimits) -> None:
    # openpyxl uses numpy when it can; its BLAS maps 100 MB of address space for nothing here.
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import resource
    except ImportError:  # not a POSIX system: the parent's wait for each row still applies
        return
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails, rather than kills
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    os.nice(10)


def read(path: Path, sheet: str | None, limits: XlsxLimits) -> Iterator[dict[str, Any]]:
    """The messages for one sheet of the workbook at ``path``."""
    book, chosen, warnings, facts = _opened(path, sheet, limits)
    try:
        yield {"head": {"total": _total(chosen), "warnings": warnings}}
        chosen.reset_dimensions()  # some writers save a wrong size; read every row there is
        yield from _rows(chosen, _Fill(facts.merged), _by_row(facts.unknown), limits)
        yield {"end": True}
    finally:
        book.close()


def _opened(
    path: Path, sheet: str | None, limits: XlsxLimits
) -> tuple[Any, Any, list[str], SheetFacts]:
    """The workbook, once its container passed the checks; its sheet, chosen and scanned."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # under the limits

    with _zip(path) as container:
        _guarded(check_container, container, limits)
        book = _guarded(load_workbook, path, read_only=True, data_only=True)
        try:
            chosen, warnings = _choose(book, sheet)
            part = chosen._worksheet_path.lstrip("/")  # openpyxl keeps the part's name
            return book, chosen, warnings, _guarded(_scan, container, part, limits)
        except BaseException:
            book.close()
            raise


def _zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except OSError as exc:
        raise (MemoryError() if exc.errno == errno.ENOMEM else Refused(_NOT_XLSX)) from None
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise Refused(_NOT_XLSX) from None


def _guarded(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call``, its failures said in words: openpyxl and zipfile have many ways to say that a
    file is not a workbook."""
    try:
        return call(*args, **kwargs)
    except (Refused, MemoryError):
        raise
    except OSError as exc:
        if exc.errno == errno.ENOMEM:
            raise
        raise Refused(_NOT_XLSX) from None
    except ParseError as exc:
        raise not_well_formed(exc.position[0]) from None
    except zipfile.BadZipFile:
        raise Refused(
            "The workbook is damaged: a part does not match its size or checksum. Nothing was "
            "imported; save it again from a spreadsheet program."
        ) from None
    except Exception:
        raise Refused(_NOT_XLSX) from None


def _scan(container: zipfile.ZipFile, part: str, limits: XlsxLimits) -> SheetFacts:
    with container.open(part) as raw:
        return scan_sheet(raw, limits)


def _total(sheet: Any) -> int | None:
    try:
        return int(sheet.max_row) if sheet.max_row is not None else None
    except (TypeError, ValueError):
        return None


def _choose(book: Any, sheet: str | None) -> tuple[Any, list[str]]:
    names = list(book.sheetnames)
    if not names:
        raise Refused(_NOT_XLSX)
    if sheet is not None:
        if sheet not in names:
            raise Refused(
                f"The workbook has no sheet named {sheet!r}; its sheets: {', '.join(names)}.",
                "no such sheet",
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


def _by_row(cells: set[tuple[int, int]]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for row, col in sorted(cells):
        found.setdefault(row, []).append(col - 1)
    return found


def _rows(
    sheet: Any, fill: _Fill, unknown: dict[int, list[int]], limits: XlsxLimits
) -> Iterator[dict[str, Any]]:
    number = 0
    try:
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = list(values)
            warnings = fill.fill(cells, number)
            _check_text(cells, number, limits)
            if any(_filled(c) for c in cells):
                encoded = [encode(c) for c in cells]
                yield {"row": [number, encoded, warnings, unknown.get(number, [])]}
    except (Refused, MemoryError):
        raise
    except Exception:
        raise Refused(f"The workbook's sheet cannot be read after row {number}.") from None


def _check_text(cells: list[Any], number: int, limits: XlsxLimits) -> None:
    lengths = [len(c) for c in cells if isinstance(c, str)]
    if any(n > limits.cell_chars for n in lengths):
        raise Refused(
            f"The workbook is too large to import: a cell in row {number} is longer than "
            f"{limits.cell_chars} characters. Nothing was imported.",
            "too large",
        )
    if sum(lengths) > limits.row_chars:
        raise Refused(
            f"The workbook is too large to import: row {number} holds more than "
            f"{limits.row_chars} characters. Nothing was imported.",
            "too large",
        )


def _filled(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""


def encode(value: Any) -> Any:
    """A cell's value as JSON (see the module's docstring)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date | clock):
        return {"$": type(value).__name__, "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    return str(value)


@dataclass
class _Fill:
    """Merged ranges: the top-left value given to every cell of the range, row by row. Only the
    ranges over the current row are looked at, so the work is the ranges' area (bounded by
    ``XlsxLimits.cells``), never ranges × rows."""

    pending: list[Merged]
    active: list[Merged] = field(default_factory=list)
    top_left: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pending = sorted(self.pending, key=lambda m: m.min_row, reverse=True)

    def fill(self, cells: list[Any], number: int) -> list[str]:
        while self.pending and self.pending[-1].min_row <= number:
            self.active.append(self.pending.pop())
        self.active = [m for m in self.active if m.max_row >= number]
        return [w for m in self.active if (w := self._one(cells, number, m))]

    def _one(self, cells: list[Any], number: int, m: Merged) -> str | None:
        if number == m.min_row:
            self.top_left[m.ref] = cells[m.min_col - 1] if m.min_col <= len(cells) else None
        cells.extend([None] * (m.max_col - len(cells)))
        for col in range(m.min_col, m.max_col + 1):
            if (number, col) != (m.min_row, m.min_col):
                cells[col - 1] = self.top_left.get(m.ref)
        if (number, m.min_col) != (m.min_row, m.min_col) or m.max_col > m.min_col:
            return f"cells {m.ref} are merged: the top-left value was used for each"
        return None


if __name__ == "__main__":
    main()
