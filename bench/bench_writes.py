"""Bulk writes through the store's writer, against a plain SQLAlchemy ``executemany``.

Writes N persons and one detention each (arrest, charge, placement: three dated facts) through
``store.writer()``, on SQLite and on PostgreSQL, and then the very same rows with a plain
``conn.execute(insert(table), rows)`` into a fresh database of the same dialect and settings.
See ``bench/README.md`` for what is and is not timed.

    .venv/bin/python bench/bench_writes.py                      # full size, both backends
    .venv/bin/python bench/bench_writes.py --persons 10000 --runs 3 --backends sqlite --json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fresh_postgres import postgres_database, postgres_problem

from sviedka.model import (
    Arrest,
    Charge,
    Detention,
    Facility,
    Gender,
    NameForm,
    Organisation,
    OrgKind,
    PartialDate,
    Person,
    Placement,
    Record,
    VocabTerm,
    Vocabulary,
)
from sviedka.model.ids import new_id
from sviedka.store import open_store
from sviedka.store import schema as t
from sviedka.store.engine import create_engine
from sviedka.store.ledger.log import LedgerJournal
from sviedka.store.migrations import migrate

SEED = 42
TARGET = 5_000  # revisions/s on SQLite (the target)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ACTOR = "bench"
REASON = "bulk import benchmark"

# (Belarusian, Russian) spellings. Common names only: the data is synthetic and names nobody.
MALE_GIVEN = [
    ("Аляксандр", "Александр"), ("Сяргей", "Сергей"), ("Андрэй", "Андрей"),
    ("Дзмітрый", "Дмитрий"), ("Аляксей", "Алексей"), ("Мікалай", "Николай"),
    ("Ігар", "Игорь"), ("Максім", "Максим"), ("Павел", "Павел"), ("Уладзімір", "Владимир"),
    ("Віктар", "Виктор"), ("Юрый", "Юрий"), ("Міхаіл", "Михаил"), ("Ілля", "Илья"),
    ("Раман", "Роман"), ("Вадзім", "Вадим"), ("Дзяніс", "Денис"), ("Яўген", "Евгений"),
    ("Кірыл", "Кирилл"), ("Антон", "Антон"), ("Віталь", "Виталий"), ("Алег", "Олег"),
]  # fmt: skip
FEMALE_GIVEN = [
    ("Марыя", "Мария"), ("Вольга", "Ольга"), ("Ганна", "Анна"), ("Алена", "Елена"),
    ("Наталля", "Наталья"), ("Таццяна", "Татьяна"), ("Кацярына", "Екатерина"),
    ("Святлана", "Светлана"), ("Ірына", "Ирина"), ("Юлія", "Юлия"), ("Марына", "Марина"),
    ("Людміла", "Людмила"), ("Дар'я", "Дарья"), ("Ксенія", "Ксения"), ("Вераніка", "Вероника"),
]  # fmt: skip
# Father's name as (be male, be female, ru male, ru female) patronymic.
PATRONYMICS = [
    ("Аляксандравіч", "Аляксандраўна", "Александрович", "Александровна"),
    ("Сяргеевіч", "Сяргееўна", "Сергеевич", "Сергеевна"),
    ("Мікалаевіч", "Мікалаеўна", "Николаевич", "Николаевна"),
    ("Уладзіміравіч", "Уладзіміраўна", "Владимирович", "Владимировна"),
    ("Віктаравіч", "Віктараўна", "Викторович", "Викторовна"),
    ("Іванавіч", "Іванаўна", "Иванович", "Ивановна"),
    ("Міхайлавіч", "Міхайлаўна", "Михайлович", "Михайловна"),
    ("Пятровіч", "Пятроўна", "Петрович", "Петровна"),
    ("Васільевіч", "Васільеўна", "Васильевич", "Васильевна"),
    ("Анатольевіч", "Анатольеўна", "Анатольевич", "Анатольевна"),
]
# Surname as (be male, be female, ru male, ru female).
SURNAMES = [
    ("Каваленка", "Каваленка", "Коваленко", "Коваленко"),
    ("Шаўчук", "Шаўчук", "Шевчук", "Шевчук"),
    ("Новік", "Новік", "Новик", "Новик"),
    ("Мельнік", "Мельнік", "Мельник", "Мельник"),
    ("Казлоў", "Казлова", "Козлов", "Козлова"),
    ("Міхайлаў", "Міхайлава", "Михайлов", "Михайлова"),
    ("Жук", "Жук", "Жук", "Жук"),
    ("Лукашэвіч", "Лукашэвіч", "Лукашевич", "Лукашевич"),
    ("Бандарэнка", "Бандарэнка", "Бондаренко", "Бондаренко"),
    ("Ткачук", "Ткачук", "Ткачук", "Ткачук"),
    ("Макарэвіч", "Макарэвіч", "Макаревич", "Макаревич"),
    ("Пашкевіч", "Пашкевіч", "Пашкевич", "Пашкевич"),
    ("Кавалёў", "Кавалёва", "Ковалёв", "Ковалёва"),
    ("Сянкевіч", "Сянкевіч", "Сенкевич", "Сенкевич"),
    ("Вараб'ёў", "Вараб'ёва", "Воробьёв", "Воробьёва"),
    ("Зайцаў", "Зайцава", "Зайцев", "Зайцева"),
    ("Гурскі", "Гурская", "Гурский", "Гурская"),
    ("Багдановіч", "Багдановіч", "Богданович", "Богданович"),
    ("Дубоўскі", "Дубоўская", "Дубовский", "Дубовская"),
    ("Карпенка", "Карпенка", "Карпенко", "Карпенко"),
]
FACILITIES = [
    ("1", "СІЗА № 1, Мінск"),
    ("2", "СІЗА № 2, Віцебск"),
    ("3", "СІЗА № 3, Гомель"),
    ("6", "СІЗА № 6, Баранавічы"),
    ("7", "СІЗА № 7, Брэст"),
    ("8", "СІЗА № 8, Жодзіна"),
]
# Criminal Code article, its parts, and a weight: how often it is drawn.
ARTICLES = [("342", (1, 2), 5), ("361-1", (1, 2, 3), 2), ("130", (1, 3), 2), ("369", (None,), 1)]
FIRST_ARREST, LAST_ARREST = date(2020, 8, 9), date(2024, 12, 31)

# Loaded when sviedka.vocab is absent: only the codes the generated detentions use.
INLINE_VOCABULARIES = {
    "criminal_code_by": ("342", "361-1", "130", "369"),
    "penalty_types": ("deprivation_of_liberty",),
    "facility_regimes": ("general",),
    "facility_types": ("sizo",),
}


# -- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    records: list[Record]  # in write order: facilities, then each person before its detention
    persons: int
    detentions: int
    facts: int  # dated facts held by the detentions


def build_dataset(persons: int, seed: int = SEED) -> Dataset:
    rng = random.Random(seed)
    facilities = [_facility(number, name) for number, name in FACILITIES]
    records: list[Record] = list(facilities)
    facts = 0
    for _ in range(persons):
        person = _person(rng)
        detention = _detention(rng, person.id, rng.choice(facilities).id)
        records += [person, detention]
        facts += detention.facts()
    return Dataset(records, persons, persons, facts)


def _facility(number: str, name: str) -> Organisation:
    return Organisation(
        id=new_id(),
        names=(NameForm(full=name, lang="be"),),
        kind=OrgKind.PENAL_FACILITY,
        country="BY",
        facility=Facility(type="sizo", number=number),
    )


def _person(rng: random.Random) -> Person:
    female = rng.random() < 0.3
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    father, family = rng.choice(PATRONYMICS), rng.choice(SURNAMES)
    forms = tuple(
        _name(lang, given[i], father[2 * i + female], family[2 * i + female])
        for i, lang in enumerate(("be", "ru"))
    )
    return Person(
        id=new_id(),
        names=forms,
        birth_date=_birth_date(rng),
        gender=Gender.FEMALE if female else Gender.MALE,
        citizenship=("BY",),
    )


def _name(lang: str, given: str, patronymic: str, family: str) -> NameForm:
    full = f"{family} {given} {patronymic}"
    return NameForm(full=full, lang=lang, given=given, family=family, patronymic=patronymic)


def _birth_date(rng: random.Random) -> PartialDate:
    year = rng.randint(1950, 2005)
    if rng.random() < 0.1:  # sources often give only the year
        return PartialDate(year)
    return PartialDate.of(date(year, 1, 1) + timedelta(days=rng.randint(0, 364)))


def _detention(rng: random.Random, person: str, facility: str) -> Detention:
    arrested = FIRST_ARREST + timedelta(days=rng.randint(0, (LAST_ARREST - FIRST_ARREST).days))
    articles, parts, weights = zip(*ARTICLES, strict=True)
    index = rng.choices(range(len(articles)), weights=weights)[0]
    charge = Charge(
        article=articles[index],
        part=rng.choice(parts[index]),
        added=PartialDate.of(arrested + timedelta(days=rng.randint(0, 10))),
    )
    start = PartialDate.of(arrested + timedelta(days=rng.randint(1, 3)))
    return Detention(
        id=new_id(),
        person=person,
        arrest=Arrest(date=PartialDate.of(arrested)),
        charges=(charge,),
        placements=(Placement(facility=facility, start=start),),
    )


def vocabularies() -> list[Vocabulary]:
    """The shipped vocabularies, or a small inline set with the codes the data uses."""
    try:
        from sviedka.vocab import all_vocabularies
    except ImportError:
        return [_inline_vocabulary(name, codes) for name, codes in INLINE_VOCABULARIES.items()]
    return all_vocabularies()


def _inline_vocabulary(name: str, codes: Sequence[str]) -> Vocabulary:
    terms = tuple(VocabTerm(code, {"en": code}, order=i) for i, code in enumerate(codes))
    return Vocabulary(name, name, "bench/bench_writes.py (inline)", terms)


# -- databases --------------------------------------------------------------------------------


@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    path = folder / f"{uuid.uuid4().hex}.db"
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- timed runs -------------------------------------------------------------------------------

Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # records rows, revisions rows


WITH_LEDGER = True  # archives always write the transparency log; --no-ledger measures without


def time_writer(url: str, data: Dataset, batch: int, vocab: list[Vocabulary]) -> float:
    """Seconds to write every record through the writer, ``batch`` records per transaction,
    with the transparency log appended in the same transactions (as in every archive)."""
    store = open_store(url, journal=LedgerJournal() if WITH_LEDGER else None)
    try:
        with store.writer() as w:
            for vocabulary in vocab:
                w.put_vocabulary(vocabulary)
        started = time.perf_counter()
        for chunk in _chunks(data.records, batch):
            with store.writer() as w:
                for record in chunk:
                    w.add(record, actor=ACTOR, reason=REASON)
        return time.perf_counter() - started
    finally:
        store.close()


def stored_rows(url: str) -> Rows:
    """The rows the writer stored, in write order, as the reference will insert them."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            revs = conn.execute(sa.select(t.revisions).order_by(t.revisions.c.id)).mappings()
            rev_rows = [{k: v for k, v in row.items() if k != "id"} for row in revs]
            recs = {row["id"]: dict(row) for row in conn.execute(sa.select(t.records)).mappings()}
    finally:
        engine.dispose()
    return [recs[row["record_id"]] for row in rev_rows], rev_rows


def time_reference(url: str, rows: Rows, batch: int) -> float:
    """Seconds for plain ``executemany`` of the same rows, in transactions of the same size."""
    engine = create_engine(url)  # same dialect set-up (SQLite PRAGMAs) as the store's
    try:
        migrate(engine)  # same tables and indexes as the store's
        started = time.perf_counter()
        for recs, revs in zip(_chunks(rows[0], batch), _chunks(rows[1], batch), strict=True):
            with engine.begin() as conn:
                conn.execute(sa.insert(t.records), recs)
                conn.execute(sa.insert(t.revisions), revs)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def count_revisions(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(t.revisions)) or 0)
    finally:
        engine.dispose()


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# -- one backend ------------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    revisions: int
    facts: int
    batch: int
    writer_seconds: list[float] = field(default_factory=list)
    reference_seconds: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        writer = statistics.median(self.writer_seconds)
        reference = statistics.median(self.reference_seconds)
        rate = self.revisions / writer
        verdict = ("PASS" if rate >= TARGET else "FAIL") if self.backend == "sqlite" else "n/a"
        return asdict(self) | {
            "seconds": round(writer, 3),
            "revisions_per_s": round(rate),
            "facts_per_s": round(self.facts / writer),
            "reference_seconds_median": round(reference, 3),
            "reference_rows_per_s": round(2 * self.revisions / reference),
            "reference_revisions_per_s": round(self.revisions / reference),
            "ratio_writer_to_reference": round(reference / writer, 4),
            "target": verdict,
        }


Database = Callable[[], AbstractContextManager[str]]  # yields the URL of a fresh database


def bench_backend(
    name: str, fresh: Database, data: Dataset, runs: int, batch: int, vocab: list[Vocabulary]
) -> Result:
    result = Result(name, len(data.records), data.facts, batch)
    rows: Rows | None = None
    for _ in range(runs):
        with fresh() as url:
            result.writer_seconds.append(time_writer(url, data, batch, vocab))
            written = count_revisions(url)
            rows = rows or stored_rows(url)
        if written != result.revisions:
            raise SystemExit(f"{name}: {written} revisions stored, expected {result.revisions}")
        with fresh() as url:
            result.reference_seconds.append(time_reference(url, rows, batch))
    return result


# -- output and command line ------------------------------------------------------------------


def show(summary: dict[str, Any], runs: int) -> None:
    s = summary
    print(f"\n== {s['backend']} ==")
    print(f"revisions written   {s['revisions']:>12,}  ({s['batch']:,} records per transaction)")
    print(f"detention facts     {s['facts']:>12,}")
    print(f"seconds (median/{runs})  {s['seconds']:>12.2f}  (runs: {_runs(s['writer_seconds'])})")
    print(f"revisions/s         {s['revisions_per_s']:>12,}")
    print(f"facts/s             {s['facts_per_s']:>12,}")
    print(f"reference seconds   {s['reference_seconds_median']:>12.2f}", end="")
    print(f"  (runs: {_runs(s['reference_seconds'])})")
    print(f"reference rows/s    {s['reference_rows_per_s']:>12,}  (records + revisions rows)")
    print(f"reference revs/s    {s['reference_revisions_per_s']:>12,}")
    print(f"writer / reference  {s['ratio_writer_to_reference']:>12.3f}  (revisions/s ratio)")
    print(f"target ≥{TARGET:,}/s     {s['target']:>12}")


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{x:.2f}" for x in seconds)


def _backends(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - {"sqlite", "postgres"})
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"use sqlite and/or postgres, not {text!r}")
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000, help="default 100000")
    parser.add_argument("--runs", type=int, default=1, help="median of this many runs")
    parser.add_argument("--backends", type=_backends, default="sqlite,postgres")
    parser.add_argument("--batch", type=int, default=10_000, help="records per transaction")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--no-ledger", action="store_true", help="write without the transparency log"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    global WITH_LEDGER
    WITH_LEDGER = not args.no_ledger
    log = sys.stderr if args.json else sys.stdout
    backends = {name: _backend(name) for name in args.backends}
    data = build_dataset(args.persons)
    vocab = vocabularies()
    gc.collect()
    gc.freeze()  # the prebuilt data is no garbage; keep the collector from re-scanning it
    print(f"{len(data.records):,} records, {data.facts:,} detention facts, seed {SEED}", file=log)
    summaries, skipped = [], {}
    for name, (fresh, problem) in backends.items():
        if problem:
            print(f"{name}: skipped, {problem}", file=log)
            skipped[name] = problem
            continue
        result = bench_backend(name, fresh, data, args.runs, args.batch, vocab)
        summaries.append(result.summary())
        if not args.json:
            show(summaries[-1], args.runs)
    if args.json:
        print(json.dumps({"persons": args.persons, "results": summaries, "skipped": skipped}))
    return 0


def _backend(name: str) -> tuple[Database, str | None]:
    """A factory of fresh databases, and why the backend cannot be used (or None)."""
    if name == "sqlite":
        folder = Path(tempfile.gettempdir())
        return (lambda: sqlite_database(folder)), None
    server = os.environ.get("SVIEDKA_BENCH_DATABASE_URL", DEFAULT_PG)
    problem = postgres_problem(server)
    reason = f"PostgreSQL unreachable: {problem}" if problem else None
    return (lambda: postgres_database(server)), reason


if __name__ == "__main__":
    raise SystemExit(main())
