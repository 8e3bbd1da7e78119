"""A person's dossier: name forms, detentions as a timeline of dated facts, sources with their
grades, the incidents and acts they suffered, evidence, and the records judged to be them.

Only what the user may read is gathered (the person page itself is read through
``server.guarded.read_record``, which audits confidential reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import Act, Detention, Evidence, Involvement, PartialDate, Person, Record
from ..store import Stored
from .queries import cluster_members, linked_evidence, referring, status_of

if TYPE_CHECKING:
    from .pages import Page

__all__ = ["Dossier", "Entry", "dossier", "timeline"]


@dataclass(frozen=True)
class Entry:
    """One dated fact; ``kind`` picks the sentence the page shows, ``facts`` fills it."""

    date: PartialDate | None
    kind: str
    facts: dict[str, Any] = field(default_factory=dict)
    detention: str | None = None


@dataclass
class Dossier:
    stored: Stored
    person: Person
    status: str
    detentions: list[Detention]
    timeline: list[Entry]
    sources: list[tuple[str, Any]]  # (the record the link is on, the SourceLink)
    acts: list[Act]
    evidence: list[Evidence]
    same_as: list[Record]
    as_perpetrator: list[Involvement]
    linked: dict[str, Record]  # titles of every record the page names


def timeline(detentions: list[Detention]) -> list[Entry]:
    """Every dated fact of the detentions, oldest first (undated facts last)."""
    keyed: list[tuple[tuple[int, int], bool, int, Entry]] = []
    for d in detentions:
        known = (0, 0)
        for e in _facts(d):  # an undated fact stays where it falls in the course of events
            known = e.date.sort_key() if e.date else known
            keyed.append((known, e.date is None, len(keyed), e))
    return [e for *_, e in sorted(keyed, key=lambda k: k[:3])]


def _facts(d: Detention) -> list[Entry]:
    found: list[Entry] = []

    def add(day: PartialDate | None, kind: str, **facts: Any) -> None:
        found.append(Entry(day, kind, facts, d.id))

    if d.arrest:
        add(d.arrest.date, "arrest", place=d.arrest.place, unit=d.arrest.unit)
    for c in d.charges:
        add(c.added, "charge", article=c.article, part=c.part)
    for case in d.court_cases:
        add(
            case.verdict_date,
            "verdict",
            court=case.court,
            judge=case.judge,
            prosecutor=case.prosecutor,
            number=case.number,
        )
    for s in d.sentences:
        add(s.date, "sentence", penalty=s.penalty, months=s.term_months, regime=s.regime)
    for p in d.placements:
        add(p.start, "placement", facility=p.facility)
        if p.end:
            add(p.end, "transfer_out", facility=p.facility)
    for pun in d.punishments:
        add(pun.start, "punishment", punishment=pun.kind, days=pun.days, facility=pun.facility)
    if d.recognition:
        add(d.recognition.date, "recognition", by=d.recognition.by)
    if d.end:
        add(d.end.date, "end", mode=d.end.mode.value)
    return found


def dossier(page: Page, stored: Stored) -> Dossier:
    store, user = page.archive.store, page.me
    person = stored.record
    assert isinstance(person, Person)
    members = [person.id, *(m.id for m in cluster_members(store, user, stored))]
    detentions = [d for m in members for d in referring(store, user, "detention", {"person": m})]
    held = [d for d in detentions if isinstance(d, Detention)]
    acts = [a for a in referring(store, user, "act", {"victim": person.id}) if isinstance(a, Act)]
    involved = referring(store, user, "involvement", {"perpetrator": person.id})
    on = [person, *held, *acts]
    sources = list(
        {
            (link.source, link.reliability, link.credibility, link.locator): (r.id, link)
            for r in on
            for link in r.sources
        }.values()
    )
    found = Dossier(
        stored=stored,
        person=person,
        status=status_of(held),
        detentions=held,
        timeline=timeline(held),
        sources=sources,
        acts=acts,
        evidence=linked_evidence(store, user, {person.id, *(d.id for d in held)}),
        same_as=cluster_members(store, user, stored),
        as_perpetrator=[i for i in involved if isinstance(i, Involvement)],
        linked={},
    )
    found.linked = page.titles(_named(found))
    return found


def _named(d: Dossier) -> set[str]:
    """Ids the page shows by name: facilities, courts, judges, units, sources, events."""
    ids = {link.source for _, link in d.sources}
    for entry in d.timeline:
        ids.update(v for k, v in entry.facts.items() if k in _REFS and isinstance(v, str))
    ids.update(a.event for a in d.acts if a.event)
    ids.update(i.act or i.detention or "" for i in d.as_perpetrator)
    return ids


_REFS = ("unit", "court", "judge", "prosecutor", "facility")
