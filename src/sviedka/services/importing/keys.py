"""What an archive already holds from one list, loaded once per import (never a query per row).

Records an import made link to the list's ``Source``; the link's ``locator`` keeps the row's key
in the list: ``id=123; url=https://…`` for a person and their detention (``row=12`` when the row
had neither), ``judge=<normalised name>`` or ``prosecutor=…`` for officials,
``facility=<normalised name>`` for facilities. Facilities are also reused by name from anywhere in
the archive. The index is loaded from a view scoped to the importer: what they may not read is
not in it, so an import never changes it (``session``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ...model import Detention, Organisation, OrgKind, PartialDate, Person, Record
from ...store import View
from .text import normalise

__all__ = ["ListIndex", "load_index", "locator_keys", "name_key"]

_PAGE = 2000


@dataclass
class ListIndex:
    source: str
    persons: dict[str, Person] = field(default_factory=dict)  # "id=…", "url=…", "name=…" keys
    detentions: dict[str, Detention] = field(default_factory=dict)  # by person id
    officials: dict[str, str] = field(default_factory=dict)  # "judge=…" -> person id
    facilities: dict[str, str] = field(default_factory=dict)  # normalised name -> organisation id

    def person(
        self, id_: str | None, url: str | None, name: str, birth: PartialDate | None
    ) -> Person | None:
        """The list's earlier record of this row: by id, else url, else name and birth date."""
        if id_ or url:
            return self.persons.get(f"id={id_}") or self.persons.get(f"url={url}")
        return self.persons.get(name_key(name, birth))

    def remember(self, person: Person, locator: str) -> None:
        for key in locator_keys(locator):
            self.persons[key] = person
        if person.names:
            self.persons[name_key(person.names[0].full, person.birth_date)] = person


def name_key(name: str, birth: PartialDate | None) -> str:
    return f"name={normalise(name)}|{birth or ''}"


def locator_keys(locator: str | None) -> list[str]:
    return [part.strip() for part in (locator or "").split(";") if "=" in part]


def load_index(view: View, source: str, *, known_source: bool) -> ListIndex:
    """Everything the list's earlier imports made, and every penal facility by name, among the
    records ``view`` admits."""
    index = ListIndex(source)
    for org in _all(view, "organisation"):
        if isinstance(org, Organisation) and org.kind is OrgKind.PENAL_FACILITY:
            for form in org.names:
                index.facilities.setdefault(normalise(form.full), org.id)
    if not known_source:
        return index  # a new list: nothing of it is stored yet
    for person in _all(view, "person"):
        locator = _locator(person, source)
        if isinstance(person, Person) and locator is not None:
            _index_person(index, person, locator)
    for detention in _all(view, "detention"):
        if isinstance(detention, Detention) and _locator(detention, source) is not None:
            index.detentions.setdefault(detention.person, detention)
    return index


def _index_person(index: ListIndex, person: Person, locator: str) -> None:
    keys = locator_keys(locator)
    official = [k for k in keys if k.startswith(("judge=", "prosecutor="))]
    for key in official:
        index.officials[key] = person.id
    if not official:
        index.remember(person, locator)


def _locator(record: Record, source: str) -> str | None:
    return next((s.locator or "" for s in record.sources if s.source == source), None)


def _all(view: View, kind: str) -> Iterator[Record]:
    offset = 0
    while True:
        page = view.records(kind, limit=_PAGE, offset=offset)
        yield from (stored.record for stored in page)
        if len(page) < _PAGE:
            return
        offset += _PAGE
