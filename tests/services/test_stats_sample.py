"""The sample list, imported, gives on each date the counts computed here from its raw rows.

The expected counts follow docs/statistics.md and the import's documented mapping of the columns
(docs/import.md), and are computed from the CSV text by this file alone: its own date reader, its
own rules, nothing from ``services/analysis/stats.py``.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sviedka.model import Vocabulary
from sviedka.services.analysis.stats import Scope, held_on
from sviedka.services.archive.folder import Archive, init_archive, open_archive
from sviedka.services.importing import Action, ImportOptions, run_import
from sviedka.vocab import load_builtin

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "sviedka" / "data" / "sample" / "viasna-sample.csv"
DAYS = [
    date(2020, 8, 9),
    date(2020, 12, 1),
    date(2021, 6, 15),
    date(2022, 3, 1),
    date(2022, 12, 31),
    date(2023, 7, 1),
    date(2024, 1, 1),
    date(2024, 10, 15),
    date(2025, 6, 30),
    date(2025, 10, 1),
]

# -- the raw rows, read here ----------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "январь января студзень студзеня",
            "февраль февраля люты лютага",
            "март марта сакавік сакавіка",
            "апрель апреля красавік красавіка",
            "май мая травень траўня",
            "июнь июня чэрвень чэрвеня",
            "июль июля ліпень ліпеня",
            "август августа жнівень жніўня",
            "сентябрь сентября верасень верасня",
            "октябрь октября кастрычнік кастрычніка",
            "ноябрь ноября лістапад лістапада",
            "декабрь декабря снежань снежня",
        ],
        start=1,
    )
    for name in names.split()
}
_OUT = {"released", "освобожден", "pardoned", "помилован", "deported"}
_OUT |= {"at liberty before serving sentence"}


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def bounds(text: str | None) -> tuple[date, date] | None:
    """The first and last day a cell's date may be; None when empty."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        day = date(int(m[3]), int(m[2]), int(m[1]))
        return day, day
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := re.fullmatch(r"(\d{1,2})\.(\d{4})", text):
        return _month(int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{1,2}) (\w+) (\d{4})", text):
        day = date(int(m[3]), _MONTHS[m[2]], int(m[1]))
        return day, day
    if m := re.fullmatch(r"(\w+) (\d{4})", text):
        return _month(int(m[2]), _MONTHS[m[1]])
    raise AssertionError(f"the test cannot read the date {text!r}")


def sample_rows() -> Iterator[tuple[int, dict[str, str]]]:
    """(line number as the import report counts it, row)."""
    with SAMPLE.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        for row in reader:
            yield reader.line_num, {k: v for k, v in row.items() if isinstance(k, str)}


def expected(rows: list[dict[str, str]], day: date, *, everyone: bool) -> tuple[int, int, int]:
    """(certainly, possibly, undated) held on ``day``: one person per row (the sample has no
    duplicates to merge), recognised unless the status is np."""
    certain = possible = 0
    for row in rows:
        if row["status"].strip().lower() == "np" and not everyone:
            continue
        start = bounds(row["arrested"])
        assert start is not None, "every sample row has an arrest date"
        end_date = bounds(row["died"]) or bounds(row["release_date"])
        ended = end_date is not None or row["status"].strip().lower() == "former"
        ended = ended or (row["prison"] or "").strip().lower() in _OUT
        if not ended:
            certain += start[1] <= day
            possible += start[0] <= day
        elif end_date is None:  # ended some day after the arrest: possibly, never certainly
            possible += start[0] <= day
        else:
            certain += start[1] <= day < end_date[0]
            possible += start[0] <= day < end_date[1]
    return certain, possible, 0


# -- the archive ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_vocabularies() -> list[Vocabulary]:
    return load_builtin()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def archive(
    request: pytest.FixtureRequest, tmp_path: Path, own_vocabularies: list[Vocabulary]
) -> Iterator[Archive]:
    url = str(request.getfixturevalue("pg_url")) if request.param == "postgres" else None
    path = tmp_path / "archive"
    made, _ = init_archive(
        path, own_vocabularies, custodian="t", passphrase="sample list tests", database_url=url
    )
    made.close()
    with open_archive(path, database_url=url) as opened:
        yield opened


def test_held_on_the_imported_sample_list_matches_the_raw_rows(archive: Archive) -> None:
    options = ImportOptions(actor="test", keep_going=True, list_name="SYNTHETIC sample")
    report = run_import(archive, SAMPLE, "viasna-csv", options)
    rejected = {outcome.row for outcome in report.outcomes if outcome.action is Action.REJECTED}
    rows = [row for line, row in sample_rows() if line not in rejected]
    assert len(rows) == report.count(Action.ADDED) > 250
    straddled = 0
    for day in DAYS:
        for everyone in (False, True):
            scope = Scope(all_detentions=everyone)
            got = held_on(archive.store, day, scope=scope).rows[0]
            want = expected(rows, day, everyone=everyone)
            assert (got["certain"], got["possible"], got["undated"]) == want, (day, everyone)
            straddled += want[1] - want[0]
    assert straddled > 0, "the sample's imprecise dates are exercised"
    again = run_import(archive, SAMPLE, "viasna-csv", options)
    assert again.count(Action.ADDED) == 0
    assert again.count(Action.UNCHANGED) == report.count(Action.ADDED)
    for day in DAYS[2:4]:  # re-importing duplicates nobody
        got = held_on(archive.store, day).rows[0]
        assert (got["certain"], got["possible"], 0) == expected(rows, day, everyone=False)
