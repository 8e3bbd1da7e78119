"""Duplicate search at scale: candidate generation over 100,000 synthetic persons (< 60 s).

Writes N synthetic persons (Belarusian, Russian and Latin name forms; birth dates) and a planted
duplicate for 2 % of them (the same person in another script or form: Russian family-first,
passport Latin, an initial), then times, on each backend:

* the reference: reading every person's names, birth date, gender and region once (the least
  any duplicate search must do; ``store.name_keys.person_facts``);
* candidate generation: ``services.records.matching.candidate_pairs`` (blocking keys → pairs);
* the whole of ``propose_pairs`` (candidates, scoring, the resolver's clusters);
* ``likely_duplicates`` for one person being entered (median and p95 over 300 queries);

and reports blocking recall (planted pairs among the candidates), the proposals' recall and
precision against the planted pairs, and the candidate pairs against all n(n-1)/2.

    .venv/bin/python bench/bench_match.py                          # 100,000 persons, SQLite
    .venv/bin/python bench/bench_match.py --persons 20000 --backends sqlite,postgres
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fresh_postgres import postgres_database, postgres_problem

from sviedka.model import Gender, NameForm, PartialDate, Person
from sviedka.model.ids import new_id
from sviedka.names.romanise import romanise
from sviedka.names.vocabulary import given_names
from sviedka.services.records.matching import candidate_pairs, likely_duplicates, propose_pairs
from sviedka.store import SqlStore, open_store
from sviedka.store.name_keys import person_facts

SEED = 8
TARGET_SECONDS = 60.0
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Synthetic surnames: a stem of two syllables and an ending, in (Russian, Belarusian) spelling.
SYLLABLES = (
    "ба бо ва ве го гу да ду ка ко ла ле ма ми на но па пе ра ро са се та ту ха цы ча шу жу зе"
)
ENDINGS = [
    ("енко", "енка"), ("вич", "віч"), ("ук", "ук"), ("ов", "оў"), ("ский", "скі"),
    ("ик", "ік"), ("ёнок", "ёнак"), ("чик", "чык"), ("ец", "ец"), ("ин", "ін"),
]  # fmt: skip


@dataclass(frozen=True)
class Planted:
    original: str
    twin: str


def _surnames(rng: random.Random, count: int) -> list[tuple[str, str]]:
    syllables = SYLLABLES.split()
    found: dict[str, str] = {}
    while len(found) < count:
        stem = rng.choice(syllables) + rng.choice(syllables)
        ru_end, be_end = rng.choice(ENDINGS)
        be_stem = stem.replace("о", "а").replace("е", "я", 1).replace("и", "і")
        found.setdefault(stem.capitalize() + ru_end, be_stem.capitalize() + be_end)
    return list(found.items())


def _zipf(rng: random.Random, items: list[tuple[str, str]]) -> tuple[str, str]:
    """A surname drawn with weight 1 / (rank + 20): the commonest is about 1 % of people, as in
    Belarus, and a long tail is rare."""
    return rng.choices(items, cum_weights=_cumulative(len(items)))[0]


def _cumulative(n: int, cache: dict[int, list[float]] = {}) -> list[float]:  # noqa: B006
    if n not in cache:
        total, weights = 0.0, []
        for rank in range(n):
            total += 1 / (rank + 20)
            weights.append(total)
        cache[n] = weights
    return cache[n]


def _feminine(ru: str, be: str) -> tuple[str, str]:
    if ru.endswith("ский"):
        return ru[:-2] + "ая", be[:-1] + "ая"
    if ru.endswith(("ов", "ин")):
        return ru + "а", (be[:-1] + "ва") if be.endswith("оў") else be + "а"
    return ru, be


def _birth(rng: random.Random) -> PartialDate | None:
    roll = rng.random()
    if roll < 0.2:
        return None
    year = rng.randint(1940, 2005)
    if roll < 0.4:
        return PartialDate(year)
    return PartialDate(year, rng.randint(1, 12), rng.randint(1, 28))


def generate(n: int) -> tuple[list[Person], list[Planted]]:
    rng = random.Random(SEED)
    surnames = _surnames(rng, 5000)
    rng.shuffle(surnames)
    given = list(given_names())
    people, planted = [], []
    for _ in range(n):
        name = rng.choice(given)
        ru_sur, be_sur = _zipf(rng, surnames)
        if name.gender == "f":
            ru_sur, be_sur = _feminine(ru_sur, be_sur)
        be, ru = f"{name.be} {be_sur}", f"{ru_sur} {name.ru}"
        forms = [NameForm(full=be, lang="be")]
        if rng.random() < 0.5:
            forms.append(NameForm(full=ru, lang="ru"))
        gender = Gender.FEMALE if name.gender == "f" else Gender.MALE
        person = Person(id=new_id(), names=tuple(forms), birth_date=_birth(rng), gender=gender)
        people.append(person)
        if rng.random() < 0.02:
            twin_name = rng.choice(
                [ru, romanise(be, "passport-be"), f"{name.be[0]}. {be_sur}", romanise(ru, "bgn-ru")]
            )
            born = person.birth_date if rng.random() < 0.7 else None
            twin = Person(id=new_id(), names=(NameForm(full=twin_name),), birth_date=born)
            people.append(twin)
            planted.append(Planted(person.id, twin.id))
    return people, planted


def write(store: SqlStore, people: list[Person], batch: int = 5000) -> float:
    start = time.perf_counter()
    for i in range(0, len(people), batch):
        with store.writer() as writer:
            for person in people[i : i + batch]:
                writer.add(person, actor="bench", reason="duplicate-search benchmark")
        print(f"  wrote {min(i + batch, len(people)):,}", file=sys.stderr)
    return time.perf_counter() - start


def timed(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func()
    seconds = time.perf_counter() - start
    print(f"  {label:<38} {seconds:>8.2f} s", flush=True)
    return value, seconds


def run(url: str, people: list[Person], planted: list[Planted], backend: str) -> None:
    print(f"\n{backend}: {len(people):,} persons, {len(planted):,} planted duplicates")
    with open_store(url) as store:
        seconds = write(store, people)
        print(f"  {'writes (with every index)':<38} {seconds:>8.2f} s")
        ids = [p.id for p in people]
        with store.unscoped_view() as view:
            _, scan = timed("reference: read every name once", lambda: person_facts(view.conn, ids))
            pairs, gen = timed("candidate generation", lambda: candidate_pairs(view))
        proposals, _ = timed("propose_pairs (all of it)", lambda: propose_pairs(store))
        _report_lookups(store, people)
    _report(len(people), planted, pairs, proposals, scan, gen)


def _report_lookups(store: SqlStore, people: list[Person]) -> None:
    rng = random.Random(SEED)
    times = []
    with store.unscoped_view() as view:
        for person in rng.sample(people, 300):
            names = [romanise(n.full, "passport-be") for n in person.names]
            start = time.perf_counter()
            likely_duplicates(view, names, person.birth_date)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median, p95 = statistics.median(times), times[int(len(times) * 0.95)]
    print(f"  {'likely_duplicates, one person':<38} median {median:.1f} ms, p95 {p95:.1f} ms")


def _report(n, planted, pairs, proposals, scan, gen) -> None:  # type: ignore[no-untyped-def]
    wanted = {tuple(sorted((p.original, p.twin))) for p in planted}
    proposed = {(p.left, p.right) for p in proposals}
    blocked = len(wanted & pairs) / len(wanted) if wanted else 1.0
    recall = len(wanted & proposed) / len(wanted) if wanted else 1.0
    precision = len(wanted & proposed) / len(proposed) if proposed else 1.0
    every = n * (n - 1) // 2
    print(f"  candidate pairs {len(pairs):,} of {every:,} ({len(pairs) / n:.1f} per person)")
    print(f"  blocking recall {blocked:.3f} (planted pairs among the candidates)")
    print(
        f"  proposals {len(proposals):,}: recall {recall:.3f}, precision against the planted "
        f"pairs {precision:.3f} (look-alikes not planted count as wrong)"
    )
    verdict = "met" if gen < TARGET_SECONDS else "MISSED"
    print(
        f"  candidate generation {gen:.2f} s: target < {TARGET_SECONDS:.0f} s {verdict}; "
        f"{gen / scan:.2f}x the reference read"
    )


@contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite")
    args = parser.parse_args(argv)
    people, planted = generate(args.persons)
    server = os.environ.get("SVIEDKA_BENCH_DATABASE_URL", DEFAULT_PG)
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with _sqlite() as url:
                run(url, people, planted, backend)
        elif problem := postgres_problem(server):
            print(f"\npostgres: skipped ({problem})")
        else:
            with postgres_database(server) as url:
                run(url, people, planted, backend)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
