"""Sanctions screening speed: 2,000 documented perpetrators against the whole OFAC SDN list.

Loads ``../shared/data/ofac-sdn/sdn.csv`` (14,965 entries; 6,854 people) into a fresh SQLite
archive, documents 2,000 officials from the RuPEP list (``../shared/data/rupep-ru-by``: the
Belarus-related rows first, then others with a position; each a person holding a position, so a
perpetrator), and times ``screen()`` — gathering the perpetrators, blocking by search keys,
scoring the candidates with ``sviedka.names`` and birth dates — as the median of ``--runs``.

The reference, measured in the same run: the naive way, rapidfuzz's ``token_sort_ratio`` of
every perpetrator name form against every listed person's name form. It is timed over a sample
of ``--sample`` perpetrators against all entries and extrapolated linearly to all perpetrators
(every perpetrator costs the same number of comparisons, so the cost is linear in them). It only
compares strings once per pair; ours does more per candidate, and far fewer candidates.

    .venv/bin/python bench/bench_screen.py                 # target: < 30 s
    .venv/bin/python bench/bench_screen.py --runs 3 --json
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from sviedka.model import NameForm, Person, Position
from sviedka.model.ids import new_id
from sviedka.services.archive.folder import Archive, ArchiveConfig
from sviedka.services.importing import ImportOptions
from sviedka.services.sanctions.lists import current_entries
from sviedka.services.sanctions.ofac import import_ofac_sdn
from sviedka.services.sanctions.rupep_rows import belarus_related, parse_row
from sviedka.services.sanctions.screen import screen
from sviedka.store import open_store

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TARGET_S = 30.0


def officials(count: int) -> list[tuple[Person, Position]]:
    with (DATA / "rupep-ru-by" / "ru_bl_peps_parsed.csv").open(encoding="utf-8") as f:
        rows = list(enumerate(csv.reader(f), start=1))[1:]
    with_post = [(n, c) for n, c in rows if len(c) == 6 and c[5].strip()]
    ordered = sorted(with_post, key=lambda r: not belarus_related(r[1]))[:count]
    made = []
    for number, cells in ordered:
        row = parse_row(number, cells)
        names = [
            NameForm(full=n, lang=lang)
            for n, lang in ((row.name_ru, "ru"), (row.name_en, "ru-Latn"))
            if n
        ]
        person = Person(id=new_id(), names=tuple(names), birth_date=row.birth)
        post = Position(id=new_id(), person=person.id, title=row.title or "official")
        made.append((person, post))
    return made


def prepare(folder: Path, count: int) -> tuple[Archive, float]:
    store = open_store(f"sqlite:///{folder / 'archive.db'}")
    archive = Archive(folder, ArchiveConfig("bench", "bench", "sqlite", "bench", "-"), store)
    started = time.perf_counter()
    import_ofac_sdn(archive, DATA / "ofac-sdn" / "sdn.csv", ImportOptions(actor="bench"))
    loaded = time.perf_counter() - started
    with store.writer() as writer:
        for person, post in officials(count):
            writer.add(person, actor="bench")
            writer.add(post, actor="bench")
    return archive, loaded


def naive(archive: Archive, sample: int, total: int) -> tuple[float, int]:
    """Seconds for ``sample`` perpetrators against every listed person, and pairs compared."""
    with archive.store.unscoped_view() as view:
        listed = [n.name for _, e in current_entries(view, "person") for n in e.names]
        people = [s.record for s in view.records("person", limit=sample)]
    ours = [n.full for p in people for n in getattr(p, "names", ())]
    started = time.perf_counter()
    for left in ours:
        for right in listed:
            fuzz.token_sort_ratio(left, right)
    seconds = time.perf_counter() - started
    return seconds * total / len(people), len(ours) * len(listed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--perpetrators", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive, loaded = prepare(Path(tmp), args.perpetrators)
        times, result = [], None
        for _ in range(args.runs):
            started = time.perf_counter()
            result = screen(archive.store)
            times.append(time.perf_counter() - started)
        reference, pairs = naive(archive, args.sample, args.perpetrators)
        archive.close()
    assert result is not None
    median = statistics.median(times)
    figures: dict[str, Any] = {
        "perpetrators": args.perpetrators,
        "ofac_load_s": round(loaded, 2),
        "screen_runs_s": [round(t, 2) for t in times],
        "screen_median_s": round(median, 2),
        "sanctioned": len(result.sanctioned),
        "possible": len(result.possible),
        "not_sanctioned": len(result.not_sanctioned),
        "naive_extrapolated_s": round(reference, 1),
        "naive_pairs_in_sample": pairs,
        "speed_up": round(reference / median, 1),
        "target_s": TARGET_S,
        "meets_target": median < TARGET_S,
    }
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
        return
    for key, value in figures.items():
        print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
