"""Statistics of political imprisonment: how many were held on a date, over time, and the flows
in and out — exact, reproducible, and each with its method stated.

The counting rules are in ``docs/statistics.md``; the reads, in one snapshot, are in
``store/stats.py`` (over the detention-spell index, ``store/spell_counts.py``). Every function
takes a ``Scope``: which detentions count, and which confidentiality levels the caller may see
(the CLI sees all; the server passes a user's, ``Scope.of(principal)``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from ...errors import Invalid
from ...model import Confidentiality, EndMode, Organisation
from ...policy import Permission, Principal, require
from ...spreadsheet import csv_text
from ...store import SqlStore
from ...store.spell_counts import Breakdown, Who
from ...store.spells import Bound
from ...store.stats import ArchiveState, Counts, archive_state, clusters, counting, levels_of

__all__ = [
    "ALL_LEVELS",
    "EVERYONE",
    "MAX_POINTS",
    "NOT_SHOWN",
    "ArchiveState",
    "Breakdown",
    "Every",
    "Method",
    "Scope",
    "StatsResult",
    "archive_state",
    "clusters",
    "flows",
    "held_on",
    "period_starts",
    "series",
]

ALL_LEVELS = frozenset(Confidentiality)
MAX_POINTS = 1000  # a series longer than this is refused: ask for a coarser step


class Every(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class Scope:
    """Who counts, and what the caller may see."""

    levels: frozenset[Confidentiality] = ALL_LEVELS
    all_detentions: bool = False  # every detention, not only those recognised as political
    recognised_by_date: bool = False  # only recognitions dated on or before the date asked

    @classmethod
    def of(cls, principal: Principal, *, all_detentions: bool = False) -> Scope:
        """What ``principal`` may count: the levels its read scope opens without a grant;
        ``Forbidden`` unless it may read (every count a user asks for starts here)."""
        require(principal, Permission.READ)
        return cls(levels_of(principal), all_detentions)

    def who(self) -> Who:
        levels = None if self.levels >= ALL_LEVELS else frozenset(str(v) for v in self.levels)
        return Who(levels, self.all_detentions, self.recognised_by_date)

    def filters(self) -> dict[str, str]:
        ordered = [level.value for level in Confidentiality if level in self.levels]
        who = "every detention" if self.all_detentions else "recognised political prisoners"
        if self.recognised_by_date and not self.all_detentions:
            who += ", recognised on or before the date"
        return {"who": who, "confidentiality": ", ".join(ordered) or "none"}


EVERYONE = Scope()  # recognised political prisoners, every confidentiality level


@dataclass(frozen=True)
class Method:
    """How a result was obtained: enough to reproduce it and to quote it honestly. ``archive``
    (the latest revision, the log's size, the checkpoint) describes every record, so it is given
    only to a caller who sees every level (the CLI custodian); for anyone else it is ``None``:
    their answer must not change with records they may not see."""

    question: str
    dates: Mapping[str, str]
    archive: ArchiveState | None
    rules: str
    filters: Mapping[str, str]
    totals: Mapping[str, int] | None = None  # the headline, beside a breakdown

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return data if self.totals is not None else {k: v for k, v in data.items() if k != "totals"}

    def lines(self) -> list[str]:
        """The method as short lines of text (for tables and CSV comments)."""
        dates = ", ".join(f"{k} {v}" for k, v in self.dates.items())
        state = _state_line(self.archive)
        found = [f"{self.question}: {dates}", f"archive: {state}", f"rules: {self.rules}"]
        found.append("filters: " + "; ".join(f"{k}: {v}" for k, v in self.filters.items()))
        if self.totals is not None:
            found.append("headline: " + ", ".join(f"{k} {v}" for k, v in self.totals.items()))
        return found


def _state_line(a: ArchiveState | None) -> str:
    if a is None:
        return NOT_SHOWN
    state = f"revision {a.revisions} of {a.latest_revision_at or '-'}; log size {a.log_size}"
    if a.checkpoint_size is not None:
        state += f"; signed checkpoint {a.checkpoint_size} ({a.checkpoint_root})"
    return state


NOT_SHOWN = "not shown (it would describe records outside what you may see)"


@dataclass(frozen=True)
class StatsResult:
    method: Method
    columns: tuple[str, ...]
    rows: tuple[Mapping[str, Any], ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method.as_dict(), "rows": [dict(r) for r in self.rows]}

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def as_csv(self) -> str:
        """The rows as CSV, the method first as ``#`` comment lines; text cells that a
        spreadsheet would run as a formula are quoted (``spreadsheet.safe_cell``)."""
        return csv_text(self.columns, self.rows, comments=self.method.lines())


# -- the questions ------------------------------------------------------------------------------


def held_on(
    store: SqlStore,
    on: date,
    *,
    by: Breakdown | None = None,
    scope: Scope = EVERYONE,
    lang: str = "en",
) -> StatsResult:
    """How many persons were held on ``on``: certainly, possibly, and undated; or broken down."""
    with counting(store, scope.who()) as counts:
        dates = {"on": on.isoformat()}
        headline = _headlines(counts, [on])[0]
        if by is None:
            return StatsResult(_method(counts, "held", dates, scope), _HEADLINE, (headline,))
        rows = tuple(_breakdown(counts, on, by, _Labels(counts, scope, lang)))
        method = _method(counts, "held", dates, scope, by=by, totals=_totals(headline))
    return StatsResult(method, _BREAKDOWN, rows)


def series(
    store: SqlStore,
    start: date,
    end: date,
    *,
    every: Every = Every.MONTH,
    by: Breakdown | None = None,
    scope: Scope = EVERYONE,
    lang: str = "en",
) -> StatsResult:
    """``held_on`` on the first day of each period from ``start`` to ``end``."""
    points = period_starts(start, end, every)
    dates = {"from": start.isoformat(), "to": end.isoformat(), "every": every.value}
    with counting(store, scope.who()) as counts:
        method = _method(counts, "held over time", dates, scope, by=by)
        if by is None:
            return StatsResult(method, _HEADLINE, tuple(_headlines(counts, points)))
        labels = _Labels(counts, scope, lang)
        rows = tuple(
            {"date": p.isoformat()} | row
            for p in points
            for row in _breakdown(counts, p, by, labels)
        )
    return StatsResult(method, ("date", *_BREAKDOWN), rows)


def flows(store: SqlStore, start: date, end: date, *, scope: Scope = EVERYONE) -> StatsResult:
    """Persons recognised, detained, released (by how) and died from ``start`` to ``end``."""
    if end < start:
        raise Invalid("The range ends before it starts.", {"to": "must be on or after from"})
    dates = {"from": start.isoformat(), "to": end.isoformat()}
    with counting(store, Scope(scope.levels, scope.all_detentions).who()) as counts:
        rows = tuple(_flow(counts, name, mode, start, end) for name, mode in _FLOWS)
        method = _method(counts, "flows", dates, scope, flows=True)
    return StatsResult(method, ("flow", "mode", "certain", "possible", "undated"), rows)


_HEADLINE = ("date", "certain", "possible", "undated")
_BREAKDOWN = ("key", "label", "certain", "possible")
_RELEASES = [m for m in EndMode if m is not EndMode.DEATH]
_FLOWS: list[tuple[str, EndMode | None]] = [
    ("recognised", None),
    ("detained", None),
    ("released", None),
    *(("released", m) for m in _RELEASES),
    ("died", EndMode.DEATH),
]


def period_starts(start: date, end: date, every: Every) -> list[date]:
    """The first day of each calendar period (ISO weeks start on Monday) within start..end."""
    if end < start:
        raise Invalid("The range ends before it starts.", {"to": "must be on or after from"})
    points, day = [], _first_on_or_after(start, every)
    while day <= end:
        points.append(day)
        if len(points) > MAX_POINTS:
            raise Invalid(
                f"More than {MAX_POINTS} points; choose a shorter range or a longer step.",
                {"every": "too fine for this range"},
            )
        day = _next(day, every)
    if not points:
        raise Invalid(
            f"No {every.value} starts between the two dates.", {"from": "widen the range"}
        )
    return points


def _first_on_or_after(day: date, every: Every) -> date:
    if every is Every.DAY:
        return day
    if every is Every.WEEK:
        return day + timedelta(days=(7 - day.weekday()) % 7)
    if every is Every.MONTH:
        return day if day.day == 1 else _next(day.replace(day=1), every)
    return day if (day.month, day.day) == (1, 1) else date(day.year + 1, 1, 1)


def _next(day: date, every: Every) -> date:
    if every is Every.DAY:
        return day + timedelta(days=1)
    if every is Every.WEEK:
        return day + timedelta(days=7)
    if every is Every.MONTH:
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date(day.year + 1, 1, 1)


# -- counting ----------------------------------------------------------------------------------


def _headlines(counts: Counts, days: Sequence[date]) -> list[dict[str, Any]]:
    return [
        {"date": day.isoformat(), "certain": found[Bound.CERTAIN]}
        | {"possible": found[Bound.POSSIBLE]}
        | {"undated": found[Bound.ANY] - found[Bound.POSSIBLE]}
        for day, found in zip(days, counts.held(days), strict=True)
    ]


def _breakdown(counts: Counts, on: date, by: Breakdown, labels: _Labels) -> list[dict[str, Any]]:
    certain = counts.held_by(on, by, Bound.CERTAIN)
    possible = counts.held_by(on, by, Bound.POSSIBLE)
    merged: dict[str, dict[str, Any]] = {}
    for key in {*certain, *possible}:
        shown = labels.key(by, key)
        row = merged.setdefault(shown, {"key": shown, "label": labels.label(by, shown)})
        row["certain"] = row.get("certain", 0) + certain.get(key, 0)
        row["possible"] = row.get("possible", 0) + possible.get(key, 0)
    return sorted(merged.values(), key=lambda r: (-r["certain"], -r["possible"], r["key"]))


def _flow(
    counts: Counts, name: str, mode: EndMode | None, start: date, end: date
) -> dict[str, Any]:
    return {"flow": name, "mode": mode.value if mode else ""} | counts.flow(name, mode, start, end)


def _totals(headline: Mapping[str, Any]) -> dict[str, int]:
    return {k: int(headline[k]) for k in ("certain", "possible", "undated")}


# -- labels ------------------------------------------------------------------------------------

_UNKNOWN = {
    Breakdown.ARTICLE: "(no charge in force)",
    Breakdown.FACILITY: "(facility unknown)",
    Breakdown.REGION: "(region unknown)",
    Breakdown.GENDER: "(gender unknown)",
    Breakdown.PENALTY: "(no sentence yet)",
    Breakdown.YEAR_OF_ARREST: "(year unknown)",
}
_HIDDEN = "(facility not visible to you)"
_VOCABS = {
    Breakdown.ARTICLE: "criminal_code_by",
    Breakdown.REGION: "regions_by",
    Breakdown.PENALTY: "penalty_types",
}


class _Labels:
    """Keys as shown (facilities the caller may not see merged into one bucket) and labels."""

    def __init__(self, counts: Counts, scope: Scope, lang: str) -> None:
        self.counts, self.levels, self.lang = counts, scope.levels, lang
        self._terms: dict[str, dict[str, str]] = {}
        self._facilities: dict[str, str | None] = {}

    def key(self, by: Breakdown, key: Any) -> str:
        if key is None:
            return "unknown"
        if by is Breakdown.FACILITY and self._facility(str(key)) is None:
            return "hidden"
        return str(key)

    def label(self, by: Breakdown, key: str) -> str:
        if key == "unknown":
            return _UNKNOWN[by]
        if key == "hidden":
            return _HIDDEN
        if by is Breakdown.FACILITY:
            return self._facility(key) or key
        vocab = _VOCABS.get(by)
        return self._term(vocab, key) if vocab else key

    def _term(self, vocab: str, code: str) -> str:
        if vocab not in self._terms:
            terms = self.counts.vocabulary(vocab).terms
            self._terms[vocab] = {term.code: term.label(self.lang) for term in terms}
        return self._terms[vocab].get(code, code)

    def _facility(self, facility_id: str) -> str | None:
        """The facility's name, or None if the caller may not see it."""
        if facility_id not in self._facilities:
            record = self.counts.record_at(facility_id, self.levels)
            self._facilities[facility_id] = None if record is None else _name(record, self.lang)
        return self._facilities[facility_id]


def _name(record: object, lang: str) -> str:
    if not isinstance(record, Organisation) or not record.names:
        return "?"
    forms = [n for n in record.names if n.lang == lang] or list(record.names)
    return forms[0].full


# -- the method --------------------------------------------------------------------------------


def _method(
    counts: Counts,
    question: str,
    dates: Mapping[str, str],
    scope: Scope,
    *,
    by: Breakdown | None = None,
    totals: Mapping[str, int] | None = None,
    flows: bool = False,
) -> Method:
    filters = scope.filters() | ({"by": by.value} if by else {})
    if flows:
        filters.pop("who")
        filters["who"] = _who_flows(scope)
    rules = _FLOW_RULES if flows else _HELD_RULES + (_BY_RULES[by] if by else "")
    state = counts.archive_state() if scope.levels >= ALL_LEVELS else None
    return Method(question, dict(dates), state, rules, filters, totals)


def _who_flows(scope: Scope) -> str:
    return "every detention" if scope.all_detentions else "recognised political prisoners"


_HELD_RULES = (
    "Distinct persons (records judged the same count once) with a detention covering the day. "
    "Certain: every possible day of an imprecise start is on or before it and every possible day "
    "of the end after it; possible: some are; released on the day = not held; detentions with no "
    "known start are counted as undated, apart."
)
_BY_RULES = {
    Breakdown.ARTICLE: " Charges in force on the day (added by it where dated, not yet dropped); "
    "a person counts once per article, so the rows can add up to more than the headline.",
    Breakdown.FACILITY: " The placement covering the day (transferred on the day = in the new "
    "facility); a person whose transfer date is imprecise is possibly in both.",
    Breakdown.REGION: " The person's region.",
    Breakdown.GENDER: " The person's gender.",
    Breakdown.PENALTY: " The latest sentence pronounced by the day.",
    Breakdown.YEAR_OF_ARREST: " The year of the arrest (or of the start of the detention).",
}
_FLOW_RULES = (
    "Distinct persons (records judged the same count once) for whom the event (recognition, "
    "arrest or start, end by mode) falls in the range, both days included. Certain: every possible "
    "day of the event's date is in the range; possible: some is; undated: recorded without a date."
)
