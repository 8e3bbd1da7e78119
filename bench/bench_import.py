"""Import speed: rows/s for a generated N-row CSV in Viasna's export shape, against a reference.

The **import** is ``run_import(..., "viasna-csv")`` into a fresh archive: read, check and match
every row, build the records and write them through the writer (with the transparency log), in
one transaction. The **reference** does the least an import must: plain ``csv.reader`` over the
same file plus ``Writer.add`` of the very records the import wrote (read back, built before
timing), in one transaction into another fresh archive. ``reference / import`` is the share of
that floor the importer reaches. A second check reads a ~50 MB sheet without writing and reports
the peak memory the reading takes (streaming: it must not grow with the file).

    .venv/bin/python bench/bench_import.py                       # 100,000 rows, SQLite
    .venv/bin/python bench/bench_import.py --rows 20000 --backends sqlite,postgres --runs 3
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fresh_postgres import postgres_database, postgres_problem

from sviedka.services.archive.folder import Archive, init_archive, open_archive
from sviedka.services.importing import Action, ImportOptions, run_import
from sviedka.services.importing.columns import match_header
from sviedka.services.importing.readers import open_sheet
from sviedka.services.importing.rows import read_row
from sviedka.vocab import load_builtin

SEED = 7
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HEADER = ["id", "url", "name", "status", "birthday", "gender", "arrested", "articles",
          "verdict_date", "decision", "penalty", "judge", "prosecutor", "prison", "declaration",
          "release_date", "died", "note"]  # fmt: skip
GIVEN = ["Сергей", "Александр", "Дмитрий", "Андрей", "Ольга", "Анна", "Сяргей", "Ганна"]
FATHERS = ["Николаевич", "Сергеевич", "Викторович", "Мікалаевіч", "Сяргееўна", "Ивановна"]
FAMILIES = ["Коваленко", "Шевчук", "Новик", "Козлов", "Жук", "Лукашэвіч", "Бандарэнка", "Гурский"]
FACILITIES = ["СИЗО №1 г. Минск", "СИЗО №8 г. Жодино", "ИК-15 г. Могилёв", "ИК-2 г. Бобруйск",
              "ИК-4 г. Гомель", "ИК-9 г. Горки", "Тюрьма №4 г. Могилёв", "ИК-3 Витьба"]  # fmt: skip
ARTICLES = ["342 ч.1", "ч. 1 ст. 342", "361-1, 361-4", "Art. 130 part 3", "ст.342 ч.2; 130 ч.3",
            "369", "368 ч.1", "364"]  # fmt: skip
DECISIONS = [
    "3 года колонии общего режима",
    "2 г. 6 мес. ИК усиленного режима",
    "штраф",
    "2 года ограничения свободы с направлением в ИУОТ",
    "5 лет колонии общего режима",
]
JUDGES = [f"Судья{i} А.Б." for i in range(60)]
PROSECUTORS = [f"Прокурор{i} В.Г." for i in range(40)]
PASSPHRASE = "bench import passphrase"


def write_sheet(path: Path, rows: int, seed: int = SEED) -> Path:
    """A synthetic Viasna-shaped CSV: every row valid, dates coherent."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            writer.writerow(_row(rng, number))
    return path


def _row(rng: random.Random, number: int) -> list[str]:
    arrested = date(2020, 8, 9) + timedelta(days=rng.randint(0, 1700))
    verdict = arrested + timedelta(days=rng.randint(40, 300))
    former = rng.random() < 0.4
    released = verdict + timedelta(days=rng.randint(30, 900)) if former else None
    name = f"{rng.choice(FAMILIES)} {rng.choice(GIVEN)} {rng.choice(FATHERS)}"
    born = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    return [
        str(number), f"https://sample.invalid/p/{number}", name, "former" if former else "active",
        f"{born.day:02d}.{born.month:02d}.{born.year}", rng.choice("mf"),
        f"{arrested.day:02d}.{arrested.month:02d}.{arrested.year}", rng.choice(ARTICLES),
        verdict.isoformat(), rng.choice(DECISIONS), "", rng.choice(JUDGES),
        rng.choice(PROSECUTORS), "released" if former else rng.choice(FACILITIES),
        f"https://sample.invalid/d/{number}", released.isoformat() if released else "", "",
        "SYNTHETIC benchmark row",
    ]  # fmt: skip


# -- archives ---------------------------------------------------------------------------------


@contextmanager
def fresh_archive(folder: Path, backend: str, template: Path | None) -> Iterator[Archive]:
    path = Path(tempfile.mkdtemp(dir=folder)) / "archive"
    if backend == "sqlite":
        assert template is not None
        import shutil

        shutil.copytree(template, path)
        with open_archive(path) as archive:
            yield archive
        return
    server = os.environ.get("SVIEDKA_BENCH_DATABASE_URL", DEFAULT_PG)
    with postgres_database(server) as url:
        made, _ = init_archive(
            path, load_builtin(), custodian="b", passphrase=PASSPHRASE, database_url=url
        )
        made.close()
        with open_archive(path, database_url=url) as archive:
            yield archive


def make_template(folder: Path) -> Path:
    path = folder / "template"
    made, _ = init_archive(path, load_builtin(), custodian="b", passphrase=PASSPHRASE)
    made.close()
    return path


# -- timed runs -------------------------------------------------------------------------------


def time_import(archive: Archive, sheet: Path) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    report = run_import(archive, sheet, "viasna-csv", ImportOptions(actor="bench"))
    seconds = time.perf_counter() - started
    if report.count(Action.ADDED) != report.rows_read or report.rolled_back:
        raise SystemExit(
            f"the import did not add every row: {report.as_dict()['rejected']} rejected"
        )
    written = []
    for kind in ("source", "organisation", "person", "detention"):
        written += [s.record for s in archive.store.iter_kind(kind, batch=5000)]
    # what records refer to comes first: the list's source, facilities and officials
    return seconds, written


def time_reference(archive: Archive, sheet: Path, records: list[Any]) -> float:
    started = time.perf_counter()
    with sheet.open(encoding="utf-8", newline="") as file:
        for _ in csv.reader(file):
            pass
    with archive.store.writer() as writer:
        for record in records:
            writer.add(record, actor="bench", reason="reference")
    return time.perf_counter() - started


def stream_peak(path: Path) -> tuple[int, float]:
    """Rows read and the peak memory (MB) of reading and checking every row, writing nothing."""
    codes = [code for v in load_builtin() if v.name == "criminal_code_by" for code in
             (t.code for t in v.terms)]  # fmt: skip
    tracemalloc.start()
    rows = 0
    with open_sheet(path, "csv") as sheet:
        columns, _ = match_header(sheet.header)
        for row in sheet.rows:
            read_row(row.number, row.cells, columns, len(sheet.header), codes)
            rows += 1
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return rows, peak


def bench(backend: str, rows: int, runs: int, folder: Path) -> dict[str, Any]:
    sheet = write_sheet(folder / f"list-{rows}.csv", rows)
    template = make_template(folder) if backend == "sqlite" else None
    imports, references, written = [], [], 0
    for _ in range(runs):
        with fresh_archive(folder, backend, template) as archive:
            seconds, records = time_import(archive, sheet)
        imports.append(seconds)
        written = len(records)
        with fresh_archive(folder, backend, template) as archive:
            references.append(time_reference(archive, sheet, records))
    imported, reference = statistics.median(imports), statistics.median(references)
    return {
        "backend": backend, "rows": rows, "records": written,
        "file_mb": round(sheet.stat().st_size / 1e6, 1),
        "import_s": round(imported, 2), "rows_per_s": round(rows / imported),
        "revisions_per_s": round(written / imported),
        "reference_s": round(reference, 2), "reference_rows_per_s": round(rows / reference),
        "ratio": round(reference / imported, 3),
        "runs": [round(s, 2) for s in imports], "reference_runs": [round(s, 2) for s in references],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--stream-mb", type=float, default=50.0, help="size of the streamed sheet")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        folder = Path(scratch)
        for backend in args.backends.split(","):
            if backend == "postgres" and (problem := postgres_problem(
                    os.environ.get("SVIEDKA_BENCH_DATABASE_URL", DEFAULT_PG))):  # fmt: skip
                print(f"postgres: skipped, {problem}")
                continue
            result = bench(backend, args.rows, args.runs, folder)
            print(" ".join(f"{k}={v}" for k, v in result.items()))
        per_row = (folder / f"list-{args.rows}.csv").stat().st_size / args.rows
        big = write_sheet(folder / "big.csv", int(args.stream_mb * 1e6 / per_row), seed=SEED + 1)
        rows, peak = stream_peak(big)
        size = big.stat().st_size / 1e6
        print(f"stream: file_mb={size:.1f} rows={rows} peak_mb={peak:.1f} "
              f"peak/file={peak / size:.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
