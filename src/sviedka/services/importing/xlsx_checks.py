"""What a workbook must pass before openpyxl reads it, in time and memory linear in the file.

An XLSX file is a zip of XML parts, and both layers can be made hostile: a part that inflates
a thousandfold, a part that claims to be small and is not (``zipfile`` stops at the declared
size and fails the checksum), XML with a document type declaration (entity expansion, "billion
laughs", or a reference to another file, XXE), a sheet so malformed or so wide that reading it
takes time out of proportion to its size. ``check_container`` refuses the first kinds from the
zip's directory and the start of each part; ``scan_sheet`` reads the sheet once with expat (no
regular expression that backtracks) for what openpyxl's streaming reader does not give (merged
ranges, formulas saved without their value) and refuses a sheet beyond ``XlsxLimits``.

Imports only the standard library: it runs in the worker process (``xlsx_worker``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

__all__ = [
    "LIMITS",
    "Merged",
    "Refused",
    "SheetFacts",
    "XlsxLimits",
    "check_container",
    "check_prolog",
    "not_well_formed",
    "scan_sheet",
    "too_large",
]

_MiB = 1 << 20
_PROLOG_BYTES = 64 * 1024  # a part's XML declaration, comments and DOCTYPE come before this
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_RANGE = re.compile(r"^([A-Z]{1,3}[0-9]{1,7}):([A-Z]{1,3}[0-9]{1,7})$")
_NOT_XLSX = "The file is not an XLSX workbook that can be read."


@dataclass(frozen=True)
class XlsxLimits:
    """How much of a workbook is read. Excel's own limits where it has one; the sizes far above
    any list of prisoners (Viasna's whole list is a few megabytes)."""

    part_bytes: int = 256 * _MiB  # one part of the zip, uncompressed
    total_bytes: int = 512 * _MiB  # all parts, uncompressed
    ratio: int = 100  # uncompressed / compressed, for parts over 1 MiB (Apache POI's default)
    parts: int = 10_000
    rows: int = 1_048_576  # Excel's
    columns: int = 16_384  # Excel's
    cells: int = 20_000_000  # cells read: each row as wide as its last cell, merged ranges too
    cell_chars: int = 32_767  # Excel's limit on a cell's text
    row_chars: int = 1 * _MiB  # the text of one row, all cells (shared strings included)
    cpu_seconds: int = 120  # the worker's processor time
    stall_seconds: int = 60  # waiting for the worker's next row
    memory_bytes: int = 1024 * _MiB  # the worker's address space


LIMITS = XlsxLimits()


class Refused(Exception):
    """A workbook that is not read, and why (a message for the person who uploaded it; it
    never quotes the file's contents)."""

    def __init__(self, message: str, problem: str = "not XLSX") -> None:
        super().__init__(message)
        self.message = message
        self.problem = problem


def too_large(what: str, limit: str) -> Refused:
    return Refused(
        f"The workbook is too large to import: {what} (at most {limit}). Nothing was imported; "
        "split it, or save it as CSV.",
        "too large",
    )


def check_container(book: zipfile.ZipFile, limits: XlsxLimits) -> None:
    """The zip's parts, by its directory: how many, how large, how compressed, not encrypted,
    and none with a DTD."""
    parts = book.infolist()
    if len(parts) > limits.parts:
        raise too_large(f"{len(parts)} parts in the zip", f"{limits.parts}")
    total = 0
    for part in parts:
        _check_part(part, limits)
        total += part.file_size
        if total > limits.total_bytes:
            raise too_large("its parts, uncompressed", f"{limits.total_bytes // _MiB} MB")
    for part in parts:
        with book.open(part) as raw:
            check_prolog(raw)


def _check_part(part: zipfile.ZipInfo, limits: XlsxLimits) -> None:
    if part.flag_bits & 0x1:
        raise Refused("The workbook is encrypted; save it without a password.", "encrypted")
    if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Refused(_NOT_XLSX)
    if part.file_size > limits.part_bytes:
        raise too_large("one part, uncompressed", f"{limits.part_bytes // _MiB} MB")
    if part.file_size > _MiB and part.file_size > limits.ratio * max(part.compress_size, 1):
        raise too_large("one part inflates too much", f"{limits.ratio} times its packed size")


def check_prolog(raw: IO[bytes]) -> None:
    """Refuse a part whose XML has a document type declaration (an XLSX part never needs one).
    Only the prolog is read: a DTD can come nowhere else. A part that is not XML is left to the
    reader, which fails on it the same way."""
    parser = _parser()
    parser.StartElementHandler = _stop
    try:
        parser.Parse(raw.read(_PROLOG_BYTES), False)
    except _Stop:
        return
    except expat.ExpatError:
        return  # not XML (a picture), or not well-formed: openpyxl's parser says so too
    raise Refused("The workbook has an XML part whose start is too long to read.", "not XLSX")


class _Stop(Exception):
    pass


def _stop(*_: Any) -> None:
    raise _Stop


def _refuse_dtd(*_: Any) -> None:
    raise Refused(
        "The workbook contains an XML document type declaration (DTD), which XLSX files never "
        "need: it can hide entity expansion or references to other files. Nothing was imported; "
        "save the sheet again from a spreadsheet program.",
        "has a DTD",
    )


def _parser() -> Any:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


# -- the sheet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    ref: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int


@dataclass
class SheetFacts:
    merged: list[Merged] = field(default_factory=list)
    unknown: set[tuple[int, int]] = field(default_factory=set)  # formula cells without a value


def scan_sheet(raw: IO[bytes], limits: XlsxLimits) -> SheetFacts:
    """One pass of expat over the sheet's XML: merged ranges and formula cells saved without a
    value; ``Refused`` if it is not well-formed or goes beyond ``limits``."""
    scan = _Scan(limits)
    parser = _parser()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.text
    parser.buffer_text = True  # one call per text node, not per line or entity
    try:
        while chunk := raw.read(_MiB):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise not_well_formed(exc.lineno) from None
    return scan.done()


def not_well_formed(line: int) -> Refused:
    return Refused(
        f"The workbook has XML that is not well-formed (line {line}). Nothing was imported; save "
        "it again from a spreadsheet program.",
    )


class _Scan:
    """The state of ``scan_sheet``: where it is, and what it counted."""

    def __init__(self, limits: XlsxLimits) -> None:
        self.limits = limits
        self.facts = SheetFacts()
        self.row = self.rows = self.cells = self.col = self.width = 0
        self.in_cell = self.formula = self.value = False
        self.counting: str | None = None  # the element whose text is counted: f, v or t
        self.chars = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "row":
            self._row(attrs.get("r"))
        elif tag == "c":
            self._cell(attrs.get("r"))
        elif tag == "mergeCell":
            self._merged(attrs.get("ref", ""))
        elif self.in_cell and tag in ("f", "v", "t"):
            self.counting, self.chars = tag, 0
            self.formula |= tag == "f"
        elif self.in_cell and tag == "is":
            self.value = True

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c" and self.in_cell:
            if self.formula and not self.value:
                self.facts.unknown.add((self.row, self.col))
            self.in_cell = False
        elif tag == "row":
            self.cells += self.width
            if self.cells > self.limits.cells:
                raise too_large(f"more than {self.limits.cells} cells", f"{self.limits.cells}")
        if tag == self.counting:
            self.counting = None

    def text(self, data: str) -> None:
        if self.counting is None:
            return
        self.value |= self.counting == "v"
        self.chars += len(data)
        if self.chars > self.limits.cell_chars:
            limit = f"{self.limits.cell_chars} characters"
            raise too_large(f"a cell in row {self.row} is longer", limit)

    def _row(self, ref: str | None) -> None:
        self.row = _number(ref) if ref else self.row + 1
        self.rows += 1
        if max(self.row, self.rows) > self.limits.rows:
            raise too_large(f"more than {self.limits.rows} rows", f"{self.limits.rows} rows")
        self.col = self.width = 0

    def _cell(self, ref: str | None) -> None:
        found = _CELL_REF.match(ref or "")
        self.col = _column(found.group(1)) if found else self.col + 1
        if self.col > self.limits.columns:
            limit = f"{self.limits.columns} columns"
            raise too_large(f"a cell beyond column {self.limits.columns}", limit)
        self.width = max(self.width, self.col)
        self.in_cell, self.formula, self.value, self.chars = True, False, False, 0

    def _merged(self, ref: str) -> None:
        found = _RANGE.match(ref if ":" in ref else f"{ref}:{ref}")
        if found is None:
            raise Refused("The workbook's sheet has a merged range that is not a range.")
        (c1, r1), (c2, r2) = (_cell_ref(found.group(1)), _cell_ref(found.group(2)))
        merged = Merged(ref, min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2))
        if merged.max_row > self.limits.rows or merged.max_col > self.limits.columns:
            raise too_large("a merged range beyond the last row or column", "Excel's")
        self.cells += (merged.max_row - merged.min_row + 1) * (merged.max_col - merged.min_col + 1)
        if self.cells > self.limits.cells:
            raise too_large(f"more than {self.limits.cells} cells", f"{self.limits.cells}")
        self.facts.merged.append(merged)

    def done(self) -> SheetFacts:
        return self.facts


def _number(text: str) -> int:
    """A row's number, as openpyxl reads it (``"12"``, or ``"12.0"`` from some writers)."""
    try:
        number = float(text)
    except ValueError:
        number = 0.5
    if not number.is_integer() or number < 1:
        raise Refused("The workbook's sheet has a row without a proper number.")
    return int(number)


def _cell_ref(ref: str) -> tuple[int, int]:
    found = _CELL_REF.match(ref)
    assert found is not None  # _RANGE matched it
    return _column(found.group(1)), int(found.group(2))


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
