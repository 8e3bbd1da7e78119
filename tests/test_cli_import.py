"""``sviedka import`` end to end, in process, on a real archive with the shipped vocabularies."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from typer.testing import CliRunner, Result

from sviedka.cli import app

runner = CliRunner()
ENV = {"SVIEDKA_PASSPHRASE": "", "SVIEDKA_CUSTODIAN": "alice", "SVIEDKA_DATABASE_URL": ""}
SAMPLE = str(files("sviedka") / "data" / "sample" / "viasna-sample.csv")
LIST = ("--list", "SYNTHETIC sample list")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=ENV | (env or {}), catch_exceptions=False)


def cli(archive: Path, *args: str) -> Result:
    return run("--archive", str(archive), *args)


def persons(archive: Path) -> int:
    return int(json.loads(cli(archive, "record", "list", "person", "--json").stdout)["total"])


def test_import_json_report_and_reimport(archive: Path) -> None:
    result = cli(
        archive, "import", SAMPLE, "--format", "viasna-csv", "--keep-going", "--json", *LIST
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["rows_read"], report["rolled_back"], report["dry_run"]) == (300, False, False)
    assert report["added"] + report["rejected"] == 300 and report["rejected"] >= 8
    rejected = [r for r in report["rows"] if r["action"] == "rejected"]
    assert all(r["reasons"] and not r["records"] for r in rejected)
    again = cli(archive, "import", SAMPLE, "-f", "viasna-csv", "--keep-going", "--json", *LIST)
    second = json.loads(again.stdout)
    assert (second["unchanged"], second["added"], second["updated"]) == (report["added"], 0, 0)


def test_rejected_rows_import_nothing_and_exit_1(archive: Path) -> None:
    result = cli(archive, "import", SAMPLE, "--format", "viasna-csv", *LIST)
    assert result.exit_code == 1
    assert "Error: nothing was imported:" in result.stderr and "--keep-going" in result.stderr
    assert "rejected" in result.stdout and "the list names each person once" in result.stdout
    assert persons(archive) == 0


def test_dry_run_prints_each_row_and_writes_nothing(archive: Path) -> None:
    result = cli(archive, "import", SAMPLE, "-f", "viasna-csv", "--dry-run", "--keep-going", *LIST)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("viasna-sample.csv (sha256 ") and "300 rows read:" in lines[0]
    assert lines[1] == "Dry run: nothing was written."
    assert any("│ added" in line for line in lines) and any("│ rejected" in line for line in lines)
    assert any("month 13 does not exist" in line for line in lines)
    assert persons(archive) == 0


def test_record_show_renders_a_persons_detention_as_a_timeline(archive: Path) -> None:
    cli(archive, "import", SAMPLE, "-f", "viasna-csv", "--keep-going", *LIST)
    listed = json.loads(
        cli(archive, "record", "list", "detention", "--json", "--limit", "1").stdout
    )
    detention = listed["records"][0]["record"]
    shown = cli(archive, "record", "show", detention["person"])
    assert shown.exit_code == 0, shown.output
    assert f"Timeline of detention {listed['records'][0]['id']}:" in shown.stdout
    assert "Arrested" in shown.stdout and "Charged under art. " in shown.stdout
    as_json = json.loads(cli(archive, "record", "show", detention["person"], "--json").stdout)
    assert "Timeline" not in json.dumps(as_json) and as_json["kind"] == "person"


def test_unknown_format_and_missing_mapping_are_errors(archive: Path, tmp_path: Path) -> None:
    result = cli(archive, "import", SAMPLE, "--format", "nope")
    assert result.exit_code == 1 and "Unknown import format 'nope'" in result.stderr
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {}\n", encoding="utf-8")
    result = cli(archive, "import", SAMPLE, "--format", "csv", "--mapping", str(mapping))
    assert result.exit_code == 1 and "The mapping file is not valid." in result.stderr


def test_the_demo_archive_holds_the_imported_sample_list(tmp_path: Path) -> None:
    path = tmp_path / "demo"
    result = run("demo", str(path))
    assert result.exit_code == 0, result.output
    assert "The SYNTHETIC sample list: " in result.stdout
    sources = json.loads(run("--archive", str(path), "record", "list", "source", "--json").stdout)
    titles = {s["record"]["title"] for s in sources["records"]}
    assert "SYNTHETIC sample list (Sviedka demo, Viasna's export shape)" in titles
    report = json.loads(
        run("--archive", str(path), "import", SAMPLE, "-f", "viasna-csv", "--keep-going",
            "--list", "SYNTHETIC sample list (Sviedka demo, Viasna's export shape)",
            "--dry-run", "--json").stdout
    )  # fmt: skip
    assert report["added"] == 0 and report["unchanged"] + report["rejected"] == 300


def test_a_hostile_workbook_is_an_error_not_a_traceback(archive: Path, tmp_path: Path) -> None:
    from hostile_workbooks import (
        BILLION_LAUGHS,
        SHEET,
        XXE,
        pack,
        unclosed_cells,
        with_shared_strings,
        workbook_parts,
    )

    books = {
        "xxe": workbook_parts() | {SHEET: XXE},
        "laughs": with_shared_strings(BILLION_LAUGHS),
        "unclosed": workbook_parts() | {SHEET: unclosed_cells()},
    }
    for name, parts in books.items():
        path = pack(tmp_path / f"{name}.xlsx", parts)
        result = cli(archive, "import", str(path), "--format", "xlsx")
        assert (result.exit_code, result.stdout) == (1, ""), name
        assert result.stderr.startswith("Error: The workbook"), result.stderr
        assert "Traceback" not in result.output
    (tmp_path / "list.xlsx").write_bytes(b"id,name\n1,Anna\n")
    result = cli(archive, "import", str(tmp_path / "list.xlsx"), "--format", "xlsx")
    assert (
        result.stderr.splitlines()[0] == "Error: The file is not an XLSX workbook that can be read."
    )
    assert persons(archive) == 0
