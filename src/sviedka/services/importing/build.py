"""The records one row makes or changes: its person, their detention, and the officials and
facilities the row names (made once per import, then reused). docs/import.md is the mapping."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...model import (
    Arrest,
    Charge,
    Confidentiality,
    CourtCase,
    Detention,
    DetentionEnd,
    EndMode,
    Facility,
    NameForm,
    Organisation,
    OrgKind,
    PartialDate,
    Person,
    Placement,
    Recognition,
    Record,
    Sentence,
    SourceLink,
)
from ...model.ids import new_id
from .cells import Status
from .keys import ListIndex
from .rows import RowFacts, end_of
from .sentences import read_sentence
from .text import normalise

__all__ = ["Builder", "RowRecords", "facility_type"]

_FACILITY_TYPES = [
    ("open_type_facility", r"иуот|пуат|iuot|open[- ]type"),
    ("colony_settlement", r"поселени|пасяленн|settlement"),
    ("educational_colony", r"воспитательн|выхаваўч|educational"),
    ("sizo", r"сизо|сiза|сіза|sizo|pre-trial|следственн|следч"),
    ("ivs", r"ивс|ічу|ivs|temporary detention"),
    ("tsip", r"цип|ціп|tsip|isolation of offenders"),
    ("ltp", r"лтп|лпп|ltp"),
    ("prison", r"тюрьм|турм|prison"),
    ("correctional_colony", r"\bик\b|\bпк\b|\bik\b|\bpk\b|колони|калоні|colony"),
]


def facility_type(name: str) -> str:
    """The facility_types code a facility's name shows (``other`` if it shows none)."""
    said = name.casefold()
    return next((code for code, p in _FACILITY_TYPES if re.search(p, said)), "other")


@dataclass
class RowRecords:
    person: Person
    detention: Detention
    old_person: Person | None  # as stored, when the list's earlier import made it
    old_detention: Detention | None
    new: list[Record] = field(default_factory=list)  # officials and facilities first named here

    def problems(self) -> list[str]:
        """The records' own rules (e.g. a detention that ends before the arrest)."""
        found = {**self.person.problems(), **self.detention.problems()}
        return [f"{path}: {message}" for path, message in found.items()]


@dataclass
class Builder:
    index: ListIndex
    list_name: str
    codes: Mapping[str, Collection[str]]  # known codes of the vocabularies used below
    _pending: list[Record] = field(default_factory=list, init=False)

    def build(self, facts: RowFacts) -> RowRecords:
        birth = facts.dates.get("birthday")
        old = self.index.person(facts.id, facts.url, facts.name, birth)
        person = self._person(facts, old)
        old_detention = self.index.detentions.get(old.id) if old else None
        detention = self._detention(facts, person.id, old_detention)
        out = RowRecords(person, detention, old, old_detention, self._pending)
        self._pending = []
        return out

    def forget(self, records: list[Record]) -> None:
        """Undo what ``build`` remembered of records that will not be written after all."""
        ids = {r.id for r in records}
        for table in (self.index.officials, self.index.facilities):
            for key in [k for k, v in table.items() if v in ids]:
                del table[key]

    # -- person ---------------------------------------------------------------------------

    def _person(self, facts: RowFacts, old: Person | None) -> Person:
        form = facts.name_form("person") or NameForm(full=facts.name)
        link = self._link(_row_locator(facts))
        if old is None:
            return Person(
                id=new_id(),
                names=(form,),
                birth_date=facts.dates.get("birthday"),
                gender=facts.gender,
                sources=(link,),
                notes=facts.text("note"),
            )
        changes: dict[str, Any] = {
            "names": (form, *old.names[1:]),
            "sources": self._relinked(old.sources, link),
        }
        changes |= _present(facts, {"birthday": ("birth_date", facts.dates.get("birthday"))})
        changes |= _present(facts, {"gender": ("gender", facts.gender)})
        changes |= _present(facts, {"note": ("notes", facts.text("note"))})
        return dataclasses.replace(old, **changes)

    def _link(self, locator: str) -> SourceLink:
        return SourceLink(source=self.index.source, locator=locator)

    def _relinked(self, links: tuple[SourceLink, ...], link: SourceLink) -> tuple[SourceLink, ...]:
        return (link, *(s for s in links if s.source != self.index.source))

    # -- detention ------------------------------------------------------------------------

    def _detention(self, facts: RowFacts, person: str, old: Detention | None) -> Detention:
        base = old or Detention(id=new_id(), person=person)
        end = _end(facts)
        link = self._link(_row_locator(facts))
        fields: dict[str, Any] = {"sources": self._relinked(base.sources, link)}
        if "arrested" in facts.present:
            arrest = base.arrest or Arrest()
            fields["arrest"] = dataclasses.replace(arrest, date=facts.dates.get("arrested"))
        if "articles" in facts.present:
            fields["charges"] = _charges(facts, base.charges)
        if facts.present & {"verdict_date", "judge", "prosecutor"}:
            fields["court_cases"] = self._court_cases(facts, base.court_cases)
        if facts.present & {"decision", "penalty"}:
            fields["sentences"] = self._sentences(facts)
        if "prison" in facts.present:
            fields["placements"] = self._placements(facts, base.placements, end)
        if facts.present & {"status", "prison", "release_date", "died"}:
            fields["end"] = end
        if facts.present & {"status", "declaration"}:
            fields["recognition"] = self._recognition(facts, base.recognition)
        return dataclasses.replace(base, **fields)

    def _court_cases(self, facts: RowFacts, old: tuple[CourtCase, ...]) -> tuple[CourtCase, ...]:
        first = next((c for c in old if c.instance == "first"), CourtCase())
        case = dataclasses.replace(
            first,
            verdict_date=facts.dates.get("verdict_date"),
            judge=self._official("judge", facts.name_form("judge")),
            prosecutor=self._official("prosecutor", facts.name_form("prosecutor")),
        )
        others = tuple(c for c in old if c is not first)
        empty = case == CourtCase()
        return others if empty else (case, *others)

    def _sentences(self, facts: RowFacts) -> tuple[Sentence, ...]:
        texts = [facts.text("decision"), facts.text("penalty")]
        return tuple(self._sentence(t, facts) for t in texts if t)

    def _sentence(self, text: str, facts: RowFacts) -> Sentence:
        read = read_sentence(text)
        known = read.penalty is not None and read.penalty in self.codes["penalty_types"]
        penalty = read.penalty if known and read.penalty else "other"
        if read.penalty is None:
            facts.warnings.append("decision: no penalty recognised; kept as written")
        regime = read.regime if read.regime in self.codes["facility_regimes"] else None
        return Sentence(
            penalty=penalty,
            date=facts.dates.get("verdict_date"),
            term_months=read.term_months,
            regime=regime,
            text=text,
        )

    def _placements(
        self, facts: RowFacts, old: tuple[Placement, ...], end: DetentionEnd | None
    ) -> tuple[Placement, ...]:
        ended = end.date if end else None
        name = facts.name_form("facility")
        if name is None:  # the list says the person is out
            return _closed(old, ended)
        facility = self._facility(name)
        if old and old[-1].facility == facility:
            return _closed(old, ended)
        return (*old, Placement(facility=facility, end=ended))

    def _recognition(self, facts: RowFacts, old: Recognition | None) -> Recognition | None:
        if facts.status is Status.NP:
            return None
        statement = facts.text("declaration")
        if facts.status is None and statement is None:
            return old
        base = old or Recognition()
        return dataclasses.replace(base, by=base.by or self.list_name, statement=statement)

    # -- officials and facilities, made once -------------------------------------------------

    def _official(self, role: str, name: NameForm | None) -> str | None:
        if name is None:
            return None
        key = f"{role}={normalise(name.full)}"
        if key not in self.index.officials:
            person = Person(id=new_id(), names=(name,), occupation=role, sources=(self._link(key),))
            self.index.officials[key] = person.id
            self._pending.append(person)
        return self.index.officials[key]

    def _facility(self, name: NameForm) -> str:
        key = normalise(name.full)
        if key not in self.index.facilities:
            kind = facility_type(name.full)
            number = re.search(r"\d+", name.full)
            org = Organisation(
                id=new_id(),
                names=(name,),
                kind=OrgKind.PENAL_FACILITY,
                country="BY",
                facility=Facility(
                    type=kind if kind in self.codes["facility_types"] else "other",
                    number=number.group(0) if number else None,
                ),
                confidentiality=Confidentiality.PUBLIC,
                sources=(self._link(f"facility={key}"),),
            )
            self.index.facilities[key] = org.id
            self._pending.append(org)
        return self.index.facilities[key]


def _row_locator(facts: RowFacts) -> str:
    parts = [f"id={facts.id}" if facts.id else "", f"url={facts.url}" if facts.url else ""]
    return "; ".join(p for p in parts if p) or f"row={facts.number}"


def _present(facts: RowFacts, pairs: Mapping[str, tuple[str, object]]) -> dict[str, Any]:
    return {attr: value for column, (attr, value) in pairs.items() if column in facts.present}


def _charges(facts: RowFacts, old: tuple[Charge, ...]) -> tuple[Charge, ...]:
    """The list's charges; one already stored with the same article and part keeps its dates."""
    kept = {(c.article, c.part): c for c in old}
    return tuple(kept.get((c.article, c.part)) or Charge(article=c.article, part=c.part)
                 for c in facts.charges)  # fmt: skip


def _end(facts: RowFacts) -> DetentionEnd | None:
    end = end_of(facts)
    if end and facts.status is Status.ACTIVE and end.mode is not EndMode.NON_CUSTODIAL:
        facts.warnings.append("status: is active, but the row says the detention ended")
    return end


def _closed(placements: tuple[Placement, ...], ended: PartialDate | None) -> tuple[Placement, ...]:
    if not placements or ended is None or placements[-1].end is not None:
        return placements
    return (*placements[:-1], dataclasses.replace(placements[-1], end=ended))
