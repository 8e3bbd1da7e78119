"""The detention-spell index: what a row says, and that it stays exact as records change."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, ClassVar

import sqlalchemy as sa

from sviedka.model import (
    Arrest,
    Charge,
    Confidentiality,
    Detention,
    DetentionEnd,
    EndMode,
    NameForm,
    PartialDate,
    Person,
    Placement,
    Recognition,
    Sentence,
    Verdict,
    Vocabulary,
)
from sviedka.model.ids import new_id
from sviedka.store import SqlStore, open_store
from sviedka.store import schema as t
from sviedka.store.spell_counts import Who, held_counts
from sviedka.store.spells import FIRST, LAST, Bound, SpellIndex, spell_row, start_bounds

P = PartialDate.parse
TABLES = (
    t.spells,
    t.spell_persons,
    t.spell_charges,
    t.spell_placements,
    t.spell_sentences,
    t.spell_days,
)


def _detention(**fields: Any) -> Detention:
    return Detention(id=new_id(), person=new_id(), **fields)


def test_a_row_holds_the_earliest_and_latest_days_of_each_date() -> None:
    detention = _detention(
        arrest=Arrest(date=P("2021-09")),
        end=DetentionEnd(mode=EndMode.PARDON, date=P("2023")),
        recognition=Recognition(date=P("2021-10-05")),
        confidentiality=Confidentiality.CONFIDENTIAL,
    )
    row = spell_row(detention, "internal")
    assert {k: row[k] for k in row if k not in ("detention_id", "person_id")} == {
        "mixed": False,
        "start_lo": date(2021, 9, 1),
        "start_hi": date(2021, 9, 30),
        "end_lo": date(2023, 1, 1),
        "end_hi": date(2023, 12, 31),
        "end_date_lo": date(2023, 1, 1),
        "end_date_hi": date(2023, 12, 31),
        "end_mode": "pardon",
        "recognised": True,
        "recognised_lo": date(2021, 10, 5),
        "recognised_hi": date(2021, 10, 5),
        "arrest_year": 2021,
        "confidentiality": "confidential",
        "person_confidentiality": "internal",
    }


def test_open_and_undated_ends() -> None:
    still_held = spell_row(_detention(arrest=Arrest(date=P("2021"))), None)
    assert (still_held["end_lo"], still_held["end_hi"]) == (LAST, LAST)
    no_date = _detention(arrest=Arrest(date=P("2021-03")), end=DetentionEnd(mode=EndMode.OTHER))
    row = spell_row(no_date, None)
    assert (row["end_lo"], row["end_hi"], row["end_date_lo"]) == (date(2021, 3, 1), LAST, None)
    undated = spell_row(_detention(end=DetentionEnd(mode=EndMode.SERVED)), None)
    assert (undated["start_lo"], undated["end_lo"], undated["arrest_year"]) == (None, FIRST, None)
    assert undated["recognised"] is False


def test_without_an_arrest_date_the_start_is_the_earliest_later_fact() -> None:
    facility = new_id()
    detention = _detention(
        arrest=Arrest(place="Minsk"),
        placements=(Placement(facility=facility, start=P("2021-05")),),
        sentences=(Sentence(penalty="fine", date=P("2021-05-10")),),
    )
    assert start_bounds(detention) == (date(2021, 5, 1), date(2021, 5, 10))
    assert spell_row(detention, None)["arrest_year"] == 2021


# -- kept exact as records change ---------------------------------------------------------------


def _day(rng: random.Random) -> PartialDate:
    day = date(2020, 8, 1) + timedelta(days=rng.randint(0, 1500))
    precision = rng.random()
    if precision < 0.15:
        return PartialDate(day.year)
    if precision < 0.35:
        return PartialDate(day.year, day.month)
    return PartialDate.of(day)


def _random_detention(rng: random.Random, detention_id: str, person: str) -> Detention:
    start = _day(rng) if rng.random() < 0.9 else None
    end_date = _day(rng) if rng.random() < 0.8 else None
    end = None
    if rng.random() < 0.6 and not (start and end_date and end_date.certainly_before(start)):
        end = DetentionEnd(mode=rng.choice(list(EndMode)), date=end_date)
    return Detention(
        id=detention_id,
        person=person,
        arrest=Arrest(date=start),
        charges=(Charge(article="342", added=start),),
        end=end,
        recognition=Recognition(date=_day(rng)) if rng.random() < 0.8 else None,
        confidentiality=_level(rng),
    )


def _level(rng: random.Random) -> Confidentiality:
    return rng.choice(list(Confidentiality)) if rng.random() < 0.25 else Confidentiality.INTERNAL


def _person(person_id: str, rng: random.Random) -> Person:
    return Person(id=person_id, names=(NameForm(full="P"),), confidentiality=_level(rng))


def _open(url: str, vocabularies: tuple[Vocabulary, ...]) -> SqlStore:
    store = open_store(url, indexes=[SpellIndex()])
    with store.writer() as writer:
        for vocabulary in vocabularies:
            writer.put_vocabulary(vocabulary)
    return store


def _churn(store: SqlStore, seed: int) -> None:
    """Random adds and updates: new detentions, releases, detentions moved to another person
    (a person gains or loses a second spell), persons' confidentiality changed."""
    rng = random.Random(seed)
    persons = [new_id() for _ in range(12)]
    detentions: dict[str, str] = {}
    with store.writer() as writer:
        for pid in persons:
            writer.add(_person(pid, rng), actor="t")
    for _ in range(60):
        with store.writer() as writer:
            roll = rng.random()
            if roll < 0.45 or not detentions:
                did, pid = new_id(), rng.choice(persons)
                writer.add(_random_detention(rng, did, pid), actor="t")
                detentions[did] = pid
            elif roll < 0.85:
                did = rng.choice(sorted(detentions))
                pid = rng.choice(persons) if rng.random() < 0.4 else detentions[did]
                writer.update(_random_detention(rng, did, pid), actor="t")
                detentions[did] = pid
            else:
                writer.update(_person(rng.choice(persons), rng), actor="t")


def _tables(store: SqlStore) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    with store.snapshot() as conn:
        for table in TABLES:
            query = sa.select(table)
            if table is t.spell_days:
                query = query.where(table.c.delta != 0)  # zero rows left by changes mean nothing
            rows = conn.execute(query).all()
            found[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return found


class RebuiltSpellIndex(SpellIndex):
    version: ClassVar[int] = SpellIndex.version + 1


def test_the_index_kept_by_the_writer_equals_one_rebuilt_from_the_records(
    db_url: str, vocabularies: tuple[Vocabulary, ...]
) -> None:
    store = _open(db_url, vocabularies)
    _churn(store, seed=5)
    kept = _tables(store)
    store.close()
    rebuilt_store = open_store(db_url, indexes=[RebuiltSpellIndex()])
    rebuilt = _tables(rebuilt_store)
    rebuilt_store.close()
    assert kept == rebuilt
    assert len(kept["spells"]) > 20


def _by_definition(
    rows: list[Any], on: date, bound: Bound, who: Who, canonical: dict[str, str]
) -> int:
    """Straight from docs/statistics.md, in Python: distinct persons (clusters once) with a
    visible, recognised spell covering ``on``."""
    held = set()
    for r in rows:
        if (
            who.levels is not None
            and not {r.confidentiality, r.person_confidentiality} <= who.levels
        ):
            continue
        if not who.all_detentions and not r.recognised:
            continue
        if who.recognised_by_date and not who.all_detentions:
            sure = r.recognised_hi is not None and r.recognised_hi <= on
            maybe = r.recognised_lo is None or r.recognised_lo <= on
            if not (sure if bound is Bound.CERTAIN else maybe):
                continue
        if bound is Bound.CERTAIN:
            covers = r.start_hi is not None and r.start_hi <= on < r.end_lo
        elif bound is Bound.POSSIBLE:
            covers = r.start_lo is not None and r.start_lo <= on < r.end_hi
        else:
            covers = (r.start_lo is None or r.start_lo <= on) and on < r.end_hi
        if covers:
            held.add(canonical.get(r.person_id, r.person_id))
    return len(held)


def _judge_some(store: SqlStore, seed: int) -> dict[str, str]:
    """Three random `same` judgements; returns each clustered person's canonical id."""
    with store.snapshot() as conn:
        persons = sorted(conn.scalars(sa.select(t.spell_persons.c.person_id)))
    rng = random.Random(seed)
    with store.writer() as writer:
        for left, right in (rng.sample(persons, 2) for _ in range(3)):
            if left not in writer.cluster(right).members:
                writer.judge(left, right, Verdict.SAME, actor="t")
        clusters = [writer.cluster(p) for p in persons]
    return {p: c.canonical for p, c in zip(persons, clusters, strict=True) if len(c.members) > 1}


def test_the_fast_count_equals_the_count_by_definition_after_any_changes(
    db_url: str, vocabularies: tuple[Vocabulary, ...]
) -> None:
    store = _open(db_url, vocabularies)
    _churn(store, seed=11)
    canonical = _judge_some(store, seed=11)
    scopes = [
        Who(),
        Who(all_detentions=True),
        Who(levels=frozenset({"public", "internal"})),
        Who(recognised_by_date=True),
    ]
    days = [date(2020, 7, 1) + timedelta(days=17 * i) for i in range(100)]
    with store.snapshot() as conn:
        rows = conn.execute(sa.select(t.spells)).all()
        classes: dict[str, set[tuple[Any, ...]]] = {}
        for r in rows:
            level = (bool(r.recognised), r.confidentiality, r.person_confidentiality)
            classes.setdefault(r.person_id, set()).add(level)
        assert all(bool(r.mixed) == (len(classes[r.person_id]) > 1) for r in rows)
        several = [p for p in classes if sum(r.person_id == p for r in rows) > 1]
        assert any(len(classes[p]) == 1 for p in several), "some persons held twice in one class"
        assert any(len(classes[p]) > 1 for p in several), "and some mixed"
        for who in scopes:
            for clusters in ({}, canonical):
                fast = held_counts(conn, days, who, clusters)
                for day, counts in zip(days, fast, strict=True):
                    want = {b: _by_definition(rows, day, b, who, clusters) for b in Bound}
                    assert counts == want, (who, day)
    assert canonical
    store.close()
