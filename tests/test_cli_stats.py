"""``sviedka stats`` end to end, in process, on a real archive."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from sviedka.cli import app

runner = CliRunner()
ENV = {"SVIEDKA_PASSPHRASE": "", "SVIEDKA_CUSTODIAN": "alice", "SVIEDKA_DATABASE_URL": ""}


def run(archive: Path, *args: str, input: str | None = None) -> Result:
    return runner.invoke(
        app, ["--archive", str(archive), *args], input=input, env=ENV, catch_exceptions=False
    )


def add(archive: Path, kind: str, body: dict[str, Any]) -> str:
    result = run(archive, "record", "add", kind, "--json", "-", input=json.dumps(body))
    assert result.exit_code == 0, result.output
    return result.output.strip()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with three recognised prisoners, one of them released, one imprecise."""
    path = tmp_path_factory.mktemp("stats") / "archive"
    env = ENV | {"SVIEDKA_PASSPHRASE": "correct horse battery staple"}
    created = runner.invoke(app, ["init", str(path)], env=env, catch_exceptions=False)
    assert created.exit_code == 0, created.output
    colony = add(path, "organisation", {"names": [{"full": "ІК-15"}], "kind": "penal_facility"})
    recognised = {"date": "2021-01"}
    for arrest, end, article in [
        ("2020-08-10", None, "342"),
        ("2020-09", {"mode": "pardon", "date": "2022-09-16"}, "342"),
        ("2021-05-02", None, "130"),
    ]:
        who = add(path, "person", {"names": [{"full": "Асоба", "lang": "be"}], "gender": "male"})
        body = {"person": who, "arrest": {"date": arrest}, "recognition": recognised}
        body |= {"charges": [{"article": article}], "placements": [{"facility": colony}]}
        add(path, "detention", body | ({"end": end} if end else {}))
    return path


@pytest.fixture
def archive(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    shutil.copytree(template, path)
    return path


def test_held_prints_a_table_with_the_method(archive: Path) -> None:
    result = run(archive, "stats", "held", "--on", "2020-09-15")
    assert result.exit_code == 0, result.output
    assert "│ 2020-09-15 │ 1       │ 2        │ 0       │" in result.output
    assert "held: on 2020-09-15" in result.output
    assert "archive: revision 7 of " in result.output
    assert "who: recognised political prisoners" in result.output


def test_held_by_article_as_json(archive: Path) -> None:
    result = run(
        archive, "stats", "held", "--on", "2021-06-01", "--by", "article", "--format", "json"
    )
    data = json.loads(result.output)
    assert {r["key"]: (r["certain"], r["possible"]) for r in data["rows"]} == {
        "342": (2, 2),
        "130": (1, 1),
    }
    assert data["method"]["totals"] == {"certain": 3, "possible": 3, "undated": 0}
    assert data["method"]["filters"]["by"] == "article"


def test_series_as_csv_with_the_method_as_comments(archive: Path) -> None:
    result = run(
        archive, "stats", "series", "--from", "2022-08-01", "--to", "2022-10-01", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "# held over time: from 2022-08-01, to 2022-10-01, every month"
    rows = list(csv.DictReader(io.StringIO("\n".join(x for x in lines if not x.startswith("#")))))
    assert [(r["date"], r["certain"]) for r in rows] == [
        ("2022-08-01", "3"),
        ("2022-09-01", "3"),
        ("2022-10-01", "2"),
    ]


def test_flows_and_levels(archive: Path) -> None:
    result = run(
        archive, "stats", "flows", "--from", "2022-01-01", "--to", "2022-12-31", "--format", "json"
    )
    rows = {(r["flow"], r["mode"]): r["certain"] for r in json.loads(result.output)["rows"]}
    assert rows[("released", "pardon")] == 1
    public = run(
        archive, "stats", "held", "--on", "2021-06-01", "--levels", "public", "--format", "json"
    )
    assert json.loads(public.output)["rows"][0]["certain"] == 0, "the records are internal"


def test_charts_are_written_as_svg_and_png(archive: Path, tmp_path: Path) -> None:
    svg, png = tmp_path / "held.svg", tmp_path / "facility.png"
    over_time = run(
        archive, "stats", "chart", "held-over-time", "--from", "2020-08-01", "--to", "2023-01-01",
        "--out", str(svg),
    )  # fmt: skip
    assert over_time.exit_code == 0, over_time.output
    assert ET.fromstring(svg.read_bytes()).tag.endswith("svg")
    by_facility = run(
        archive, "stats", "chart", "by-facility", "--on", "2021-06-01", "--out", str(png),
        "--format", "csv",
    )  # fmt: skip
    assert by_facility.exit_code == 0, by_facility.output
    with Image.open(png) as image:
        assert image.format == "PNG"
    assert "ІК-15,3,3" in by_facility.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("held", "--on", "2021-13-01"), "--on: is not a day"),
        (("held", "--on", "2021-01-01", "--levels", "secret"), "--levels:"),
        (("series", "--from", "2021-05-02", "--to", "2021-05-30"), "No month starts"),
        (("chart", "by-article", "--out", "x.svg"), "This chart needs a day."),
        (("chart", "by-article", "--on", "2021-01-01", "--out", "x.gif"), "SVG or PNG"),
    ],
)
def test_bad_input_is_a_clear_error(archive: Path, args: tuple[str, ...], message: str) -> None:
    result = run(archive, "stats", *args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output
    assert not Path("x.svg").exists() and not Path("x.gif").exists()
