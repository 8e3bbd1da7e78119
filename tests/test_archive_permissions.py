"""Every file and folder of an archive is its owner's only (0600 / 0700, blobs 0400), whatever
the umask: after ``sviedka init``, while the database is being written (its -wal and -shm
files), after ``evidence add``, in a backup and a restored archive, and for staged imports. An
archive made before this, with a 0644 database, is made owner-only when it is opened."""

from __future__ import annotations

import io
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from sviedka.cli import app
from sviedka.policy import principal_of
from sviedka.services import accounts
from sviedka.services.archive.folder import open_archive
from sviedka.services.archive.owner_only import restrict_to_owner, write_owner_only
from sviedka.services.importing.staging import stage
from sviedka.services.records import records

SAMPLE = Path(__file__).resolve().parents[1] / "src/sviedka/data/sample/viasna-sample.csv"
PASSPHRASE = "correct horse battery staple"  # the CLI template archive's (conftest.py)
KEYS = {"SVIEDKA_PASSPHRASE": PASSPHRASE, "SVIEDKA_CUSTODIAN": "alice"}
ENV = KEYS | {"SVIEDKA_DATABASE_URL": ""}


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems have (0022): files made without care come out world-readable."""
    saved = os.umask(0o022)
    yield
    os.umask(saved)


def loose(root: Path) -> dict[str, str]:
    """Everything under ``root`` (``root`` too) that its group or others may use: path → mode."""
    found = {}
    for path in [root, *sorted(root.rglob("*"))]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found[str(path.relative_to(root))] = oct(mode)
    return found


def cli(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input, env=ENV, catch_exceptions=False)


def test_init_makes_every_file_owner_only(tmp_path: Path) -> None:
    result = cli("init", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    assert loose(tmp_path / "new") == {}
    assert {p.name for p in (tmp_path / "new").iterdir()} >= {"archive.db", "sviedka.toml", "vault"}


def test_the_database_and_its_wal_and_shm_files_are_owner_only_while_written(
    archive: Path,
) -> None:
    with open_archive(archive) as opened:
        records.add_record(opened.store, "person", {"names": [{"full": "Ф"}]}, actor="t")
        side_files = sorted(p.name for p in archive.glob("archive.db-*"))
        modes = loose(archive)
    assert (side_files, modes) == (["archive.db-shm", "archive.db-wal"], {})


def test_evidence_added_by_the_cli_is_owner_only(archive: Path, tmp_path: Path) -> None:
    photo = tmp_path / "photo.txt"
    photo.write_text("a witness statement")
    result = cli("--archive", str(archive), "evidence", "add", str(photo))
    assert result.exit_code == 0, result.output
    blobs = [p for p in (archive / "vault").rglob("*") if p.is_file()]
    assert blobs and loose(archive) == {}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in blobs} == {"0o400"}


def test_a_backup_and_a_restored_archive_are_owner_only(archive: Path, tmp_path: Path) -> None:
    photo = tmp_path / "photo.txt"
    photo.write_text("a second statement")
    assert cli("--archive", str(archive), "evidence", "add", str(photo)).exit_code == 0
    os.chmod(archive / "keys.json", 0o644)  # as an archive made by an older version could be
    backup = tmp_path / "backup"
    result = cli("--archive", str(archive), "backup", str(backup))
    assert result.exit_code == 0, result.output
    assert loose(backup) == {}
    restored = tmp_path / "restored"
    result = cli("restore", str(backup), str(restored))
    assert result.exit_code == 0, result.output
    assert loose(restored) == {}


def test_staged_imports_are_owner_only(archive: Path) -> None:
    sheet = "\n".join(SAMPLE.read_text(encoding="utf-8").splitlines()[:3]) + "\n"
    with open_archive(archive) as opened:
        doc = accounts.add_user(opened.store, "stager", "a long enough password", role="documenter")
        stage(
            opened,
            principal_of(doc),
            io.BytesIO(sheet.encode()),
            name="list.csv",
            fmt="viasna-csv",
            actor="t",
        )
    staged = archive / "imports"
    assert [p.name for p in staged.rglob("*") if p.is_file()] != []
    assert loose(archive) == {}


def test_an_older_archives_database_is_made_owner_only_when_opened(archive: Path) -> None:
    with open_archive(archive) as opened:  # leave -wal and -shm files behind, then loosen all
        records.add_record(opened.store, "person", {"names": [{"full": "Ф"}]}, actor="t")
        for path in archive.glob("archive.db*"):
            os.chmod(path, 0o644)
    with open_archive(archive):
        pass
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in archive.glob("archive.db*")} == {
        "archive.db": "0o600"
    }


def test_owner_only_helpers_leave_the_owners_own_permissions(tmp_path: Path) -> None:
    write_owner_only(tmp_path / "a.json", "{}")
    (tmp_path / "sub").mkdir(mode=0o755)
    (tmp_path / "sub" / "blob").write_text("x")
    os.chmod(tmp_path / "sub" / "blob", 0o444)
    os.symlink("/etc/hostname", tmp_path / "link")
    restrict_to_owner(tmp_path)
    modes = {p.name: oct(stat.S_IMODE(p.lstat().st_mode)) for p in tmp_path.rglob("*")}
    assert modes | {"link": "-"} == {
        "a.json": "0o600",
        "sub": "0o700",
        "blob": "0o400",
        "link": "-",
    }
    shutil.rmtree(tmp_path / "sub")
