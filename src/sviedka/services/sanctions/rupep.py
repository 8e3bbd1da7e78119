"""The RuPEP list of politically exposed persons of Russia and Belarus, imported as documentation.

Each Belarus-related row (see ``rupep_rows.BELARUS``) becomes a person (Russian Cyrillic and
RuPEP's Latin name forms, birth date), the organisation of their post (one record per
organisation name, its kind guessed from the name: court, prosecutor's office, police, KGB,
penal facility…) and a position linking the two, each with a source link to the RuPEP dataset
and the row. RuPEP gives no ids, so a row's key is made from its names and birth date; the
``import_keys`` table remembers which record each key became and what the row said, so that
re-importing an unchanged row reads one row and writes nothing. Other rows are read and skipped.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import Invalid
from ...model import (
    Confidentiality,
    Credibility,
    NameForm,
    Organisation,
    Person,
    Position,
    Record,
    Reliability,
    Source,
    SourceKind,
    SourceLink,
)
from ...model.codec import dump
from ...model.ids import new_id
from ...model.revision import sha256_hex
from ...store import Writer
from ...store.import_keys import add_import_key, import_keys, set_import_digest
from ..archive.folder import Archive
from ..importing import Action, ImportOptions, ImportReport, RowOutcome
from .lists import csv_rows, read_list_file
from .rupep_rows import (
    BELARUS,
    HEADER,
    RupepRow,
    belarus_related,
    name_parts,
    org_kind,
    parse_row,
)

__all__ = ["DATASET", "SOURCE_URL", "import_rupep", "read_rupep"]

DATASET = "rupep"
SOURCE_URL = "https://rupep.org/en/persons_list/"
_SOURCE_TITLE = "RuPEP: politically exposed persons of Russia and Belarus"


class _DryRun(Exception):
    """Raised inside the writer to roll a dry run (or an import with rejected rows) back."""


def import_rupep(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    """Import the Belarus-related rows of RuPEP's CSV as persons, organisations and positions."""
    data, sha256, _ = read_list_file(path)
    rows, rejected, read = read_rupep(data)
    report = ImportReport(
        file=path.name,
        sha256=sha256,
        format="rupep",
        dry_run=options.dry_run,
        rows_read=read,
        rolled_back=bool(rejected) and not options.keep_going,
    )
    try:
        with archive.store.writer() as writer:
            session = _Session(writer, options.actor, path.name)
            outcomes = [session.row(r) for r in rows]
            report.outcomes = sorted([*outcomes, *rejected], key=lambda o: o.row)
            if any(o.action is Action.REJECTED for o in outcomes) and not options.keep_going:
                report.rolled_back = True
            if options.dry_run or report.rolled_back:
                raise _DryRun
    except _DryRun:
        pass
    return report


def read_rupep(data: bytes) -> tuple[list[RupepRow], list[RowOutcome], int]:
    """The Belarus-related rows, the refused rows, and how many rows were read in all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The RuPEP file is not UTF-8 text.", {"file": "is not UTF-8"}) from None
    reader = csv_rows(text)
    if [c.strip() for c in next(reader, (1, []))[1]] != HEADER:
        raise Invalid("This is not RuPEP's CSV: its header differs.", {"file": "unknown header"})
    rows: list[RupepRow] = []
    rejected: list[RowOutcome] = []
    read = 0
    for number, cells in reader:
        read += 1
        if len(cells) == len(HEADER) and not belarus_related(cells):
            continue
        try:
            rows.append(parse_row(number, cells))
        except ValueError as exc:
            rejected.append(RowOutcome(row=number, action=Action.REJECTED, reasons=(str(exc),)))
    return rows, rejected, read


@dataclass
class _Session:
    """One import: the keys already known, and what this import added or changed."""

    writer: Writer
    actor: str
    file: str
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (record id, digest)
    seen: dict[str, int] = field(default_factory=dict)  # person key -> first row in this file
    source: str = ""

    def __post_init__(self) -> None:
        self.keys.update(import_keys(self.writer, DATASET))
        self.source = self._put("source", _source(), None)[0]

    def row(self, row: RupepRow) -> RowOutcome:
        key = _person_key(row)
        if key in self.seen:
            return RowOutcome(
                row=row.row,
                action=Action.REJECTED,
                key=key,
                reasons=(f"repeats the person of row {self.seen[key]}",),
            )
        self.seen[key] = row.row
        link = SourceLink(
            source=self.source,
            reliability=Reliability.B,
            credibility=Credibility.PROBABLE,
            locator=f"{self.file}, row {row.row}",
        )
        results = list(self._records(key, row, link))
        changed = tuple(r for r, action in results if action is not Action.UNCHANGED)
        actions = {action for _, action in results}
        action = next(a for a in (Action.ADDED, Action.UPDATED, Action.UNCHANGED) if a in actions)
        return RowOutcome(
            row=row.row, action=action, key=key, records=changed, reasons=row.warnings
        )

    def _records(self, key: str, row: RupepRow, link: SourceLink) -> Iterator[tuple[str, Action]]:
        person = self._put(f"person:{key}", _person(row, link), link)
        yield person
        org = None
        if row.organisation:
            org = self._put(f"organisation:{row.organisation}", _organisation(row, link), None)
            yield org
        if row.title or org:
            position = _position(person[0], org[0] if org else None, row, link)
            yield self._put(f"position:{key}", position, link)

    def _put(self, key: str, record: Record, link: SourceLink | None) -> tuple[str, Action]:
        """Add the record under ``key``, or update it if the row says something new."""
        digest = _digest(record)
        known = self.keys.get(key)
        if known and known[1] == digest:
            return known[0], Action.UNCHANGED
        if known and link is None:
            return known[0], Action.UNCHANGED  # shared records (organisations) are not rewritten
        record_id = known[0] if known else new_id()
        record = _with_id(record, record_id)
        if known:
            self.writer.update(record, actor=self.actor, reason="RuPEP import")
        else:
            self.writer.add(record, actor=self.actor, reason="RuPEP import")
        self._remember(key, record_id, digest, update=known is not None)
        self.keys[key] = (record_id, digest)
        return record_id, Action.UPDATED if known else Action.ADDED

    def _remember(self, key: str, record_id: str, digest: str, *, update: bool) -> None:
        if update:
            set_import_digest(self.writer, DATASET, key, digest)
        else:
            add_import_key(self.writer, DATASET, key, record_id, digest)


def _person_key(row: RupepRow) -> str:
    """RuPEP's rows have no ids: the Russian and Latin names and the birth date stand in."""
    return sha256_hex(json.dumps([row.name_ru, row.name_en, str(row.birth)]).encode())[:32]


def _digest(record: Record) -> str:
    state = dump(record)
    state.pop("id", None)
    return sha256_hex(json.dumps(state, sort_keys=True, ensure_ascii=False).encode())


def _with_id(record: Record, record_id: str) -> Record:
    return dataclasses.replace(record, id=record_id)


def _source() -> Source:
    return Source(
        id="-",
        title=_SOURCE_TITLE,
        kind=SourceKind.DATASET,
        url=SOURCE_URL,
        reliability=Reliability.B,
        confidentiality=Confidentiality.PUBLIC,
        notes="Scraped by github.com/sahanmar/451 (ru_bl_peps_parsed.csv); RuPEP is kept by the "
        "Anti-Corruption Action Centre.",
    )


def _person(row: RupepRow, link: SourceLink) -> Person:
    names = []
    if row.name_ru:
        given, patronymic, family = name_parts(row.name_ru)
        names.append(
            NameForm(full=row.name_ru, lang="ru", given=given, patronymic=patronymic, family=family)
        )
    if row.name_en:
        names.append(NameForm(full=row.name_en, lang="ru-Latn", kind="transliteration"))
    return Person(
        id="-",
        names=tuple(names),
        birth_date=row.birth,
        confidentiality=Confidentiality.PUBLIC,
        sources=(link,),
    )


def _organisation(row: RupepRow, link: SourceLink) -> Organisation:
    assert row.organisation is not None
    names = [NameForm(full=row.organisation, lang="ru")]
    if row.organisation_en:
        names.append(NameForm(full=row.organisation_en, lang="en", kind="transliteration"))
    return Organisation(
        id="-",
        names=tuple(names),
        kind=org_kind(row.organisation),
        country="BY" if BELARUS.search(row.organisation) else None,
        confidentiality=Confidentiality.PUBLIC,
        sources=(SourceLink(source=link.source, reliability=link.reliability),),
    )


def _position(person: str, org: str | None, row: RupepRow, link: SourceLink) -> Position:
    return Position(
        id="-",
        person=person,
        organisation=org,
        title=row.title,
        title_en=row.title_en,
        confidentiality=Confidentiality.PUBLIC,
        sources=(link,),
        notes="RuPEP's last known position; it gives no dates.",
    )
