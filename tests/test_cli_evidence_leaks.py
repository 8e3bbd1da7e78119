"""The evidence leaks of issue 12 through ``sviedka evidence``, on SQLite and PostgreSQL. The
command line acts as the archive's custodian (full access), so re-adding known bytes is no oracle
there; what it must get right is the level it files things at, what it names, what it prints, and
what a full disk or a crash leaves behind."""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from sviedka.cli import app
from sviedka.model import Confidentiality, Evidence, Vocabulary
from sviedka.services.archive.folder import Archive, init_archive
from sviedka.services.records import records
from sviedka.vault import blobs

runner = CliRunner()


@dataclass
class World:
    archive: Archive
    database: str | None
    person: dict[str, str]

    def cli(self, *args: str) -> Result:
        env = {
            "SVIEDKA_PASSPHRASE": "",
            "SVIEDKA_CUSTODIAN": "alice",
            "SVIEDKA_ACTOR": "cli:alice",
            "SVIEDKA_DATABASE_URL": self.database or "",
        }
        command = ["--archive", str(self.archive.path), *args]
        return runner.invoke(app, command, env=env, catch_exceptions=False)

    def add(self, path: Path, *args: str) -> tuple[str, str]:
        """Add one file; its sha256 and evidence id."""
        result = self.cli("evidence", "add", str(path), *args)
        assert result.exit_code == 0, result.output
        sha, evidence_id = result.output.split()[:2]
        return sha, evidence_id

    def record(self, evidence_id: str) -> Evidence:
        with self.archive.store.unscoped_view() as view:
            found = view.get(evidence_id).record
        assert isinstance(found, Evidence)
        return found


@pytest.fixture(scope="module")
def world(
    database: str | None,
    tmp_path_factory: pytest.TempPathFactory,
    vocabularies: tuple[Vocabulary, ...],
) -> Iterator[World]:
    path = tmp_path_factory.mktemp("cli-leaks") / "archive"
    archive, _ = init_archive(
        path, vocabularies, custodian="alice", passphrase="a passphrase for tests",
        database_url=database,
    )  # fmt: skip
    with archive:
        person = {}
        for level in Confidentiality:
            body = {"names": [{"full": f"Person {level}"}], "confidentiality": level.value}
            person[level.value] = records.add_record(archive.store, "person", body,
                                                     actor="t").record.id  # fmt: skip
        yield World(archive, database, person)


def a_file(tmp_path: Path, name: str = "statement.txt", data: bytes | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(data if data is not None else f"{tmp_path} {name}".encode() * 40)
    return path


# -- 1. a file's level is at least that of the records it shows -----------------------------


def test_evidence_add_files_a_file_at_the_level_of_what_it_shows(
    world: World, tmp_path: Path
) -> None:
    result = world.cli(
        "evidence", "add", str(a_file(tmp_path)), "--link", world.person["confidential"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.split()[3:] == ["bytes", "confidential"]  # sha, id, size, level
    assert world.record(result.output.split()[1]).confidentiality is Confidentiality.CONFIDENTIAL


def test_level_may_raise_a_file_never_lower_it(world: World, tmp_path: Path) -> None:
    _, raised = world.add(a_file(tmp_path, "a.txt"), "--level", "restricted")
    assert world.record(raised).confidentiality is Confidentiality.RESTRICTED
    lower = world.cli(
        "evidence", "add", str(a_file(tmp_path, "b.txt")),
        "--link", world.person["restricted"], "--level", "internal",
    )  # fmt: skip
    assert lower.exit_code == 1
    assert lower.output.splitlines()[:2] == [
        "Error: The evidence cannot be stored as asked; nothing was stored.",
        "  confidentiality: at least restricted: the file shows a restricted record",
    ]


def test_adding_a_file_again_with_a_more_protected_link_raises_it(
    world: World, tmp_path: Path
) -> None:
    path = a_file(tmp_path)
    _, first = world.add(path)
    _, again = world.add(path, "--link", world.person["restricted"])
    assert again == first
    assert world.record(first).confidentiality is Confidentiality.RESTRICTED


# -- 3. near-duplicates: a file names no more protected one ---------------------------------


def picture(path: Path, size: int) -> Path:
    Image.radial_gradient("L").rotate(60).convert("RGB").resize((size, size)).save(path, "PNG")
    return path


def test_an_internal_file_does_not_name_a_restricted_near_duplicate(
    world: World, tmp_path: Path
) -> None:
    hidden, _ = world.add(picture(tmp_path / "a.png", 230), "--link", world.person["restricted"])
    _, open_id = world.add(picture(tmp_path / "b.png", 180))
    _, again_id = world.add(picture(tmp_path / "c.png", 150), "--level", "restricted")
    assert world.record(open_id).near_duplicates == ()
    assert hidden in world.record(again_id).near_duplicates


# -- 4. leftovers of a crash removed when the archive opens ----------------------------------


def test_a_killed_ingests_part_file_is_removed_by_the_next_command(world: World) -> None:
    part = world.archive.path / "vault" / "tmp" / "blob-killed.part"
    part.parent.mkdir(exist_ok=True)
    part.write_bytes(b"age-encryption.org/v1 ciphertext of a killed ingest")
    assert world.cli("keys", "list").exit_code == 0
    assert not part.exists()


# -- 5. names, and a full disk ---------------------------------------------------------------


def test_custody_shows_file_names_without_bidi_controls(world: World, tmp_path: Path) -> None:
    sha, _ = world.add(a_file(tmp_path, "photo\u202egpj.exe"))
    text = world.cli("evidence", "custody", sha).output
    assert "\u202e" not in text and "photogpj.exe" in text
    (ingested,) = json.loads(world.cli("evidence", "custody", sha, "--json").output)
    assert ingested["details"]["name_as_entered"] == "photo<U+202E>gpj.exe"


def test_a_full_disk_is_a_clear_error_and_leaves_nothing_half_written(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: object, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobs._TempFile, "write", full)
    with world.archive.store.unscoped_view() as view:
        count = view.count("evidence")
    result = world.cli("evidence", "add", str(a_file(tmp_path, "Ганна-secret.txt")))
    assert (result.exit_code, result.output) == (
        1,
        "Error: The disk that holds the vault is full: nothing of this file was stored. "
        "Free some space, then add the file again.\n",
    )
    with world.archive.store.unscoped_view() as view:
        assert view.count("evidence") == count
    assert list((world.archive.path / "vault" / "tmp").iterdir()) == []
