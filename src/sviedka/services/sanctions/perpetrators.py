"""Who the archive documents as a perpetrator, and what it documents about them.

A perpetrator is a person who appears as ``Involvement.perpetrator``, as judge or prosecutor of a
``CourtCase`` in a detention, or who holds a ``Position`` (e.g. from RuPEP). Records judged the
same by the resolver are one perpetrator (the cluster's canonical record speaks for it), with the
name forms, birth dates and citizenships of every member.

Read through one view (``store.view(principal)``), within its ``Reach`` (``reach.py``): what a
user may not read is not drawn on at all — not its roles, cases, positions or counts, not a
cluster member's names, not a judgement that joins through it — so that a user's screening is
the same whatever they may not read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ...model import Detention, Involvement, PartialDate, Person, Position, Record
from ...store import View
from ...store.connection import connection
from ...store.spell_counts import same_pairs
from ..analysis.stats import clusters
from .reach import Reach, reach_of

__all__ = ["KINDS", "Perpetrator", "documented_perpetrators", "each_record", "label_of"]

_PAGE = 1000

# The kinds of record a screening draws on.
KINDS = ("involvement", "detention", "position", "person", "act", "organisation", "sanction")


@dataclass
class Perpetrator:
    person: Person  # the cluster's canonical record
    members: tuple[str, ...]
    names: tuple[str, ...] = ()
    birth_dates: tuple[PartialDate, ...] = ()
    citizenship: frozenset[str] = frozenset()
    roles: set[str] = field(default_factory=set)
    positions: list[str] = field(default_factory=list)
    cases: set[str] = field(default_factory=set)  # court case numbers (or "case in <court>")
    acts: set[str] = field(default_factory=set)
    detentions: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.person.names[0].full


@dataclass
class _Found:
    roles: set[str] = field(default_factory=set)
    positions: list[tuple[str | None, str | None]] = field(default_factory=list)
    cases: set[str] = field(default_factory=set)
    acts: set[str] = field(default_factory=set)
    detentions: set[str] = field(default_factory=set)


def documented_perpetrators(view: View) -> list[Perpetrator]:
    """Every documented perpetrator that ``view`` reads, drawn only from what it reads, one per
    cluster, in the order of their canonical ids."""
    reach = reach_of(view, KINDS)
    found: dict[str, _Found] = {}
    for record in each_record(view, "involvement"):
        _involvement(found, record, reach)
    for record in each_record(view, "detention"):
        _detention(found, record, reach)
    for record in each_record(view, "position"):
        _position(found, record, reach)
    return _clusters(view, found, reach)


def each_record(view: View, kind: str) -> Iterator[Record]:
    """Every record of ``kind`` that ``view`` reads, a page at a time, by id."""
    offset = 0
    while page := view.records(kind, limit=_PAGE, offset=offset):
        yield from (stored.record for stored in page)
        if len(page) < _PAGE:
            return
        offset += len(page)


def _involvement(found: dict[str, _Found], record: Record, reach: Reach) -> None:
    assert isinstance(record, Involvement)
    if record.id not in reach:
        return
    item = found.setdefault(record.perpetrator, _Found())
    item.roles.add(record.role.value)
    if record.act and record.act in reach:
        item.acts.add(record.act)
    if record.detention and record.detention in reach:
        item.detentions.add(record.detention)


def _detention(found: dict[str, _Found], record: Record, reach: Reach) -> None:
    assert isinstance(record, Detention)
    if record.id not in reach:
        return
    for case in record.court_cases:
        for role, person in (("judge", case.judge), ("prosecutor", case.prosecutor)):
            if person is None:
                continue
            item = found.setdefault(person, _Found())
            item.roles.add(role)
            item.detentions.add(record.id)
            item.cases.add(case.number or f"case of detention {record.id}")


def _position(found: dict[str, _Found], record: Record, reach: Reach) -> None:
    assert isinstance(record, Position)
    if record.id not in reach:
        return
    organisation = record.organisation if record.organisation in reach else None
    found.setdefault(record.person, _Found()).positions.append((record.title, organisation))


def _clusters(view: View, found: dict[str, _Found], reach: Reach) -> list[Perpetrator]:
    kinds = view.kinds_of(found)
    people = sorted(i for i in found if kinds.get(i) == "person" and i in reach)
    canonical = clusters(reach.pairs(same_pairs(connection(view))))
    members: dict[str, list[str]] = defaultdict(list)
    for member, head in sorted(canonical.items()):
        members[head].append(member)
    result: dict[str, Perpetrator] = {}
    labels: dict[str, str] = {}
    for person_id in people:
        head = canonical.get(person_id, person_id)
        perpetrator = result.get(head)
        if perpetrator is None:
            perpetrator = _perpetrator(view, head, members.get(head, [person_id]))
            result[head] = perpetrator
        _merge(view, perpetrator, found[person_id], labels)
    return [result[k] for k in sorted(result)]


def _perpetrator(view: View, canonical: str, members: Iterable[str]) -> Perpetrator:
    records = [view.get(m).record for m in members]
    persons = [r for r in records if isinstance(r, Person)]
    head = next((p for p in persons if p.id == canonical), persons[0])
    return Perpetrator(
        person=head,
        members=tuple(p.id for p in persons),
        names=tuple(dict.fromkeys(n.full for p in persons for n in p.names)),
        birth_dates=tuple(dict.fromkeys(p.birth_date for p in persons if p.birth_date)),
        citizenship=frozenset(c.lower() for p in persons for c in p.citizenship),
    )


def _merge(view: View, into: Perpetrator, item: _Found, labels: dict[str, str]) -> None:
    into.roles |= item.roles
    into.cases |= item.cases
    into.acts |= item.acts
    into.detentions |= item.detentions
    for title, org in item.positions:
        where = label_of(view, org, labels) if org else None
        into.positions.append(", ".join(x for x in (title, where) if x))


def label_of(view: View, record_id: str, cache: dict[str, str]) -> str:
    """The first name of an organisation (or person), read once per screening."""
    if record_id not in cache:
        record = view.get(record_id).record
        names = getattr(record, "names", ())
        cache[record_id] = names[0].full if names else record_id
    return cache[record_id]
