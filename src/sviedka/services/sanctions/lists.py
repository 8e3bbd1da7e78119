"""The list tables: each import of a list file is a version; the newest version's entries are the
list as loaded. Shared by every list format (``ofac``, ``ftm``).

Re-importing the same file (same SHA-256) changes nothing. Another file of the same list becomes
a new version: its entries replace the list's entries, the old version's row stays with
``replaced_by`` set, so a screening or a confirmed match still names the version it used.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ...errors import Invalid, NotFound
from ...model.ids import new_id
from ...model.revision import timestamp
from ...store import View, Writer
from ...store.sanctions import (
    EntryRow,
    ListVersion,
    add_version,
    current_entry_data,
    current_version,
    current_versions,
    entry_data,
    entry_digests,
    get_version,
    list_versions,
)
from ..archive.folder import Archive
from ..importing import Action, ImportOptions, ImportReport, RowOutcome
from .entries import ListEntry, entry_from_json

__all__ = [
    "ListFile",
    "ListVersion",
    "ParsedRow",
    "csv_rows",
    "current_entries",
    "current_versions",
    "find_entry",
    "get_version",
    "list_versions",
    "read_list_file",
    "store_list",
]


@dataclass(frozen=True)
class ParsedRow:
    row: int
    entry: ListEntry
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListFile:
    """What a parser read from one list file: the entries and the rows it refused."""

    list: str  # e.g. "us_ofac_sdn"
    authority: str
    format: str
    file: str
    sha256: str
    list_date: str | None
    rows_read: int
    parsed: Sequence[ParsedRow]
    rejected: Sequence[RowOutcome]


def store_list(archive: Archive, read: ListFile, options: ImportOptions) -> ImportReport:
    """Store ``read`` as the list's newest version, unless a dry run, the same file again, or
    rows were rejected without ``keep_going`` (then nothing is written: ``rolled_back``)."""
    report = ImportReport(
        file=read.file,
        sha256=read.sha256,
        format=read.format,
        dry_run=options.dry_run,
        rows_read=read.rows_read,
        rolled_back=bool(read.rejected) and not options.keep_going,
    )
    with archive.store.writer() as writer:
        current = current_version(writer, read.list)
        same = current is not None and current.sha256 == read.sha256
        previous = entry_digests(writer, current.id) if current else {}
        report.outcomes = sorted(
            [*_outcomes(read.parsed, previous, same), *read.rejected], key=lambda o: o.row
        )
        if not (options.dry_run or same or report.rolled_back):
            _write_version(writer, read, current, options.actor)
    if options.progress:
        options.progress(read.rows_read, read.rows_read)
    return report


def _outcomes(
    parsed: Sequence[ParsedRow], previous: dict[str, str], same: bool
) -> Iterator[RowOutcome]:
    for item in parsed:
        old = previous.get(item.entry.ref)
        if same or old == item.entry.digest():
            action = Action.UNCHANGED
        else:
            action = Action.ADDED if old is None else Action.UPDATED
        yield RowOutcome(row=item.row, action=action, key=item.entry.ref, reasons=item.warnings)


def _write_version(writer: Writer, read: ListFile, current: ListVersion | None, actor: str) -> str:
    version = ListVersion(
        id=new_id(),
        list=read.list,
        authority=read.authority,
        format=read.format,
        file=read.file,
        sha256=read.sha256,
        list_date=read.list_date,
        imported_at=timestamp(),
        imported_by=actor,
        entries=len(read.parsed),
        replaced_by=None,
        source_id=None,
    )
    entries = [_entry_row(p.entry) for p in read.parsed]
    add_version(writer, version, entries, replaces=current.id if current else None)
    return version.id


def _entry_row(entry: ListEntry) -> EntryRow:
    return EntryRow(entry.ref, entry.schema, entry.primary, entry.as_json(), entry.digest())


def current_entries(view: View, schema: str | None = None) -> Iterator[tuple[str, ListEntry]]:
    """``(version id, entry)`` for every entry of the current versions, of ``schema`` if given."""
    for version_id, data in current_entry_data(view, schema):
        yield version_id, entry_from_json(data)


def find_entry(view: View, list_name: str, ref: str) -> tuple[ListVersion, ListEntry]:
    """An entry of the current version of ``list_name``; ``NotFound`` if it has none such."""
    current = current_version(view, list_name)
    data = None if current is None else entry_data(view, current.id, ref)
    if current is None or data is None:
        raise NotFound(f"The loaded list {list_name!r} has no entry {ref!r}.")
    return current, entry_from_json(data)


def read_list_file(path: Path) -> tuple[bytes, str, str]:
    """The file's bytes, SHA-256 and modification date (a list file that carries no date of its
    own is taken to be as recent as the file)."""
    try:
        data = path.read_bytes()
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    except OSError as exc:
        raise Invalid(f"Cannot read {path.name}: {exc.__class__.__name__}.") from None
    return data, hashlib.sha256(data).hexdigest(), modified


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(row number from 1, cells)`` of CSV text. A row the csv module cannot read (an
    unclosed quote swallowing the rest of the file) is ``Invalid``, named by its number only."""
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader, None)
        except csv.Error:
            raise Invalid(
                f"Row {number} of the file cannot be read as CSV (an unclosed quote?); "
                "nothing was imported.",
                {"file": f"row {number} is not CSV"},
            ) from None
        if cells is None:
            return
        yield number, cells
