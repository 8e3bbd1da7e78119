"""Detention spells: a derived index over Detention and Person records, for statistics.

One row per detention in ``spells`` (start and end as the earliest/latest day each may be, end
mode, recognition, confidentiality of the detention and of its person), and side tables for what
breakdowns need: charges, placements, sentences, and the person's region and gender. The writer
keeps it current in the same transaction as the records (see ``indexes.py``); ``spell_counts.py``
reads it.

"Held on D" is a prefix sum: ``spell_days`` holds, per day and class of spell (recognised or
not, confidentiality of detention and person), +1 where a person starts being held in a reading
(certainly, possibly, or from an unknown start) and -1 where they stop, the person's spells of
one class merged first so that each person counts once. A person whose spells fall in more than
one class is ``mixed`` and counted apart, from their rows.

Bounds are chosen so that every test is a plain comparison:

* the end's held bounds are 9999-12-31 while a detention is open; an end without a date has
  ``end_lo`` = the start's earliest day (it may have ended at once) and ``end_hi`` = 9999-12-31
  (or any time later), so it is possibly but never certainly held;
* a charge, placement or sentence without a date applies from the start of its detention
  (0001-01-01) and, without an end, to its end (9999-12-31);
* a spell whose start is unknown altogether has ``start_lo`` and ``start_hi`` NULL: it is counted
  apart as "undated", never guessed.

The day a bound names is the day the change happens: released (transferred, a charge dropped) on
D means no longer held (there, charged) on D.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..model import Detention, PartialDate, Person, Record
from . import schema as t
from .indexes import Index

__all__ = ["FIRST", "LAST", "Bound", "SpellIndex", "chunked", "spell_row", "start_bounds"]

FIRST, LAST = date.min, date.max  # 0001-01-01 (since always) and 9999-12-31 (not yet)
_CHUNK = 500  # ids per statement: under SQLite's bound-parameter limit
S = t.spells.c


class Bound(StrEnum):
    """Which reading of imprecise dates a count uses."""

    CERTAIN = "certain"  # every possible day of the dates places the person in custody on D
    POSSIBLE = "possible"  # some possible day does
    ANY = "any"  # possibly held, or held from an unknown start and not certainly released by D


# -- building ----------------------------------------------------------------------------------


def _days(value: PartialDate | None) -> tuple[date | None, date | None]:
    return (None, None) if value is None else (value.earliest(), value.latest())


def start_bounds(detention: Detention) -> tuple[date | None, date | None]:
    """The arrest date; without one, the earliest of the placement starts and sentence dates
    (the detention began on or before each of them)."""
    if detention.arrest is not None and detention.arrest.date is not None:
        return _days(detention.arrest.date)
    dates = [p.start for p in detention.placements if p.start is not None]
    dates += [s.date for s in detention.sentences if s.date is not None]
    if not dates:
        return None, None
    return min(d.earliest() for d in dates), min(d.latest() for d in dates)


def _end_bounds(detention: Detention, start_lo: date | None) -> tuple[date, date]:
    if detention.end is None:
        return LAST, LAST
    lo, hi = _days(detention.end.date)
    if lo is None or hi is None:
        return start_lo or FIRST, LAST
    return lo, hi


def spell_row(detention: Detention, person_confidentiality: str | None) -> dict[str, Any]:
    """The ``spells`` row of one detention (``mixed`` is set afterwards, per person)."""
    start_lo, start_hi = start_bounds(detention)
    end_lo, end_hi = _end_bounds(detention, start_lo)
    end = detention.end
    recognition = detention.recognition
    recognised_lo, recognised_hi = _days(recognition.date if recognition else None)
    end_date_lo, end_date_hi = _days(end.date if end else None)
    arrest = detention.arrest.date if detention.arrest else None
    one_year = start_lo is not None and start_hi is not None and start_lo.year == start_hi.year
    return {
        "detention_id": detention.id,
        "person_id": detention.person,
        "mixed": False,
        "start_lo": start_lo,
        "start_hi": start_hi,
        "end_lo": end_lo,
        "end_hi": end_hi,
        "end_date_lo": end_date_lo,
        "end_date_hi": end_date_hi,
        "end_mode": end.mode.value if end else None,
        "recognised": recognition is not None,
        "recognised_lo": recognised_lo,
        "recognised_hi": recognised_hi,
        "arrest_year": arrest.year
        if arrest
        else (start_lo.year if one_year and start_lo else None),
        "confidentiality": detention.confidentiality.value,
        "person_confidentiality": person_confidentiality,
    }


def _span(start: PartialDate | None, end: PartialDate | None) -> tuple[date, date, date, date]:
    """From-to bounds of a fact inside a detention: undated from = since the detention's start,
    no end = until the detention's end."""
    from_lo, from_hi = _days(start)
    to_lo, to_hi = _days(end)
    return from_lo or FIRST, from_hi or FIRST, to_lo or LAST, to_hi or LAST


def _side_rows(d: Detention) -> dict[sa.Table, list[dict[str, Any]]]:
    charges, placements, sentences = [], [], []
    for seq, c in enumerate(d.charges):
        lo, hi, d_lo, d_hi = _span(c.added, c.dropped)
        row = {"detention_id": d.id, "seq": seq, "article": c.article, "part": c.part}
        charges.append(
            row | {"added_lo": lo, "added_hi": hi, "dropped_lo": d_lo, "dropped_hi": d_hi}
        )
    for seq, p in enumerate(d.placements):
        lo, hi, t_lo, t_hi = _span(p.start, p.end)
        row = {"detention_id": d.id, "seq": seq, "facility": p.facility}
        placements.append(row | {"from_lo": lo, "from_hi": hi, "to_lo": t_lo, "to_hi": t_hi})
    for seq, s in enumerate(d.sentences):
        said_lo, said_hi = _days(s.date)
        row = {"detention_id": d.id, "seq": seq, "penalty": s.penalty, "term_months": s.term_months}
        sentences.append(row | {"date_lo": said_lo or FIRST, "date_hi": said_hi or FIRST})
    return {t.spell_charges: charges, t.spell_placements: placements, t.spell_sentences: sentences}


_DETENTION_TABLES = (t.spells, t.spell_charges, t.spell_placements, t.spell_sentences)


class SpellIndex(Index):
    """Keeps the spell tables current; see the module docstring for what a row says."""

    name: ClassVar[str] = "spells"
    version: ClassVar[int] = 3
    kinds: ClassVar[frozenset[str]] = frozenset({"person", "detention"})

    def refresh(self, conn: sa.Connection, records: Sequence[Record]) -> None:
        persons = [r for r in records if isinstance(r, Person)]
        detentions = [r for r in records if isinstance(r, Detention)]
        if persons:  # first: a detention in the same batch reads its person's row
            _refresh_persons(conn, persons)
        if detentions:
            _refresh_detentions(conn, detentions)

    def clear(self, conn: sa.Connection) -> None:
        """Drop and re-create the tables: derived data, whose shape may have changed with the
        version (migrations only add missing tables)."""
        tables = [*_DETENTION_TABLES, t.spell_persons, t.spell_days]
        t.metadata.drop_all(conn, tables=tables, checkfirst=True)
        t.metadata.create_all(conn, tables=tables)


def chunked(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    """``ids`` in statements' worth (SQLite limits bound parameters)."""
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


Row = Mapping[str, Any]


def _refresh_persons(conn: sa.Connection, persons: Sequence[Person]) -> None:
    P = t.spell_persons.c
    for chunk in chunked([p.id for p in persons]):
        conn.execute(sa.delete(t.spell_persons).where(P.person_id.in_(chunk)))
    levels = {p.id: p.confidentiality.value for p in persons}
    rows = [
        {"person_id": p.id, "confidentiality": levels[p.id], "region": p.region}
        | {"gender": p.gender.value}
        for p in persons
    ]
    conn.execute(sa.insert(t.spell_persons), rows)
    before = _read_spells(conn, sorted(levels))  # none on imports: the persons are new
    if not before:
        return
    after = [dict(r) | {"person_confidentiality": levels[r["person_id"]]} for r in before]
    _count_days(conn, before, after)
    update = sa.update(t.spells).where(S.person_id == sa.bindparam("pid"))
    update = update.values(person_confidentiality=sa.bindparam("level"))
    indexed = sorted({r["person_id"] for r in before})
    conn.execute(update, [{"pid": p, "level": levels[p]} for p in indexed])
    # ``mixed`` stays: all of a person's spells carry the same person's level.


def _refresh_detentions(conn: sa.Connection, detentions: Sequence[Detention]) -> None:
    """Replace the rows of these detentions, keeping ``mixed`` and ``spell_days`` exact.

    Everything is worked out from the persons' spells as they were and as they will be, read
    once: for new detentions of new persons (imports) that is one small query per 500."""
    ids = {d.id for d in detentions}
    old = _indexed_detentions(conn, sorted(ids))
    persons = sorted({d.person for d in detentions} | set(old.values()))
    before = _read_spells(conn, persons)
    levels = _person_levels(conn, persons)
    fresh = [spell_row(d, levels.get(d.person)) for d in detentions]
    after = [r for r in before if r["detention_id"] not in ids] + fresh
    mixed = _mixed_persons(after)
    for row in fresh:
        row["mixed"] = row["person_id"] in mixed
    _count_days(conn, before, after)
    for chunk in chunked(sorted(old)):
        for table in _DETENTION_TABLES:
            conn.execute(sa.delete(table).where(table.c.detention_id.in_(chunk)))
    conn.execute(sa.insert(t.spells), fresh)
    _insert_side_rows(conn, detentions)
    _fix_mixed(conn, [r for r in before if r["detention_id"] not in ids], after)


def _read_spells(conn: sa.Connection, persons: Sequence[str]) -> list[Row]:
    """Every spell row of these persons."""
    found: list[Row] = []
    for chunk in chunked(persons):
        query = sa.select(t.spells).where(S.person_id.in_(chunk))
        found += [dict(row._mapping) for row in conn.execute(query)]
    return found


def _indexed_detentions(conn: sa.Connection, ids: Sequence[str]) -> dict[str, str]:
    """``{detention: person}`` for those of ``ids`` indexed already."""
    found: dict[str, str] = {}
    for chunk in chunked(ids):
        query = sa.select(S.detention_id, S.person_id).where(S.detention_id.in_(chunk))
        found.update({row.detention_id: row.person_id for row in conn.execute(query)})
    return found


def _insert_side_rows(conn: sa.Connection, detentions: Sequence[Detention]) -> None:
    side: dict[sa.Table, list[dict[str, Any]]] = {}
    for d in detentions:
        for table, rows in _side_rows(d).items():
            side.setdefault(table, []).extend(rows)
    for table, rows in side.items():
        if rows:
            conn.execute(sa.insert(table), rows)


# -- spell_days: per-day changes of the number held ---------------------------------------------

Class = tuple[bool, str, str]  # recognised, confidentiality, person's confidentiality


def _class(row: Row) -> Class:
    return bool(row["recognised"]), row["confidentiality"], row["person_confidentiality"] or ""


def _mixed_persons(rows: Iterable[Row]) -> set[str]:
    """Persons whose spells fall in more than one class: they are counted apart."""
    classes: dict[str, set[Class]] = defaultdict(set)
    for row in rows:
        classes[row["person_id"]].add(_class(row))
    return {person for person, found in classes.items() if len(found) > 1}


def _fix_mixed(conn: sa.Connection, kept: Sequence[Row], after: Sequence[Row]) -> None:
    """Set ``mixed`` on the rows that stay where a person's mix changed."""
    now = _mixed_persons(after)
    changed = {r["person_id"] for r in kept if bool(r["mixed"]) != (r["person_id"] in now)}
    if changed:
        update = sa.update(t.spells).where(S.person_id == sa.bindparam("pid"))
        update = update.values(mixed=sa.bindparam("flag"))
        conn.execute(update, [{"pid": p, "flag": p in now} for p in sorted(changed)])


def _intervals(row: Row) -> Iterator[tuple[Bound, date, date]]:
    """The days each reading holds a spell: from the first (included) to the last (excluded)."""
    start_lo, start_hi, end_lo, end_hi = (
        row[k] for k in ("start_lo", "start_hi", "end_lo", "end_hi")
    )
    if start_hi is not None and start_hi < end_lo:
        yield Bound.CERTAIN, start_hi, end_lo
    if start_lo is not None and start_lo < end_hi:
        yield Bound.POSSIBLE, start_lo, end_hi
    if (start_lo or FIRST) < end_hi:
        yield Bound.ANY, start_lo or FIRST, end_hi


def _union(intervals: Iterable[tuple[date, date]]) -> Iterator[tuple[date, date]]:
    """Overlapping or touching intervals merged: a person is held once, however many spells."""
    current: tuple[date, date] | None = None
    for first, stop in sorted(intervals):
        if current is not None and first <= current[1]:
            current = (current[0], max(current[1], stop))
            continue
        if current is not None:
            yield current
        current = (first, stop)
    if current is not None:
        yield current


def _contributions(rows: Iterable[Row]) -> Counter[tuple[Any, ...]]:
    """What these spells (all the spells of their persons) add to ``spell_days``.

    For each person not mixed, and each reading in turn (certain, possible, any), the +1/-1 at
    the ends of the union of their spells, less those of the reading before: possibly held
    adds only the straddling days to certainly held, and "any" only the undated spells, so exact
    dates cost one pair of rows, not three."""
    by_person: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_person[row["person_id"]].append(row)
    deltas: Counter[tuple[Any, ...]] = Counter()
    for spells in by_person.values():
        classes = {_class(r) for r in spells}
        if len(classes) > 1:
            continue
        level = classes.pop()
        spans: dict[Bound, list[tuple[date, date]]] = {bound: [] for bound in Bound}
        for row in spells:
            for bound, first, stop in _intervals(row):
                spans[bound].append((first, stop))
        previous: Counter[date] = Counter()
        for bound in Bound:  # certain, possible, any: each holds the one before
            ends: Counter[date] = Counter()
            for first, stop in _union(spans[bound]) if len(spells) > 1 else spans[bound]:
                ends[first] += 1
                ends[stop] -= 1
            added = ends.copy()
            added.subtract(previous)
            for day, n in added.items():
                if n:
                    deltas[(bound.value, *level, day)] += n
            previous = ends
    return deltas


def _count_days(conn: sa.Connection, before: Iterable[Row], after: Iterable[Row]) -> None:
    """Move ``spell_days`` from what the spells contributed before to what they do after."""
    deltas = _contributions(after)
    deltas.subtract(_contributions(before))
    keys = ("bound", "recognised", "confidentiality", "person_confidentiality", "day")
    changes = [dict(zip(keys, key, strict=True)) | {"delta": n} for key, n in deltas.items() if n]
    if changes:
        conn.execute(_increment(conn), changes)


def _increment(conn: sa.Connection) -> Any:
    """INSERT … ON CONFLICT DO UPDATE delta = delta + new: spelt alike, imported per dialect."""
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(t.spell_days)
    return insert.on_conflict_do_update(
        index_elements=[c.name for c in t.spell_days.primary_key],
        set_={"delta": t.spell_days.c.delta + insert.excluded.delta},
    )


def _person_levels(conn: sa.Connection, ids: Iterable[str]) -> dict[str, str]:
    P = t.spell_persons.c
    found: dict[str, str] = {}
    for chunk in chunked(sorted(ids)):
        query = sa.select(P.person_id, P.confidentiality).where(P.person_id.in_(chunk))
        found.update({row.person_id: row.confidentiality for row in conn.execute(query)})
    return found
