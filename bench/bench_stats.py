"""``held on`` and ``series`` over 100,000 persons and about 1,000,000 dated facts.

Writes a synthetic archive through the store's writer (so the detention-spell index is built the
real way, in the writer's transactions), then times ``analysis.stats.held_on`` for 100 random
dates and ``analysis.stats.series`` for 5 years monthly (60 points), on SQLite and PostgreSQL,
each against a straightforward SQL count of the same question over the same tables in the same
run. The figures and what they mean: ``docs/statistics.md``.

    .venv/bin/python bench/bench_stats.py                         # full size, both backends
    .venv/bin/python bench/bench_stats.py --persons 10000 --backends sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fresh_postgres import postgres_database, postgres_problem

from sviedka.model import (
    Arrest,
    Charge,
    CourtCase,
    Detention,
    DetentionEnd,
    EndMode,
    Facility,
    Gender,
    NameForm,
    Organisation,
    OrgKind,
    PartialDate,
    Person,
    Placement,
    Punishment,
    Recognition,
    Record,
    Sentence,
    Verdict,
)
from sviedka.model.ids import new_id
from sviedka.services.analysis import stats
from sviedka.store import SqlStore, open_store
from sviedka.vocab import load_builtin

SEED = 7
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HELD_TARGET_MS, SERIES_TARGET_S = 50.0, 1.0
FIRST, LAST = date(2020, 8, 9), date(2025, 6, 30)  # arrests; the archive's "today" is LAST
ARTICLES = [("342", 30), ("361-1", 8), ("130", 8), ("369", 6), ("368", 6), ("293", 5)]
REGIONS = ["BY-BR", "BY-HM", "BY-HO", "BY-HR", "BY-MA", "BY-MI", "BY-VI"]
RELEASES = [EndMode.SERVED] * 6 + [EndMode.PARDON] * 2
RELEASES += [EndMode.DEPORTATION, EndMode.RELEASED_ON_PAROLE]
PUNISHMENTS = ["shizo", "pkt", "deprivation_of_parcels"]


# -- the data ---------------------------------------------------------------------------------


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max((hi - lo).days, 0)))


def _partial(rng: random.Random, day: date) -> PartialDate:
    """Mostly exact days; like the real lists, some are only a month (8 %) or a year (3 %)."""
    roll = rng.random()
    if roll < 0.03:
        return PartialDate(day.year)
    if roll < 0.11:
        return PartialDate(day.year, day.month)
    return PartialDate.of(day)


@dataclass
class Dataset:
    records: list[Record]
    persons: int
    detentions: int
    facts: int
    same: list[tuple[str, str]]  # pairs of person records judged the same


def build_dataset(persons: int, seed: int = SEED) -> Dataset:
    rng = random.Random(seed)
    facilities = [_facility(i) for i in range(40)]
    records: list[Record] = list(facilities)
    people: list[Person] = []
    detentions = facts = 0
    for i in range(persons):
        person = _person(rng, i)
        people.append(person)
        records.append(person)
        for _ in range(2 if rng.random() < 0.08 else 1):  # some are detained twice
            detention = _detention(rng, person.id, facilities)
            records.append(detention)
            detentions += 1
            facts += detention.facts()
    same = [(a.id, b.id) for a, b in zip(people[0:1000:2], people[1:1000:2], strict=True)]
    return Dataset(records, persons, detentions, facts, same)


def _facility(i: int) -> Organisation:
    kind = "sizo" if i < 8 else "correctional_colony"
    return Organisation(
        id=new_id(),
        names=(NameForm(full=f"{kind} {i + 1}", lang="en"),),
        kind=OrgKind.PENAL_FACILITY,
        facility=Facility(type=kind),
    )


def _person(rng: random.Random, i: int) -> Person:
    gender = Gender.FEMALE if rng.random() < 0.15 else Gender.MALE
    region = rng.choice(REGIONS) if rng.random() < 0.9 else None
    return Person(
        id=new_id(), names=(NameForm(full=f"Person {i}", lang="en"),), gender=gender, region=region
    )


def _detention(rng: random.Random, person: str, facilities: list[Organisation]) -> Detention:
    """Arrest, charges, a court case, sentences, placements with a transfer, punishments, an
    end for most, a recognition for most: about ten dated facts."""
    arrested = _day(rng, FIRST, LAST)
    verdict = arrested + timedelta(days=rng.randint(60, 300))
    years = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8])
    released = verdict + timedelta(days=365 * years - rng.randint(0, 300))
    articles = rng.choices([a for a, _ in ARTICLES], [w for _, w in ARTICLES], k=rng.randint(1, 3))
    charges = tuple(
        Charge(
            article=a,
            part=rng.choice((1, 2, None)),
            added=_partial(rng, arrested + timedelta(days=k * rng.randint(0, 60))),
            dropped=_partial(rng, verdict) if rng.random() < 0.05 else None,
        )
        for k, a in enumerate(dict.fromkeys(articles))
    )
    sizo, colony = rng.choice(facilities[:8]), rng.choice(facilities[8:])
    placements = (
        Placement(facility=sizo.id, start=_partial(rng, arrested), end=_partial(rng, verdict)),
        Placement(facility=colony.id, start=_partial(rng, verdict)),
    )
    sentence = Sentence(
        penalty="deprivation_of_liberty",
        date=_partial(rng, verdict),
        term_months=12 * years,
        regime="general",
    )
    punishments = tuple(
        Punishment(kind=rng.choice(PUNISHMENTS), start=PartialDate.of(_day(rng, verdict, LAST)))
        for _ in range(rng.choice((0, 1, 1, 2, 3, 3)))
    )
    end = None
    if released <= LAST and rng.random() < 0.97:
        end = DetentionEnd(mode=rng.choice(RELEASES), date=_partial(rng, released))
    recognised = arrested + timedelta(days=rng.randint(20, 200))
    recognition = (
        Recognition(date=_partial(rng, recognised), criteria=("b",)) if rng.random() < 0.9 else None
    )
    no_start = rng.random() < 0.01  # a few lists give no date at all
    return Detention(
        id=new_id(),
        person=person,
        arrest=None if no_start else Arrest(date=_partial(rng, arrested)),
        charges=charges,
        court_cases=(CourtCase(verdict_date=_partial(rng, verdict)),),
        sentences=(sentence,),
        placements=() if no_start else placements,
        punishments=punishments,
        end=end,
        recognition=recognition,
    )


# -- writing ----------------------------------------------------------------------------------


def write(url: str, data: Dataset, batch: int = 10_000) -> tuple[SqlStore, float]:
    """Every record through the writer (which keeps the spell index current), then the
    resolver's judgements; returns the open store and the seconds it took."""
    store = open_store(url)
    with store.writer() as writer:
        for vocabulary in load_builtin():
            writer.put_vocabulary(vocabulary)
    started = time.perf_counter()
    for i in range(0, len(data.records), batch):
        with store.writer() as writer:
            for record in data.records[i : i + batch]:
                writer.add(record, actor="bench", reason="statistics benchmark")
        print(f"  wrote {min(i + batch, len(data.records)):,} records", file=sys.stderr)
    with store.writer() as writer:
        for left, right in data.same:
            writer.judge(left, right, Verdict.SAME, actor="bench")
    # Fresh planner statistics, as after any bulk load (autovacuum does it on a live server).
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE" if store.dialect == "postgresql" else "ANALYZE"))
    return store, time.perf_counter() - started


# -- the reference ----------------------------------------------------------------------------

# The same question as plain SQL over the same index tables: how many distinct persons with a
# recognised detention were certainly / possibly held, and how many more had an undated one.
# It ignores the resolver's clusters, the confidentiality filter and the method note.
REFERENCE = sa.text(
    """
    SELECT
      (SELECT COUNT(DISTINCT person_id) FROM spells
        WHERE recognised AND start_hi <= :d AND end_lo > :d) AS certain,
      (SELECT COUNT(DISTINCT person_id) FROM spells
        WHERE recognised AND start_lo <= :d AND end_hi > :d) AS possible,
      (SELECT COUNT(DISTINCT person_id) FROM spells
        WHERE recognised AND (start_lo <= :d OR start_lo IS NULL) AND end_hi > :d) AS any_start
    """
)


def reference(conn: sa.Connection, day: date) -> tuple[int, int, int]:
    row = conn.execute(REFERENCE, {"d": day.isoformat()}).one()
    return int(row.certain), int(row.possible), int(row.any_start) - int(row.possible)


# -- timing -----------------------------------------------------------------------------------


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def _ms(seconds: list[float], q: float) -> float:
    ordered = sorted(seconds)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def measure(store: SqlStore, data: Dataset, dates: list[date]) -> dict[str, Any]:
    ours, plain, mismatches = [], [], 0
    with store.engine.connect() as conn:
        for day in dates:
            seconds, result = _timed(lambda d=day: stats.held_on(store, d))
            ours.append(seconds)
            seconds, expected = _timed(lambda d=day: reference(conn, d))
            plain.append(seconds)
            row = result.rows[0]
            # Clusters only merge: our counts are at most the plain ones, by at most the merges.
            got = (row["certain"], row["possible"], row["undated"])
            pairs = zip(got[:2], expected[:2], strict=True)
            if not all(e - len(data.same) <= g <= e for g, e in pairs):
                mismatches += 1
    start, end = date(2020, 7, 1), date(2025, 6, 1)
    points = stats.period_starts(start, end, stats.Every.MONTH)
    series_runs = [_timed(lambda: stats.series(store, start, end))[0] for _ in range(3)]
    with store.engine.connect() as conn:
        plain_series = [_timed(lambda: [reference(conn, p) for p in points])[0] for _ in range(3)]
    held_ms, plain_ms = statistics.median(ours) * 1000, statistics.median(plain) * 1000
    series_s, plain_series_s = statistics.median(series_runs), statistics.median(plain_series)
    return {
        "held_median_ms": round(held_ms, 2),
        "held_p95_ms": _ms(ours, 0.95),
        "reference_median_ms": round(plain_ms, 2),
        "held_ratio": round(held_ms / plain_ms, 2),
        "held_target": "PASS" if held_ms < HELD_TARGET_MS else "FAIL",
        "series_points": len(points),
        "series_s": round(series_s, 3),
        "reference_series_s": round(plain_series_s, 3),
        "series_ratio": round(series_s / plain_series_s, 2),
        "series_target": "PASS" if series_s < SERIES_TARGET_S else "FAIL",
        "mismatches": mismatches,
    }


# -- backends ---------------------------------------------------------------------------------


@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    path = folder / "bench-stats.db"
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_backend(name: str, database: AbstractContextManager[str], data: Dataset) -> dict[str, Any]:
    rng = random.Random(SEED)
    dates = [_day(rng, FIRST, LAST) for _ in range(100)]
    with database as url:
        store, seconds = write(url, data)
        try:
            found = measure(store, data, dates)
        finally:
            store.close()
    return {"backend": name, "write_s": round(seconds, 1)} | found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()
    data = build_dataset(args.persons)
    head = {"persons": data.persons, "detentions": data.detentions, "facts": data.facts}
    head |= {"records": len(data.records), "same_judgements": len(data.same)}
    print(f"data: {head}", file=sys.stderr)
    results = []
    for backend in args.backends.split(","):
        print(f"{backend}: writing…", file=sys.stderr)
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                results.append(run_backend(backend, sqlite_database(Path(folder)), data))
            continue
        server = os.environ.get("SVIEDKA_BENCH_DATABASE_URL", DEFAULT_PG)
        problem = postgres_problem(server)
        if problem:
            results.append({"backend": backend, "skipped": problem})
            continue
        results.append(run_backend(backend, postgres_database(server), data))
    if args.json:
        print(json.dumps({"data": head, "results": results}, indent=2))
        return
    print(f"data: {head}")
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
