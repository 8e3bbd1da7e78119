"""A person's dossier: name forms, detentions as a timeline of dated facts, sources with their
grades, the incidents and acts they suffered, evidence, and the records judged to be them.

Only what the user may read is gathered, through a view of the store scoped to them (the person
page itself is read through ``server.guarded.read_record``, which audits confidential reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...model import Act, Detention, Evidence, Involvement, PartialDate, Person, Record
from ...policy import redact
from ...store import Stored
from .queries import linked_evidence, status_of

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
    """The dossier as the page's user may read it: every record gathered through one view
    scoped to them, redacted as they may see it."""
    principal = page.principal
    person = stored.record
    assert isinstance(person, Person)
    with page.archive.store.view(principal) as view:

        def referring(kind: str, field: str, value: str) -> list[Record]:
            found = view.records(kind, where={field: value}, limit=10_000)
            return [redact(principal, s.record) for s in found]

        others = [m for m in view.cluster(person.id).members if m != person.id]
        same_as = [redact(principal, s.record) for m in others if (s := view.find(m))]
        detentions = [d for m in [person.id, *others] for d in referring("detention", "person", m)]
        acts = referring("act", "victim", person.id)
        involved = referring("involvement", "perpetrator", person.id)
    held = [d for d in detentions if isinstance(d, Detention)]
    on = [person, *held, *acts]
    sources = list(
        {
            (link.source, link.reliability, link.credibility, link.locator): (r.id, link)
            for r in on
            for link in r.sources
        }.values()
    )
    evidence = linked_evidence(
        page.archive.store, page.principal, {person.id, *(d.id for d in held)}
    )
    found = Dossier(
        stored=stored,
        person=person,
        status=status_of(held),
        detentions=held,
        timeline=timeline(held),
        sources=sources,
        acts=[a for a in acts if isinstance(a, Act)],
        evidence=evidence,
        same_as=same_as,
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
