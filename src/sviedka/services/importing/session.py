"""The import of one sheet: one writer transaction, one pass over the rows, one report.

Each row is read and checked first (``rows.read_row``); only a row that passed is written, so a
rejected row never leaves half its records behind. By default any rejected row rolls the whole
import back (the report lists every problem); ``keep_going`` writes the valid rows and reports
the rest. ``dry_run`` does everything and then rolls back.

The import finds what the list made before (its Source, persons, detentions, officials) and
the facilities it reuses only among the records ``ImportOptions.reader`` may read: a record
above the importer's clearance, or in a compartment not theirs, is treated as if it did not
exist. It gains no revision and no link, and the report cannot tell that it is there."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import Invalid
from ...model import Person, Record, Source, SourceKind
from ...model.codec import dump
from ...model.ids import new_id
from ...policy import Principal
from ...store import View, Writer
from ...store.reading import read_by
from ..archive.folder import Archive
from ..records.matching import likely_duplicates
from .build import Builder, RowRecords
from .columns import Columns, ListMapping, match_header, read_mapping
from .keys import ListIndex, load_index, name_key
from .readers import Sheet, SheetRow, open_sheet
from .report import Action, ImportOptions, ImportReport, RowOutcome
from .rows import RowFacts, RowRejected, read_row

__all__ = ["ListInfo", "import_sheet", "sha256_of"]

_VOCABS = ("criminal_code_by", "penalty_types", "facility_regimes", "facility_types")
_PROGRESS_EVERY = 500


@dataclass(frozen=True)
class ListInfo:
    """The list a sheet comes from: it names the ``Source`` every imported record links to."""

    name: str
    url: str | None = None


class _Undo(Exception):
    """Raised inside the writer to roll the transaction back (dry run, or rejected rows)."""


def import_sheet(
    archive: Archive, path: Path, *, kind: str, fmt: str, default: ListInfo, options: ImportOptions
) -> ImportReport:
    """Import a CSV (``kind="csv"``) or XLSX sheet; see docs/import.md."""
    if not path.is_file():
        raise Invalid(f"No file at {path}.", {"file": "not found"})
    mapping = read_mapping(options.mapping) if options.mapping else None
    info = _list_info(default, mapping, options)
    report = ImportReport(
        file=path.name, sha256=sha256_of(path), format=fmt, dry_run=options.dry_run
    )
    try:
        with archive.store.writer() as writer:
            _run(writer, path, kind, info, mapping, options, report)
            if options.dry_run or (report.count(Action.REJECTED) and not options.keep_going):
                raise _Undo
    except _Undo:
        report.rolled_back = not options.dry_run
    return report


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _list_info(default: ListInfo, mapping: ListMapping | None, options: ImportOptions) -> ListInfo:
    if options.list_name:
        return ListInfo(options.list_name.strip(), mapping.url if mapping else None)
    if mapping:
        return ListInfo(mapping.name, mapping.url)
    return default


def _run(
    writer: Writer,
    path: Path,
    kind: str,
    info: ListInfo,
    mapping: ListMapping | None,
    options: ImportOptions,
    report: ImportReport,
) -> None:
    with open_sheet(path, kind, options.sheet) as sheet:
        columns, ignored = match_header(sheet.header, mapping)
        report.warnings += sheet.warnings
        if ignored:
            report.warnings.append("Columns not imported: " + ", ".join(ignored) + ".")
        readable = _readable(writer, options.reader)
        source, known = _source(writer, readable, info, report, options.actor)
        codes = {name: writer.known_codes(name) for name in _VOCABS}
        index = load_index(readable, source, known_source=known)
        rows = _Rows(writer, Builder(index, info.name, codes), columns, len(sheet.header))
        rows.run(sheet, options, report)
    if report.rows_read == 0:
        raise Invalid("The file has a header row but no data rows.", {"file": "no rows"})


def _readable(writer: Writer, reader: Principal | None) -> View:
    """The writer's records as ``reader`` may read them (all of them for the custodian)."""
    return writer if reader is None else read_by(writer, reader)


def _source(
    writer: Writer, readable: View, info: ListInfo, report: ImportReport, actor: str
) -> tuple[str, bool]:
    """The list's Source record (made on the first import, or when the importer may not read
    the one there is), noting the file now imported."""
    notes = f"Imported from the file {report.file} (sha256 {report.sha256})."
    found = readable.records("source", where={"title": info.name}, limit=20)
    old = next((s.record for s in found if _is_list(s.record)), None)
    reason = f"import of {report.file}"
    if old is None:
        new = Source(
            id=new_id(), title=info.name, kind=SourceKind.DATASET, url=info.url, notes=notes
        )
        writer.add(new, actor=actor, reason=reason)
        return new.id, False
    assert isinstance(old, Source)
    changed = dataclasses.replace(old, notes=notes, url=info.url or old.url)
    if changed != old:
        writer.update(changed, actor=actor, reason=reason)
    return old.id, True


def _is_list(record: Record) -> bool:
    return isinstance(record, Source) and record.kind is SourceKind.DATASET


@dataclass
class _Rows:
    writer: Writer
    builder: Builder
    columns: Columns
    width: int
    seen: dict[str, int] = field(default_factory=dict)  # key -> first row with it

    @property
    def index(self) -> ListIndex:
        return self.builder.index

    def run(self, sheet: Sheet, options: ImportOptions, report: ImportReport) -> None:
        for row in sheet.rows:
            report.rows_read += 1
            report.outcomes.append(self.take(row, options, report.file))
            if options.progress and report.rows_read % _PROGRESS_EVERY == 0:
                options.progress(sheet.done, sheet.total)
        if options.progress:
            options.progress(sheet.total or sheet.done, sheet.total)

    def take(self, row: SheetRow, options: ImportOptions, file: str) -> RowOutcome:
        codes = self.builder.codes["criminal_code_by"]
        try:
            facts = read_row(row.number, row.cells, self.columns, self.width, codes, row.unreadable)
            facts.warnings[:0] = row.warnings
            self._check_unique(facts)
            records = self.builder.build(facts)
            if problems := records.problems():
                self.builder.forget(records.new)
                raise RowRejected(problems)
        except RowRejected as exc:
            reasons = tuple(exc.reasons)
            return RowOutcome(
                row=row.number, action=Action.REJECTED, key=self._key(row), reasons=reasons
            )
        reason = f"import of {file}, row {row.number}"
        return self._write(facts, records, options, reason)

    def _key(self, row: SheetRow) -> str | None:
        """The row's id or url as the report shows it, read straight from the cells."""
        for field_, shown in (("id", "id {}"), ("url", "{}")):
            index = self.columns.get(field_)
            value = row.cells[index] if index is not None and index < len(row.cells) else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if value is not None and str(value).strip():
                return shown.format(str(value).strip())
        return None

    def _check_unique(self, facts: RowFacts) -> None:
        keys = [f"id={facts.id}" if facts.id else "", f"url={facts.url}" if facts.url else ""]
        keys = [k for k in keys if k] or [name_key(facts.name, facts.dates.get("birthday"))]
        for key in keys:
            first = self.seen.get(key)
            if first is not None:
                what = key.split("=", 1)[0]
                what = "name and birth date" if what == "name" else what
                raise RowRejected(
                    [
                        f"{what}: the same as row {first} (rows {first} and "
                        f"{facts.number}); the list names each person once"
                    ]
                )
        self.seen.update(dict.fromkeys(keys, facts.number))

    def _write(
        self, facts: RowFacts, out: RowRecords, options: ImportOptions, reason: str
    ) -> RowOutcome:
        actor = options.actor
        if out.old_person is None:
            facts.warnings += _duplicate_warnings(self.writer, out.person, options.reader)
        for record in out.new:
            self.writer.add(record, actor=actor, reason=reason)
        written = [r.id for r in out.new]
        changes: list[str] = []
        added = False
        for old, new in ((out.old_person, out.person), (out.old_detention, out.detention)):
            if old is None:
                self.writer.add(new, actor=actor, reason=reason)
                written.append(new.id)
                added = True
            elif diff := _changed(old, new):
                self.writer.update(new, actor=actor, reason=reason)
                written.append(new.id)
                changes += diff
        # Nothing written is remembered: a later row with the same key is rejected as a
        # duplicate anyway, so memory stays flat however long the sheet is.
        action = Action.ADDED if added else Action.UPDATED if written else Action.UNCHANGED
        return RowOutcome(
            row=facts.number,
            action=action,
            key=facts.key,
            records=tuple(written),
            changes=tuple(changes),
            reasons=tuple(facts.warnings),
        )


def _duplicate_warnings(writer: Writer, person: Person, reader: Principal | None) -> list[str]:
    """A warning per person already in the archive who is likely this new one (by id and score
    only: the report never shows another record's name), among the persons ``reader`` may read
    (everyone for the custodian): a warning must not tell whether a name exists where the
    importer may not look. Persons this import added are seen once the writer has flushed them
    (every few thousand rows); the list's own repeats are refused by key anyway."""
    names = [form.full for form in person.names]
    found = likely_duplicates(writer, names, person.birth_date, limit=3, reader=reader)
    return [
        f"likely the same person as {other} (score {score:.2f}); judge with sviedka cluster judge"
        for other, score, _ in found
        if other != person.id
    ]


def _changed(old: Record, new: Record) -> list[str]:
    before, after = dump(old), dump(new)
    return [f"{old.KIND}.{k}" for k in _keys(before, after) if before.get(k) != after.get(k)]


def _keys(*states: Mapping[str, Any]) -> Iterator[str]:
    return iter(sorted({k for state in states for k in state}))
