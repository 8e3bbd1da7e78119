"""``sviedka import --format ofac-sdn|rupep`` and ``sviedka sanctions …`` end to end, in process."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from shared_data import unavailable
from sviedka.cli import app

ROOT = Path(__file__).resolve().parents[1]
SDN = ROOT.parent / "shared" / "data" / "ofac-sdn" / "sdn.csv"
runner = CliRunner()
ENV = {"SVIEDKA_PASSPHRASE": "", "SVIEDKA_CUSTODIAN": "alice", "SVIEDKA_DATABASE_URL": ""}


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(
        app, list(args), input=input, env=ENV | (env or {}), catch_exceptions=False
    )


@pytest.fixture
def archive(cli_template: Path, tmp_path: Path) -> Path:
    if not SDN.is_file():
        unavailable(str(SDN))
    path = tmp_path / "archive"
    shutil.copytree(cli_template, path)
    belarus = [
        line
        for line in SDN.read_text(encoding="ascii").splitlines()
        if line != "\x1a" and "BELARUS" in next(csv.reader([line]))[3]
    ]
    (tmp_path / "sdn.csv").write_text("\n".join(belarus), encoding="ascii")
    result = cli(path, "import", str(tmp_path / "sdn.csv"), "--format", "ofac-sdn", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["added"] == 232
    return path


def cli(archive: Path, *args: str, input: str | None = None) -> Result:
    return run("--archive", str(archive), *args, input=input)


def add(archive: Path, kind: str, body: dict[str, Any]) -> str:
    result = cli(archive, "record", "add", kind, "--json", "-", input=json.dumps(body))
    assert result.exit_code == 0, result.output
    return result.output.strip()


def documented(archive: Path) -> dict[str, str]:
    judge = add(
        archive,
        "person",
        {
            "names": [{"full": "Віктар Уладзіміравіч Шэйман", "lang": "be"}],
            "birth_date": "1958-05-26",
            "confidentiality": "public",
        },
    )
    officer = add(archive, "person", {"names": [{"full": "Андрей Викторович Млечко"}]})
    victim = add(archive, "person", {"names": [{"full": "Алесь Вербіцкі"}]})
    case = {"number": "1-77/2021", "judge": judge}
    detention = add(archive, "detention", {"person": victim, "court_cases": [case]})
    add(archive, "involvement", {"perpetrator": officer, "detention": detention, "role": "officer"})
    return {"judge": judge, "officer": officer}


def test_screen_reports_the_three_groups_as_json_csv_and_text(archive: Path) -> None:
    ids = documented(archive)
    data = json.loads(cli(archive, "sanctions", "screen", "--json").output)
    assert [s["person"] for s in data["sanctioned"]] == [ids["judge"]]
    assert data["sanctioned"][0]["hits"][0]["ref"] == "9769"
    assert [s["person"] for s in data["not_sanctioned"]] == [ids["officer"]]
    rows = list(csv.DictReader(io.StringIO(cli(archive, "sanctions", "screen", "--csv").output)))
    assert [(r["group"], r["ref"], r["roles"]) for r in rows] == [
        ("sanctioned", "9769", "judge"),
        ("not_sanctioned", "", "officer"),
    ]
    text = cli(archive, "sanctions", "screen").output
    assert "sanctioned: 1" in text and "not sanctioned: 1" in text and "possible: 0" in text


def test_confirm_reject_lists_and_export(archive: Path, tmp_path: Path) -> None:
    ids = documented(archive)
    confirmed = cli(archive, "sanctions", "confirm", ids["judge"], "us_ofac_sdn", "9769")
    assert confirmed.exit_code == 0, confirmed.output
    again = cli(archive, "sanctions", "confirm", ids["judge"], "us_ofac_sdn", "9769")
    assert again.exit_code == 1 and "confirmed already" in again.output
    rejected = cli(archive, "sanctions", "reject", ids["officer"], "us_ofac_sdn", "9760")
    assert rejected.exit_code == 0, rejected.output
    (logged,) = json.loads(cli(archive, "audit", "--record", ids["officer"], "--json").output)
    assert (logged["action"], logged["details"]) == (
        "sanction_reject",
        {"list": "us_ofac_sdn", "ref": "9760", "version": logged["details"]["version"]},
    )
    verified = cli(archive, "verify")  # the rejection's audit entry is part of the log
    assert verified.exit_code == 0, verified.output
    missing = cli(archive, "sanctions", "reject", ids["officer"], "us_ofac_sdn", "nope")
    assert missing.exit_code == 1 and "has no entry" in missing.output
    listed = json.loads(cli(archive, "sanctions", "lists", "--json").output)
    assert [(v["list"], v["entries"]) for v in listed] == [("us_ofac_sdn", 232)]
    assert listed[0]["source_id"]  # the version is cited by the confirmed sanction
    out = tmp_path / "out.json"
    exported = cli(archive, "sanctions", "export", "--format", "ftm", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    schemas = sorted(json.loads(line)["schema"] for line in out.read_text().splitlines())
    assert schemas == ["Person", "Sanction"]  # the judge is public; the case is internal
