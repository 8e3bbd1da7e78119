"""A detention as a timeline: its dated facts in order, references resolved to names.

``detention_timeline`` is a pure function from a detention (and names and vocabulary labels to
show) to ``TimelineEntry`` items, so the CLI and the web UI render the same facts. Dates keep the
precision they were recorded with. A fact without a date is placed where it falls in the course
of a detention (charges after the arrest, a sentence after its verdict…), marked "date unknown".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ...errors import NotFound
from ...model import Detention, PartialDate, Person, Record
from ...policy import Principal
from ...store import Store, View

__all__ = [
    "TimelineEntry",
    "date_text",
    "detention_timeline",
    "record_timelines",
    "timeline_text",
]

Labels = Mapping[str, Mapping[str, str]]  # vocabulary -> code -> label
_VOCABS = ("criminal_code_by", "penalty_types", "facility_regimes", "punishment_types",
           "release_modes")  # fmt: skip


@dataclass(frozen=True)
class TimelineEntry:
    date: PartialDate | None
    kind: str  # arrest, charge, charge_dropped, verdict, sentence, placement, transfer, left,
    # punishment, end, recognition
    text: str

    @property
    def when(self) -> str:
        return date_text(self.date)


def date_text(date: PartialDate | None) -> str:
    """``2021-09-25``, ``2021-09 (month)``, ``2021 (year)`` or ``date unknown``."""
    if date is None:
        return "date unknown"
    return str(date) if date.day is not None else f"{date} ({date.precision.value})"


def detention_timeline(
    detention: Detention, names: Mapping[str, str] | None = None, labels: Labels | None = None
) -> list[TimelineEntry]:
    """The detention's facts in date order; ``names`` maps record ids to what to call them."""
    say = _Words(names or {}, labels or {})
    entries = [e for part in _PARTS for e in part(detention, say)]
    return _ordered(entries)


def record_timelines(
    store: Store,
    principal: Principal,
    record_id: str,
    lang: str = "en",
    *,
    record: Record | None = None,
) -> list[tuple[Detention, list[TimelineEntry]]]:
    """The timeline of a detention, or of each detention of a person (oldest first), of what
    the principal may read."""
    with store.view(principal) as view:
        shown = record or view.get(record_id).record
        if isinstance(shown, Detention):
            detentions = [shown]
        elif isinstance(shown, Person):
            found = view.records("detention", where={"person": shown.id}, limit=1000)
            detentions = [s.record for s in found if isinstance(s.record, Detention)]
        else:
            return []
        names = _names(view, [i for d in detentions for i in _ids(d)])
        labels = {v: _labels(view, v, lang) for v in _VOCABS}
    return [(d, detention_timeline(d, names, labels)) for d in detentions]


def timeline_text(timelines: list[tuple[Detention, list[TimelineEntry]]]) -> str:
    """Plain text: one line per fact, one block per detention."""
    blocks = []
    for detention, entries in timelines:
        lines = [f"Timeline of detention {detention.id}:"]
        lines += [f"  {e.when:<20} {e.text}" for e in entries] or ["  (no facts recorded)"]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# -- the facts of each part of a detention ---------------------------------------------------


@dataclass(frozen=True)
class _Words:
    names: Mapping[str, str]
    labels: Labels

    def name(self, record_id: str | None) -> str:
        return self.names.get(record_id or "", record_id or "?")

    def label(self, vocab: str, code: str) -> str:
        return self.labels.get(vocab, {}).get(code, code)


def _arrest(d: Detention, say: _Words) -> Iterator[TimelineEntry]:
    if d.arrest is not None:
        where = f" in {d.arrest.place}" if d.arrest.place else ""
        by = f" by {say.name(d.arrest.unit)}" if d.arrest.unit else ""
        yield TimelineEntry(d.arrest.date, "arrest", f"Arrested{where}{by}")


def _charges(d: Detention, say: _Words) -> Iterator[TimelineEntry]:
    for c in d.charges:
        what = f"art. {c.article}" + (f" part {c.part}" if c.part is not None else "")
        label = say.label("criminal_code_by", c.article)
        text = f"{what} ({label})" if label != c.article else what
        yield TimelineEntry(c.added, "charge", f"Charged under {text}")
        if c.dropped is not None:
            yield TimelineEntry(c.dropped, "charge_dropped", f"Charge dropped: {what}")


def _court(d: Detention, say: _Words) -> Iterator[TimelineEntry]:
    for case in d.court_cases:
        parts = [f"Verdict ({case.instance} instance)"]
        parts += [f"court: {say.name(case.court)}"] if case.court else []
        parts += [f"judge: {say.name(case.judge)}"] if case.judge else []
        parts += [f"prosecutor: {say.name(case.prosecutor)}"] if case.prosecutor else []
        parts += [f"case {case.number}"] if case.number else []
        parts += [case.outcome] if case.outcome else []
        yield TimelineEntry(case.verdict_date, "verdict", "; ".join(parts))


def _sentences(d: Detention, say: _Words) -> Iterator[TimelineEntry]:
    for s in d.sentences:
        parts = [say.label("penalty_types", s.penalty)]
        parts += [_term(s.term_months)] if s.term_months else []
        parts += [say.label("facility_regimes", s.regime)] if s.regime else []
        quoted = f" — “{s.text}”" if s.text else ""
        yield TimelineEntry(s.date, "sentence", "Sentenced: " + ", ".join(parts) + quoted)


def _placements(d: Detention, say: _Words) -> Iterator[TimelineEntry]:
    for i, p in enumerate(d.placements):
        if i == 0:
            yield TimelineEntry(p.start, "placement", f"Held in {say.name(p.facility)}")
        else:
            before = say.name(d.placements[i - 1].facility)
            yield TimelineEntry(
                p.start, "transfer", f"Transferred to {say.name(p.facility)} (from {before})"
            )
        if p.end is not None:
            yield TimelineEntry(p.end, "left", f"Left {say.name(p.facility)}")


def _punishments(d: Detention, say: _Words) -> Iterator[TimelineEntry]:
    for p in d.punishments:
        text = say.label("punishment_types", p.kind)
        text += f", {p.days} days" if p.days else ""
        text += f" in {say.name(p.facility)}" if p.facility else ""
        until = f" (until {date_text(p.end)})" if p.end else ""
        yield TimelineEntry(p.start, "punishment", f"Punished: {text}{until}")


def _end(d: Detention, say: _Words) -> Iterator[TimelineEntry]:
    if d.end is not None:
        how = say.label("release_modes", d.end.mode.value)
        yield TimelineEntry(d.end.date, "end", f"Detention ended: {how}")


def _recognition(d: Detention, say: _Words) -> Iterator[TimelineEntry]:
    r = d.recognition
    if r is not None:
        text = "Recognised as a political prisoner"
        text += f" by {r.by}" if r.by else ""
        text += f" (statement: {r.statement})" if r.statement else ""
        text += f"; PACE criteria {', '.join(r.criteria)}" if r.criteria else ""
        yield TimelineEntry(r.date, "recognition", text)


# The course of a detention: an undated fact is shown after the facts of the parts before it.
_PARTS: tuple[Callable[[Detention, _Words], Iterator[TimelineEntry]], ...] = (
    _arrest, _charges, _recognition, _court, _sentences, _placements, _punishments, _end,
)  # fmt: skip


def _ordered(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """By date; an undated entry keeps the place of the dated entry before it in the course."""
    keyed = []
    last: tuple[int, int] = (0, 0)
    for position, entry in enumerate(entries):
        if entry.date is not None:
            last = entry.date.sort_key()
        keyed.append((last, position, entry))
    return [entry for _, _, entry in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _term(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    parts += [f"{rest} month{'s' if rest != 1 else ''}"] if rest else []
    return " ".join(parts)


def _ids(d: Detention) -> Iterator[str]:
    if d.arrest and d.arrest.unit:
        yield d.arrest.unit
    for case in d.court_cases:
        yield from (i for i in (case.court, case.judge, case.prosecutor) if i)
    yield from (p.facility for p in d.placements)
    yield from (p.facility for p in d.punishments if p.facility)


def _names(view: View, ids: list[str]) -> dict[str, str]:
    found = {}
    for record_id in dict.fromkeys(ids):
        stored = view.find(record_id)
        names = getattr(stored.record, "names", ()) if stored else ()
        if names:
            found[record_id] = names[0].full
    return found


def _labels(view: View, vocab: str, lang: str) -> dict[str, str]:
    try:
        terms = view.vocabulary(vocab).terms
    except NotFound:  # an archive without this vocabulary shows the codes
        return {}
    return {t.code: t.label(lang) for t in terms}
