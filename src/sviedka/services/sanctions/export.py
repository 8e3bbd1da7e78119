"""Perpetrators and what we document about them as FollowTheMoney entities, for OpenSanctions,
Aleph and any FtM tool: Person, Organization, Position and Occupancy (posts held), Sanction,
CourtCase and CourtCaseParty (the judge and the prosecutor of a case).

Entities are built with ``followthemoney``'s model, so the schema is checked as they are made, and
each is validated before it is written. Ids are stable: ``sviedka-`` and our record id (plus the
court case's place in its detention). Only records at ``public`` confidentiality are exported,
unless more levels are named. Victims are never exported: a court case names its judge and
prosecutor, not its defendant.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData

from ...errors import IntegrityFailure, Invalid
from ...model import Confidentiality, Detention, Organisation, Person, Position, Record, Sanction
from ...store import Store, View
from .perpetrators import documented_perpetrators, each_record

__all__ = ["ExportReport", "export_ftm"]

_PREFIX = "sviedka-"


@dataclass(frozen=True)
class ExportReport:
    file: str
    entities: dict[str, int]  # by FtM schema


def export_ftm(
    store: Store, out: Path, *, include: frozenset[Confidentiality] = frozenset()
) -> ExportReport:
    """Write the perpetrators as FtM entities (JSON lines) to ``out``."""
    allowed = include | {Confidentiality.PUBLIC}
    # Unscoped by intent: the custodian exports at the CLI, and what leaves is decided by level
    # (``allowed``), record by record, below; no account's scope applies.
    with store.unscoped_view() as view:
        people = {m for p in documented_perpetrators(view) for m in p.members}
        builder = _Builder(model, view, allowed, people)
        entities = sorted(builder.build(), key=lambda e: str(e.id))
    for entity in entities:
        _validate(entity)
    _write(out, entities)
    counts = Counter(e.schema.name for e in entities)
    return ExportReport(out.name, dict(sorted(counts.items())))


def _validate(entity: Any) -> None:
    """FtM's check of every value, and of the required properties (which FtM's ``validate``
    passes over when they are absent). The complaint names properties, never their values."""
    problems = {p for p in entity.schema.required if not entity.get(p)}
    try:
        entity.schema.validate(entity.to_dict())
    except InvalidData as exc:
        problems |= set(exc.errors.get("properties") or ())
    if problems:
        raise IntegrityFailure(
            f"FtM refused the {entity.schema.name} entity {entity.id} "
            f"({', '.join(sorted(problems))}); nothing was written."
        )


def _write(out: Path, entities: list[Any]) -> None:
    """Temp file, fsync, rename: ``out`` is the whole export or what it was before."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    except OSError as exc:
        raise Invalid(f"Cannot write {out.name}: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for entity in entities:
                f.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise Invalid(f"Cannot write {out.name}: {exc.strerror or exc}.") from None
        raise


class _Builder:
    def __init__(
        self, model: Any, view: View, allowed: frozenset[Confidentiality], people: set[str]
    ) -> None:
        self.model, self.view, self.allowed = model, view, allowed
        self.people = {p for p in people if self._visible(p)}
        self.orgs: dict[str, Any] = {}

    def _visible(self, record_id: str) -> bool:
        return self.view.get(record_id).record.confidentiality in self.allowed

    def _records(self, kind: str) -> Iterator[Record]:
        for record in each_record(self.view, kind):
            if record.confidentiality in self.allowed:
                yield record

    def make(self, schema: str, entity_id: str, **props: Any) -> Any:
        entity = self.model.make_entity(schema)
        entity.id = entity_id
        for prop, value in props.items():
            for item in value if isinstance(value, list | tuple) else [value]:
                if item is not None:
                    entity.add(prop, str(item))
        return entity

    def build(self) -> Iterator[Any]:
        for person_id in sorted(self.people):
            record = self.view.get(person_id).record
            assert isinstance(record, Person)
            yield self.person(record)
        for record in self._records("position"):
            if isinstance(record, Position) and record.person in self.people:
                yield from self.position(record)
        for record in self._records("sanction"):
            if isinstance(record, Sanction) and record.subject in self.people:
                yield self.sanction(record)
        for record in self._records("detention"):
            if isinstance(record, Detention):
                yield from self.cases(record)
        yield from self.orgs.values()

    def person(self, record: Person) -> Any:
        first = record.names[0]
        return self.make(
            "Person",
            _PREFIX + record.id,
            name=[n.full for n in record.names],
            firstName=first.given,
            fatherName=first.patronymic,
            lastName=first.family,
            birthDate=record.birth_date,
            gender=None if record.gender.value == "unknown" else record.gender.value,
            citizenship=[c.lower() for c in record.citizenship],
        )

    def organisation(self, org_id: str | None) -> Any | None:
        """The Organization entity of a visible organisation (made once), else None."""
        if org_id is None or not self._visible(org_id):
            return None
        if org_id not in self.orgs:
            record = self.view.get(org_id).record
            assert isinstance(record, Organisation)
            names = [n.full for n in record.names]
            country = record.country.lower() if record.country else None
            self.orgs[org_id] = self.make(
                "Organization", _PREFIX + org_id, name=names, country=country
            )
        return self.orgs[org_id]

    def position(self, record: Position) -> Iterator[Any]:
        org = self.organisation(record.organisation)
        where = org.first("name") if org else None
        name = ", ".join(x for x in (record.title, where) if x)
        if not name:
            return  # no title and an organisation not exported: nothing to say of the post
        post = self.make(
            "Position", f"{_PREFIX}position-{record.id}", name=name, organization=org and org.id
        )
        yield post
        yield self.make(
            "Occupancy",
            f"{_PREFIX}{record.id}",
            holder=_PREFIX + record.person,
            post=post.id,
            startDate=record.start,
            endDate=record.end,
        )

    def sanction(self, record: Sanction) -> Any:
        return self.make(
            "Sanction",
            _PREFIX + record.id,
            entity=_PREFIX + str(record.subject),
            authority=record.authority,
            program=record.programme,
            authorityId=record.reference,
            listingDate=record.listed,
            endDate=record.delisted,
        )

    def cases(self, record: Detention) -> Iterator[Any]:
        for i, case in enumerate(record.court_cases):
            parties = [(r, p) for r, p in (("judge", case.judge), ("prosecutor", case.prosecutor))]
            parties = [(r, p) for r, p in parties if p in self.people]
            if not parties:
                continue
            case_id = f"{_PREFIX}{record.id}-case-{i}"
            court = self.organisation(case.court)
            court_name = court.first("name") if court else None
            yield self.make(
                "CourtCase",
                case_id,
                name=case.number or "criminal case",
                caseNumber=case.number,
                court=court_name,
                closeDate=case.verdict_date,
            )
            for role, party in parties:
                yield self.make(
                    "CourtCaseParty",
                    f"{case_id}-{role}",
                    case=case_id,
                    party=_PREFIX + str(party),
                    role=role,
                )
