"""Series, flows, the method note, CSV/JSON, and charts drawn from the results."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from sviedka.errors import Invalid
from sviedka.ledger.checkpoints import Signer
from sviedka.model import Confidentiality, Verdict, Vocabulary
from sviedka.services.analysis import charts
from sviedka.services.analysis.stats import (
    Breakdown,
    Every,
    Scope,
    flows,
    held_on,
    period_starts,
    series,
)
from sviedka.services.records.records import build_record
from sviedka.store import SqlStore, open_store
from sviedka.store.ledger.checkpoints import make_checkpoint
from sviedka.store.ledger.log import LedgerJournal


@pytest.fixture
def logged(db_url: str, vocabularies: tuple[Vocabulary, ...]) -> Iterator[SqlStore]:
    """A store with the transparency log, as an archive has."""
    store = open_store(db_url, journal=LedgerJournal())
    with store.writer() as writer:
        for vocabulary in vocabularies:
            writer.put_vocabulary(vocabulary)
    yield store
    store.close()


def add(store: SqlStore, kind: str, body: dict[str, Any]) -> str:
    record = build_record(kind, body)
    with store.writer() as writer:
        writer.add(record, actor="test")
    return record.id


def person(store: SqlStore) -> str:
    return add(store, "person", {"names": [{"full": "Test Person"}]})


def detention(store: SqlStore, who: str, *, recognised: bool = True, **body: Any) -> str:
    recognition = {"recognition": {"date": "2020-09"}} if recognised else {}
    return add(store, "detention", {"person": who, **recognition, **body})


@pytest.fixture
def archive(logged: SqlStore) -> SqlStore:
    """Imprecise starts and ends, a person held twice, two records judged the same, undated."""
    first, second, third, fourth, fifth = (person(logged) for _ in range(5))
    detention(logged, first, arrest={"date": "2020-09"}, end={"mode": "pardon", "date": "2022"})
    detention(logged, first, arrest={"date": "2021-06-10"})
    detention(
        logged, second, arrest={"date": "2021-02-03"}, end={"mode": "death", "date": "2023-07"}
    )
    detention(logged, third, arrest={"date": "2021-02-03"})
    detention(logged, fourth, arrest={"date": "2021"}, end={"mode": "served", "date": "2021-12-20"})
    detention(logged, fourth, recognised=False)  # undated, and not recognised
    detention(logged, fifth, end={"mode": "served", "date": "2021-10"})  # undated start
    with logged.writer() as writer:
        writer.judge(second, third, Verdict.SAME, actor="test")
    return logged


def test_period_starts_are_the_calendar_periods_within_the_range() -> None:
    assert period_starts(date(2021, 1, 15), date(2021, 4, 1), Every.MONTH) == [
        date(2021, 2, 1),
        date(2021, 3, 1),
        date(2021, 4, 1),
    ]
    assert period_starts(date(2024, 1, 3), date(2024, 1, 20), Every.WEEK) == [
        date(2024, 1, 8),
        date(2024, 1, 15),
    ]
    assert period_starts(date(2020, 1, 1), date(2022, 6, 1), Every.YEAR) == [
        date(2020, 1, 1),
        date(2021, 1, 1),
        date(2022, 1, 1),
    ]
    assert len(period_starts(date(2020, 1, 1), date(2020, 12, 31), Every.DAY)) == 366
    assert len(period_starts(date(2020, 7, 1), date(2025, 6, 1), Every.MONTH)) == 60


@pytest.mark.parametrize(
    ("start", "end", "every", "field"),
    [
        (date(2021, 5, 1), date(2021, 4, 1), Every.MONTH, "to"),
        (date(2021, 5, 2), date(2021, 5, 30), Every.MONTH, "from"),
        (date(2000, 1, 1), date(2021, 1, 1), Every.DAY, "every"),
    ],
)
def test_a_range_without_points_or_with_too_many_is_refused(
    start: date, end: date, every: Every, field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        period_starts(start, end, every)
    assert list(caught.value.errors) == [field]


def test_a_series_is_held_on_on_each_point(archive: SqlStore) -> None:
    result = series(archive, date(2020, 8, 1), date(2024, 1, 1), every=Every.MONTH)
    assert len(result.rows) == 42
    for row in result.rows:
        expected = held_on(archive, date.fromisoformat(row["date"])).rows[0]
        assert row == expected
    by_date = {row["date"]: row for row in result.rows}
    assert by_date["2021-03-01"] == {
        "date": "2021-03-01",
        "certain": 2,
        "possible": 3,
        "undated": 1,
    }
    assert by_date["2022-01-01"]["undated"] == 0, "certainly released by then"


def test_a_series_by_a_breakdown_repeats_the_breakdown_on_each_point(archive: SqlStore) -> None:
    result = series(archive, date(2021, 1, 1), date(2021, 3, 1), by=Breakdown.YEAR_OF_ARREST)
    assert result.columns == ("date", "key", "label", "certain", "possible")
    assert [(r["date"], r["key"], r["certain"], r["possible"]) for r in result.rows] == [
        ("2021-01-01", "2020", 1, 1),
        ("2021-01-01", "2021", 0, 1),
        ("2021-02-01", "2020", 1, 1),
        ("2021-02-01", "2021", 0, 1),
        ("2021-03-01", "2021", 1, 2),
        ("2021-03-01", "2020", 1, 1),
    ]


def test_flows_count_events_in_the_range_with_bounds(archive: SqlStore) -> None:
    result = flows(archive, date(2021, 1, 1), date(2021, 12, 31))
    rows = {
        (r["flow"], r["mode"]): (r["certain"], r["possible"], r["undated"]) for r in result.rows
    }
    assert rows[("detained", "")] == (3, 3, 1), "the cluster arrested twice on one day is one"
    assert rows[("released", "")] == (2, 2, 0)
    assert rows[("released", "served")] == (2, 2, 0)
    assert rows[("released", "pardon")] == (0, 0, 0)
    assert rows[("died", "death")] == (0, 0, 0)
    assert rows[("recognised", "")] == (0, 0, 0)
    later = flows(archive, date(2022, 6, 1), date(2023, 7, 15))
    rows = {(r["flow"], r["mode"]): (r["certain"], r["possible"]) for r in later.rows}
    assert rows[("released", "pardon")] == (0, 1), "released some day in 2022"
    assert rows[("died", "death")] == (0, 1), "died some day in July 2023"
    everyone = flows(
        archive, date(2020, 1, 1), date(2021, 12, 31), scope=Scope(all_detentions=True)
    )
    rows = {
        (r["flow"], r["mode"]): (r["certain"], r["possible"], r["undated"]) for r in everyone.rows
    }
    assert rows[("recognised", "")] == (4, 4, 0)
    assert rows[("detained", "")] == (3, 3, 2), "undated: the unrecognised one counts now"


def test_the_method_names_the_dates_the_archive_state_the_rules_and_filters(
    archive: SqlStore,
) -> None:
    with archive.write_transaction() as conn:
        made = make_checkpoint(conn, Signer("test.example/log", Ed25519PrivateKey.generate()))
    levels = frozenset({Confidentiality.PUBLIC, Confidentiality.INTERNAL})
    scope = Scope(levels=levels, recognised_by_date=True)
    method = held_on(archive, date(2021, 3, 1), by=Breakdown.ARTICLE, scope=scope).method
    assert method.question == "held"
    assert method.dates == {"on": "2021-03-01"}
    assert method.archive is None  # it would describe records outside the scope's levels
    state = held_on(archive, date(2021, 3, 1)).method.archive  # every level: the custodian
    assert state is not None
    assert state.checkpoint_size == made.size == state.log_size
    assert state.checkpoint_root == made.root.hex()
    assert state.revisions == 12  # 5 persons and 7 detentions, one revision each
    assert state.latest_revision_at is not None
    assert "undated" in method.rules and "more than the headline" in method.rules
    assert method.filters == {
        "who": "recognised political prisoners, recognised on or before the date",
        "confidentiality": "public, internal",
        "by": "article",
    }
    assert method.totals == {"certain": 2, "possible": 3, "undated": 1}


def test_csv_puts_the_method_first_as_comments(archive: SqlStore) -> None:
    result = held_on(archive, date(2021, 3, 1), by=Breakdown.YEAR_OF_ARREST)
    text = result.as_csv()
    comments = [line for line in text.splitlines() if line.startswith("# ")]
    assert comments == [f"# {line}" for line in result.method.lines()]
    assert comments[0] == "# held: on 2021-03-01"
    body = [line for line in text.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(body))))
    assert rows == [{k: str(v) for k, v in r.items()} for r in result.rows]


def test_json_is_the_method_and_the_rows(archive: SqlStore) -> None:
    result = held_on(archive, date(2021, 3, 1))
    data = json.loads(result.as_json())
    assert set(data) == {"method", "rows"}
    assert data["rows"] == [{"date": "2021-03-01", "certain": 2, "possible": 3, "undated": 1}]
    assert data["method"]["archive"]["revisions"] == 12
    assert "totals" not in data["method"]


# -- charts ------------------------------------------------------------------------------------


def _urls(value: Any) -> Iterator[str]:
    """Every value under a key named url, anywhere in a spec."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "url":
                yield str(inner)
            yield from _urls(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _urls(inner)


def test_charts_are_valid_svg_and_png_drawn_from_inline_data(
    archive: SqlStore, tmp_path: Path
) -> None:
    result, spec = charts.chart_of(
        archive, charts.ChartKind.HELD_OVER_TIME, start=date(2020, 8, 1), end=date(2023, 1, 1)
    )
    assert list(_urls(spec)) == [] and spec["config"]["font"] == charts.FONT
    values = next(iter(spec["datasets"].values()))
    assert values == [{k: r[k] for k in ("date", "certain", "possible")} for r in result.rows]
    svg, png = tmp_path / "held.svg", tmp_path / "held.png"
    charts.write_chart(spec, svg)
    charts.write_chart(spec, png)
    root = ET.fromstring(svg.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "certainly held" in svg.read_text(encoding="utf-8")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 600 and image.height > 300


@pytest.mark.parametrize("kind", [charts.ChartKind.BY_ARTICLE, charts.ChartKind.BY_FACILITY])
def test_breakdown_charts_have_one_bar_per_row(
    archive: SqlStore, kind: charts.ChartKind, tmp_path: Path
) -> None:
    colony = add(
        archive, "organisation", {"names": [{"full": "Калонія №15"}], "kind": "penal_facility"}
    )
    detention(
        archive,
        person(archive),
        arrest={"date": "2021-01-01"},
        charges=[{"article": "342"}],
        placements=[{"facility": colony}],
    )
    result, spec = charts.chart_of(archive, kind, on=date(2021, 3, 1))
    values = next(iter(spec["datasets"].values()))
    assert [v["label"] for v in values] == [r["label"] for r in result.rows]
    out = tmp_path / "chart.svg"
    charts.write_chart(spec, out)
    text = out.read_text(encoding="utf-8")
    ET.fromstring(text)
    label = "Калонія №15" if kind is charts.ChartKind.BY_FACILITY else "342"
    assert label in text


def test_chart_words_follow_the_language(archive: SqlStore) -> None:
    result = series(archive, date(2021, 1, 1), date(2021, 6, 1))
    assert "Палітвязні ў зняволенні" in charts.svg(charts.held_series_spec(result, lang="be"))
    assert "Политзаключённые" in charts.svg(charts.held_series_spec(result, lang="ru"))
    everyone = series(archive, date(2021, 1, 1), date(2021, 6, 1), scope=Scope(all_detentions=True))
    spec = charts.held_series_spec(everyone)
    assert spec["title"]["text"] == "Persons held (every detention)"


def test_a_chart_needs_its_dates_and_a_known_format(archive: SqlStore, tmp_path: Path) -> None:
    with pytest.raises(Invalid):
        charts.chart_of(archive, charts.ChartKind.BY_ARTICLE)
    with pytest.raises(Invalid):
        charts.chart_of(archive, charts.ChartKind.HELD_OVER_TIME, start=date(2021, 1, 1))
    with pytest.raises(Invalid):
        charts.chart_of(archive, charts.ChartKind.BY_FACILITY, on=date(2021, 1, 1), fmt="gif")
    _, spec = charts.chart_of(archive, charts.ChartKind.BY_FACILITY, on=date(2021, 1, 1))
    with pytest.raises(Invalid):
        charts.write_chart(spec, tmp_path / "chart.pdf")
    assert not (tmp_path / "chart.pdf").exists()
