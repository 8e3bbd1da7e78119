"""Cells for spreadsheets (CSV, XLSX) that no spreadsheet program runs as a formula.

Excel, LibreOffice and Google Sheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` as
a formula, and some first drop a leading tab or carriage return: a name entered as
``=HYPERLINK("https://…?"&A2, "details")`` becomes a live link that sends the sheet away when
someone opens an export and clicks. As OWASP recommends, such a *text* cell is written with a
single quote before it, which spreadsheets read as "this is text". Also caught: the same
characters after leading spaces, and their full-width forms (``＝`` …), which some programs
convert.

Only text is changed. Numbers, dates, booleans and empty cells are written as they are, so a
negative count stays a number a spreadsheet can sum; a number held as text (``"-3"``) gets the
quote like any other text. Every CSV and XLSX writer in the package goes through ``safe_cell``
(``csv_text`` does it for CSV). An XLSX writer must too: openpyxl stores a ``str`` beginning
with ``=`` as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

__all__ = ["FORMULA_STARTS", "csv_text", "safe_cell", "safe_row"]

FORMULA_STARTS = frozenset("=+-@\t\r\n\0＝＋－＠")

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """``value``, or for text a spreadsheet would run as a formula, that text after a ``'``."""
    if isinstance(value, str) and value.lstrip(" ")[:1] in FORMULA_STARTS and value.strip(" "):
        return "'" + value
    return value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}


def csv_text(
    columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *, comments: Iterable[str] = ()
) -> str:
    """The rows as CSV under a header of ``columns``, each text cell made safe; ``comments``
    first, as ``# `` lines (for text the program wrote, never values from records)."""
    buffer = io.StringIO()
    buffer.writelines(f"# {line}\n" for line in comments)
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writerow({column: safe_cell(column) for column in columns})
    writer.writerows(safe_row(row) for row in rows)
    return buffer.getvalue()
