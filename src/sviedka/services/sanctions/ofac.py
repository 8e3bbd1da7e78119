"""OFAC's Specially Designated Nationals list in its legacy CSV layout (``sdn.csv``).

No header; 12 columns: ent_num, name, type (``individual``, ``vessel``, ``aircraft``, ``-0-`` for an
entity), programmes (``A] [B``), title, call sign, vessel type, tonnage, GRT, vessel flag, vessel
owner, remarks. ``-0-`` (often with a trailing space) means empty. Birth dates, nationality,
gender, aliases (a.k.a., f.k.a.) and links are inside the remarks, separated by ``;``. The file
ends with a DOS end-of-file byte (``\\x1a``). It has no listing dates and no publication date.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import Invalid
from ..archive.folder import Archive
from ..importing import Action, ImportOptions, ImportReport, RowOutcome
from .entries import ListedName, ListEntry
from .lists import ListFile, ParsedRow, csv_rows, read_list_file, store_list
from .remarks import Remarks, parse_remarks

__all__ = ["AUTHORITY", "LIST", "import_ofac_sdn", "natural_order", "parse_sdn", "read_sdn"]

LIST = "us_ofac_sdn"
AUTHORITY = "US Treasury, Office of Foreign Assets Control (OFAC)"
_COLUMNS = 12
_SCHEMAS = {"individual": "person", "": "organisation", "vessel": "vessel", "aircraft": "aircraft"}
_EOF = "\x1a"


def import_ofac_sdn(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    """Load ``sdn.csv`` as the newest version of the OFAC SDN list."""
    data, sha256, modified = read_list_file(path)
    return store_list(archive, read_sdn(data, path.name, sha256, modified), options)


def read_sdn(data: bytes, name: str, sha256: str, list_date: str | None) -> ListFile:
    parsed, rejected, rows = parse_sdn(_decode(data))
    return ListFile(LIST, AUTHORITY, "ofac-sdn", name, sha256, list_date, rows, parsed, rejected)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # OFAC's older files are Windows-1252


def parse_sdn(text: str) -> tuple[list[ParsedRow], list[RowOutcome], int]:
    """Entries, refused rows and the number of rows read. Row numbers count from 1."""
    parsed: list[ParsedRow] = []
    rejected: list[RowOutcome] = []
    seen: set[str] = set()
    rows = 0
    for number, cells in csv_rows(text):
        if not cells or cells == [_EOF] or not "".join(cells).strip():
            continue  # blank lines and the DOS end-of-file byte are not rows
        rows += 1
        try:
            item = _row(number, cells, seen)
        except ValueError as exc:
            rejected.append(_refused(number, cells, str(exc)))
            continue
        seen.add(item.entry.ref)
        parsed.append(item)
    if not rows:
        raise Invalid("The file holds no rows of the OFAC SDN list.", {"file": "is empty"})
    return parsed, rejected, rows


def _refused(number: int, cells: list[str], reason: str) -> RowOutcome:
    key = cells[0].strip() if cells and cells[0].strip().isdigit() else None
    return RowOutcome(row=number, action=Action.REJECTED, key=key, reasons=(reason,))


def _row(number: int, cells: list[str], seen: set[str]) -> ParsedRow:
    if len(cells) != _COLUMNS:
        raise ValueError(f"has {len(cells)} columns, not {_COLUMNS}")
    ref, name, kind, programmes, title = (_cell(c) for c in cells[:5])
    if not ref.isdigit():
        raise ValueError("ent_num (column 1) is not a number")
    if ref in seen:
        raise ValueError("ent_num (column 1) appears twice in the file")
    if not name:
        raise ValueError("the name (column 2) is empty")
    if kind not in _SCHEMAS:
        raise ValueError("the type (column 3) is not individual, vessel, aircraft or -0-")
    schema = _SCHEMAS[kind]
    remarks = parse_remarks(_cell(cells[11]))
    entry = _entry(ref, schema, name, programmes, title, remarks)
    return ParsedRow(number, entry, remarks.warnings)


def _entry(
    ref: str, schema: str, name: str, programmes: str, title: str, remarks: Remarks
) -> ListEntry:
    person = schema == "person"
    names = [ListedName(natural_order(name) if person else name)]
    names += [ListedName(natural_order(n) if person else n, k) for n, k in remarks.aliases]
    return ListEntry(
        ref=ref,
        schema=schema,
        names=tuple(dict.fromkeys(names)),
        authority=AUTHORITY,
        programmes=tuple(p.strip() for p in programmes.split("] [") if p.strip()),
        birth_dates=remarks.birth_dates,
        nationalities=remarks.nationalities,
        gender=remarks.gender,
        title=title or None,
        linked_to=remarks.linked_to,
    )


def _cell(text: str) -> str:
    text = text.strip()
    return "" if text == "-0-" else text


_SUFFIX = re.compile(r"^(Jr|Sr|I{1,3}|IV)\.?$")


def natural_order(name: str) -> str:
    """OFAC writes people "SURNAME, Given Names[, Jr.]"; people and matchers read them in the
    order they are spoken: "Given Names SURNAME Jr."."""
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) < 2:
        return name.strip()
    family, given, rest = parts[0], parts[1], parts[2:]
    suffixes = [p for p in rest if _SUFFIX.match(p)]
    if len(suffixes) != len(rest):
        return name.strip()  # not the SURNAME, Given shape: keep as written
    return " ".join([given, family, *suffixes])
