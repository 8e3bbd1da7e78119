"""The ``sviedka`` command end to end, in process, on a real archive."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from sviedka.cli import app
from sviedka.model import KINDS

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
NAME = "Алесь Вербіцкі"
PASSPHRASE = "correct horse battery staple"
# Writes sign a checkpoint when the passphrase is set (age's scrypt: about a second), so only
# the tests about signing give it.
ENV = {"SVIEDKA_PASSPHRASE": "", "SVIEDKA_CUSTODIAN": "alice", "SVIEDKA_DATABASE_URL": ""}
KEYS = {"SVIEDKA_PASSPHRASE": PASSPHRASE}


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(
        app, list(args), input=input, env=ENV | (env or {}), catch_exceptions=False
    )


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "archive"
    result = run("init", str(path), env=KEYS)
    assert result.exit_code == 0, result.output
    assert result.output.count("share ") == 5 and PASSPHRASE not in result.output
    return path


@pytest.fixture
def archive(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    shutil.copytree(template, path)
    return path


def cli(archive: Path, *args: str, input: str | None = None, keys: bool = False) -> Result:
    return run("--archive", str(archive), *args, input=input, env=KEYS if keys else None)


def add(archive: Path, kind: str, body: dict[str, Any], keys: bool = False) -> str:
    data = json.dumps(body)
    result = cli(archive, "record", "add", kind, "--json", "-", input=data, keys=keys)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def revisions(archive: Path) -> int:
    found = json.loads(cli(archive, "record", "list", "person", "--json").output)
    return sum(r["revision"] for r in found["records"])


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("sviedka ")


def test_init_makes_an_archive_with_the_shipped_vocabularies(archive: Path) -> None:
    listed = json.loads(cli(archive, "vocab", "list", "--json").output)
    names = {v["name"]: v["terms"] for v in listed}
    assert names["types_of_acts"] > 500
    assert names["criminal_code_by"] > 30
    shown = cli(archive, "vocab", "show", "criminal_code_by", "--lang", "be").output
    assert "342" in shown and "хуліган" in shown.lower()  # 339, hooliganism, in Belarusian


def test_add_show_update_history_and_as_of(archive: Path) -> None:
    pid = add(archive, "person", {"names": [{"full": NAME, "lang": "be"}], "birth_date": "1987"})
    assert NAME in cli(archive, "record", "show", pid).output
    patch = json.dumps({"birth_date": "1987-04-12"})
    result = cli(
        archive, "record", "update", pid, "--patch", "-", "-r", "court record", input=patch
    )
    assert result.output.strip() == f"{pid} now at revision 2"
    again = cli(archive, "record", "update", pid, "--patch", "-", input=patch)
    assert again.output.strip() == f"{pid} unchanged at revision 2"
    history = json.loads(cli(archive, "record", "history", pid, "--json").output)
    assert [(h["seq"], h["reason"]) for h in history] == [(1, None), (2, "court record")]
    assert history[1]["prev_sha256"] == history[0]["sha256"]
    text = cli(archive, "record", "history", pid).output
    assert "birth_date" in text and "court record" in text
    old = cli(archive, "record", "show", pid, "--as-of", history[0]["at"], "--json").output
    assert json.loads(old)["record"]["birth_date"] == "1987"


def test_list_filters_and_pages(archive: Path) -> None:
    for i in range(3):
        add(archive, "person", {"names": [{"full": f"P{i}"}], "gender": "female" if i else "male"})
    found = cli(archive, "record", "list", "person", "--where", "gender=female", "--json")
    listed = json.loads(found.output)
    assert [r["record"]["names"][0]["full"] for r in listed["records"]] == ["P1", "P2"]
    page = cli(archive, "record", "list", "person", "--limit", "1", "--offset", "1").output
    assert "P1" in page and "P0" not in page and "2–2 of 3" in page


def test_clusters_judge_show_and_retract(archive: Path) -> None:
    a = add(archive, "person", {"names": [{"full": "Ales Vierbicki"}]})
    b = add(archive, "person", {"names": [{"full": "Ales Verbitsky"}]})
    assert cli(archive, "cluster", "judge", b, a, "same", "-r", "same case").exit_code == 0
    shown = json.loads(cli(archive, "cluster", "show", b, "--json").output)
    assert (shown["canonical"], shown["members"]) == (a, [a, b])
    assert cli(archive, "cluster", "retract", a, b).exit_code == 0
    assert json.loads(cli(archive, "cluster", "show", b, "--json").output)["members"] == [b]


def test_record_kinds_lists_every_kind() -> None:
    listed = json.loads(run("record", "kinds", "--json").output)
    kinds, parts = listed["kinds"], listed["parts"]
    assert len(kinds) == len(KINDS) == 14
    assert kinds["detention"]["charges"] == "list of Charge"
    assert kinds["detention"]["person"] == "text → person (required)"
    assert parts["Charge"]["article"] == "text → criminal_code_by (required)"
    assert parts["DetentionEnd"]["mode"].startswith("one of: served, pardon")


def error_of(result: Result) -> str:
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ")
    return result.output


@pytest.mark.parametrize(
    ("kind", "body", "problem"),
    [
        ("person", "{not json", "is not valid JSON"),
        ("prisoner", '{"names": [{"full": "x"}]}', "Unknown record kind 'prisoner'"),
        ("person", '{"gender": "female"}', "names: is required"),
        ("person", f'{{"names": [{{"full": "{NAME}"}}], "birth_date": "2021-02-30"}}', "no day 30"),
        ("detention", '{"person": "01a2ffff-0000-7000-8000-000000000000"}', "no person with id"),
        ("organisation", '{"names": [{"full": "X"}], "region": "BY-XX"}', "unknown code 'BY-XX'"),
        ("person", "[1, 2]", "must be a JSON object"),
        ("person", '{"id": "../../x", "names": [{"full": "x"}]}', "id: must be a UUIDv7"),
    ],
)
def test_bad_records_are_refused_by_name_and_change_nothing(
    archive: Path, kind: str, body: str, problem: str
) -> None:
    before = revisions(archive)
    output = error_of(cli(archive, "record", "add", kind, "--json", "-", input=body))
    assert problem in output
    assert NAME not in output  # personal data never echoed back in errors
    assert revisions(archive) == before


@pytest.mark.parametrize("command", ["show", "history"])
def test_a_missing_id_is_reported(archive: Path, command: str) -> None:
    missing = "01a2ffff-0000-7000-8000-000000000000"
    assert f"No record with id {missing}" in error_of(cli(archive, "record", command, missing))


def test_updating_a_missing_id_is_reported(archive: Path) -> None:
    missing = "01a2ffff-0000-7000-8000-000000000000"
    result = cli(archive, "record", "update", missing, "--patch", "-", input="{}")
    assert "No record with id" in error_of(result)


def test_a_folder_that_is_not_an_archive_is_refused(tmp_path: Path) -> None:
    output = error_of(run("--archive", str(tmp_path), "record", "list", "person"))
    assert "is not a Sviedka archive" in output


def test_no_archive_at_all_is_explained(tmp_path: Path) -> None:
    result = run("record", "list", "person", env={"SVIEDKA_ARCHIVE": ""})
    assert "pass --archive PATH or set SVIEDKA_ARCHIVE" in error_of(result)


def test_an_unreachable_database_is_reported_without_its_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://sviedka:s3cret@127.0.0.1:1/nowhere"
    result = run("init", str(tmp_path / "new"), env=KEYS | {"SVIEDKA_DATABASE_URL": url})
    output = error_of(result)
    assert "Cannot connect to the database" in output and "s3cret" not in output
    assert not (tmp_path / "new").exists()


def test_init_refuses_a_folder_that_is_not_empty(archive: Path) -> None:
    assert "is not empty" in error_of(run("init", str(archive), env=KEYS))


def test_init_without_a_passphrase_explains_how_to_give_one(tmp_path: Path) -> None:
    assert "set SVIEDKA_PASSPHRASE" in error_of(run("init", str(tmp_path / "new")))
    assert not (tmp_path / "new").exists()


def test_a_damaged_config_is_reported(archive: Path) -> None:
    (archive / "sviedka.toml").write_text("[archive\nbroken", encoding="utf-8")
    assert "is damaged" in error_of(cli(archive, "record", "list", "person"))


def test_an_unknown_vocabulary_is_reported(archive: Path) -> None:
    assert "No vocabulary named 'nope'" in error_of(cli(archive, "vocab", "show", "nope"))


def test_demo_builds_a_sample_archive_and_prints_a_tour(tmp_path: Path) -> None:
    path = tmp_path / "demo"
    result = run("demo", str(path))
    assert result.exit_code == 0, result.output
    assert "SAMPLE DATA" in result.output and "record history" in result.output
    listed = json.loads(run("--archive", str(path), "record", "list", "person", "--json").output)
    sources = json.loads(run("--archive", str(path), "record", "list", "source", "--json").output)
    titles = {s["record"]["title"] for s in sources["records"]}
    assert any(t.startswith("SYNTHETIC sample list") for t in titles), titles
    assert listed["total"] > 6  # the six hand-made people and the imported sample list
    assert "pass --replace" in error_of(run("demo", str(path)))
    assert run("demo", str(path), "--replace").exit_code == 0


def test_writes_are_checkpointed_and_proofs_verify_without_sviedka(
    archive: Path, tmp_path: Path
) -> None:
    pid = add(archive, "person", {"names": [{"full": NAME, "lang": "be"}]}, keys=True)
    note = cli(archive, "ledger", "checkpoint").output
    assert note.splitlines()[1] == "1"  # the new entry is already covered by a signed checkpoint
    bundle = tmp_path / "proof.json"
    assert cli(archive, "ledger", "proof", pid, "--out", str(bundle)).exit_code == 0
    key = cli(archive, "ledger", "key").output.strip()
    tool = ROOT / "tools" / "sviedka_verify.py"
    checked = subprocess.run(
        [sys.executable, str(tool), str(bundle), "--key", key], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "VERIFIED" in checked.stdout


def test_verify_passes_then_names_a_tampered_record(archive: Path, tmp_path: Path) -> None:
    pid = add(archive, "person", {"names": [{"full": NAME, "lang": "be"}]})
    saved = tmp_path / "checkpoint.txt"
    saved.write_text(cli(archive, "ledger", "checkpoint", "--sign", keys=True).output, "utf-8")
    assert cli(archive, "verify", "--against", str(saved)).output.startswith("OK: checked")
    with sqlite3.connect(archive / "archive.db") as db:
        db.execute("UPDATE records SET data = replace(data, 'Алесь', 'Алексей')")
    result = cli(archive, "verify", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [p["subject"] for p in report["problems"]] == [pid]


def test_verify_against_a_checkpoint_of_another_archive_fails(
    archive: Path, template: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    assert run("init", str(other), env=KEYS).exit_code == 0
    add(other, "person", {"names": [{"full": "x"}]}, keys=True)
    saved = tmp_path / "foreign.txt"
    saved.write_text(cli(other, "ledger", "checkpoint").output, encoding="utf-8")
    result = cli(archive, "verify", "--against", str(saved))
    assert result.exit_code == 1 and "not signed by this archive's log key" in result.output


def test_a_wrong_passphrase_is_one_clear_error_that_leaks_nothing(archive: Path) -> None:
    result = run(
        "--archive",
        str(archive),
        "ledger",
        "checkpoint",
        "--sign",
        env={"SVIEDKA_PASSPHRASE": "not the right passphrase at all"},
    )
    output = error_of(result)
    assert "Decryption failed" in output and "not the right" not in output


def test_evidence_add_export_custody_and_full_verify(archive: Path, tmp_path: Path) -> None:
    pid = add(archive, "person", {"names": [{"full": NAME, "lang": "be"}]})
    folder = tmp_path / "photos"
    (folder / "day1").mkdir(parents=True)
    (folder / "day1" / "a.txt").write_bytes(b"first statement")
    (folder / "b.txt").write_bytes(b"second statement")
    added = cli(archive, "evidence", "add", str(folder), "--link", pid, "--collected-by", "m7")
    assert added.exit_code == 0, added.output
    lines = added.output.strip().splitlines()
    assert len(lines) == 2
    sha = lines[1].split()[0]  # day1/a.txt sorts after b.txt
    custody = json.loads(cli(archive, "evidence", "custody", sha, "--json").output)
    assert [e["custody"] for e in custody] == ["collected", "ingested"]
    assert custody[0]["details"]["by"] == "m7"
    out = tmp_path / "out"
    exported = cli(archive, "evidence", "export", sha, "--out", str(out), keys=True)
    assert exported.exit_code == 0, exported.output
    assert (out / f"{sha}.txt").read_bytes() == b"first statement"
    verified = cli(archive, "verify", "--full", keys=True)
    assert verified.exit_code == 0, verified.output
    assert "2 files" in verified.output


def test_evidence_add_refuses_what_is_not_a_file(archive: Path, tmp_path: Path) -> None:
    assert "is not a file or folder" in error_of(
        cli(archive, "evidence", "add", str(tmp_path / "nothing"))
    )


def test_keys_add_custodian_and_recover_with_shares(archive: Path, tmp_path: Path) -> None:
    new = {"SVIEDKA_NEW_PASSPHRASE": "maryia's own long passphrase"}
    added = run("--archive", str(archive), "keys", "add-custodian", "maryia", env=KEYS | new)
    assert added.exit_code == 0, added.output
    as_maryia = {"SVIEDKA_CUSTODIAN": "maryia", "SVIEDKA_PASSPHRASE": new["SVIEDKA_NEW_PASSPHRASE"]}
    signed = run("--archive", str(archive), "ledger", "checkpoint", "--sign", env=as_maryia)
    assert signed.exit_code == 0, signed.output
    listed = cli(archive, "keys", "list").output
    assert "alice" in listed and "maryia" in listed


def test_a_saved_write_is_not_reported_as_failed_when_signing_fails(archive: Path) -> None:
    body = json.dumps({"names": [{"full": "x"}]})
    wrong = {"SVIEDKA_PASSPHRASE": "a wrong but long passphrase"}
    result = run(
        "--archive", str(archive), "record", "add", "person", "--json", "-", input=body, env=wrong
    )
    assert result.exit_code == 0
    assert "Warning: saved, but no checkpoint was signed" in result.output
    assert json.loads(cli(archive, "record", "list", "person", "--json").output)["total"] == 1
