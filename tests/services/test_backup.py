"""Backups while the archive is in use, restores that verify, and damaged backups refused."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from pg_schema import pg_schema
from sviedka.errors import Conflict, IntegrityFailure, NotAnArchive
from sviedka.ledger.note import Checkpoint, sign_note
from sviedka.model import Vocabulary
from sviedka.policy import CUSTODIAN
from sviedka.services import evidence as ev
from sviedka.services.archive.backup import MANIFEST, backup, check_manifest, restore
from sviedka.services.archive.folder import Archive, init_archive, open_archive
from sviedka.services.archive.keys import unlock_archive
from sviedka.services.archive.verify import verify_archive
from sviedka.services.records import records as rec
from sviedka.services.records.search import search
from sviedka.store.snapshot import schema_tables

PASSPHRASE = "a long enough passphrase for tests"


@pytest.fixture
def archive(tmp_path: Path, vocabularies: tuple[Vocabulary, ...]) -> Archive:
    made, _ = init_archive(
        tmp_path / "live", vocabularies, custodian="alice", passphrase=PASSPHRASE
    )
    for i in range(5):
        rec.add_record(made.store, "person", {"names": [{"full": f"P{i}"}]}, actor="t")
    ev.ingest_stream(made, io.BytesIO(b"evidence bytes"), name="a", actor="t")
    return made


def test_a_restored_archive_equals_the_backup_byte_for_byte(
    archive: Archive, tmp_path: Path
) -> None:
    manifest = backup(archive, tmp_path / "bak")
    report = restore(tmp_path / "bak", tmp_path / "restored")
    assert report.ok
    for name, digest in manifest["files"].items():
        if name != "archive.db":  # the database is verified record by record instead
            assert check_manifest(tmp_path / "bak") == {}
            restored = tmp_path / "restored" / name
            assert hashlib.sha256(restored.read_bytes()).hexdigest() == digest, name
    with open_archive(tmp_path / "restored") as again, again.store.unscoped_view() as view:
        assert view.count("person") == 5 and view.count("evidence") == 1


def test_the_archive_stays_usable_during_a_backup(archive: Archive, tmp_path: Path) -> None:
    stop = threading.Event()
    written: list[str] = []

    def keep_writing() -> None:
        while not stop.is_set():
            body = {"names": [{"full": f"W{len(written)}"}]}
            written.append(rec.add_record(archive.store, "person", body, actor="w").record.id)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        backup(archive, tmp_path / "bak")
    finally:
        stop.set()
        writer.join()
    assert written  # writes went on meanwhile
    assert restore(tmp_path / "bak", tmp_path / "restored").ok


@pytest.mark.parametrize("victim", ["vault", "archive.db", "keys.json"])
def test_a_damaged_backup_is_refused_and_nothing_is_restored(
    archive: Archive, tmp_path: Path, victim: str
) -> None:
    backup(archive, tmp_path / "bak")
    target = next(
        p for p in sorted((tmp_path / "bak").rglob("*")) if p.is_file() and victim in str(p)
    )
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(IntegrityFailure) as caught:
        restore(tmp_path / "bak", tmp_path / "restored")
    assert any("altered" in what for what in caught.value.problems.values())
    assert not (tmp_path / "restored").exists()


def test_a_consistent_but_tampered_backup_fails_verification(
    archive: Archive, tmp_path: Path
) -> None:
    backup(archive, tmp_path / "bak")
    db = sqlite3.connect(tmp_path / "bak" / "archive.db")
    db.execute("UPDATE records SET data = replace(data, 'P1', 'PX')")
    db.commit()
    db.close()  # the last connection folds the WAL back into the file
    manifest_path = tmp_path / "bak" / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["archive.db"] = hashlib.sha256(
        (tmp_path / "bak" / "archive.db").read_bytes()
    ).hexdigest()
    manifest_path.write_text(json.dumps(manifest))  # the manifest rewritten to match
    with pytest.raises(IntegrityFailure, match="fails verification"):
        restore(tmp_path / "bak", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_backup_refuses_a_folder_that_is_not_empty(archive: Archive, tmp_path: Path) -> None:
    (tmp_path / "bak").mkdir()
    (tmp_path / "bak" / "x").write_text("x")
    with pytest.raises(Conflict):
        backup(archive, tmp_path / "bak")


@pytest.mark.postgres
def test_a_postgresql_archive_backs_up_and_restores_into_postgresql(
    tmp_path: Path, vocabularies: tuple[Vocabulary, ...], pg_url: str, pg_server: str
) -> None:
    made, _ = init_archive(
        tmp_path / "live", vocabularies, custodian="a", passphrase=PASSPHRASE, database_url=pg_url
    )
    with made:
        rec.add_record(made.store, "person", {"names": [{"full": "Ганна"}]}, actor="t")
        ev.ingest_stream(made, io.BytesIO(b"pg evidence"), name="a", actor="t")
        backup(made, tmp_path / "bak")
    with pg_schema(pg_server, prefix="r") as url:
        assert restore(tmp_path / "bak", tmp_path / "restored", database_url=url).ok
        with open_archive(tmp_path / "restored", database_url=url) as again:
            rec.add_record(again.store, "person", {"names": [{"full": "після"}]}, actor="t")
            with again.store.unscoped_view() as view:
                assert view.count("person") == 2  # sequences moved past the copied rows
            found = search(again.store, CUSTODIAN, "Ганна")  # indexes rebuilt at open
            assert [h.kind for h in found.hits] == ["person"]


def _rewrite_manifest(folder: Path, **changes: object) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest |= changes
    (folder / MANIFEST).write_text(json.dumps(manifest))


def _tamper_consistently(folder: Path) -> None:
    """Change a record in the backup's database and rewrite the manifest to match."""
    db = sqlite3.connect(folder / "archive.db")
    db.execute("UPDATE records SET data = replace(data, 'P1', 'PX')")
    db.commit()
    db.close()
    files = json.loads((folder / MANIFEST).read_text())["files"]
    files["archive.db"] = hashlib.sha256((folder / "archive.db").read_bytes()).hexdigest()
    _rewrite_manifest(folder, files=files)


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"files": {}, "format": None},
        {"files": "x"},
        {"files": ["archive.db"]},
        {"format": 2},
        {"format": True},
        {"files": {"archive.db": 1}},
        {"files": {"archive.db": "not a hash"}},
        {"files": {"../outside": "0" * 64}},
        {"files": {"/etc/passwd": "0" * 64}},
        {"files": {"vault//x": "0" * 64}},
        {"checkpoint": 5},
    ],
)
def test_a_manifest_of_the_wrong_shape_is_refused_as_not_a_backup(
    archive: Archive, tmp_path: Path, changes: dict[str, object]
) -> None:
    backup(archive, tmp_path / "bak")
    _rewrite_manifest(tmp_path / "bak", **changes)
    with pytest.raises(NotAnArchive, match="is not a Sviedka backup"):
        check_manifest(tmp_path / "bak")
    with pytest.raises(NotAnArchive, match="is not a Sviedka backup"):
        restore(tmp_path / "bak", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_a_manifest_that_is_not_a_json_object_is_refused_as_not_a_backup(
    archive: Archive, tmp_path: Path
) -> None:
    backup(archive, tmp_path / "bak")
    (tmp_path / "bak" / MANIFEST).write_text('{"files": {}')
    with pytest.raises(NotAnArchive):
        check_manifest(tmp_path / "bak")
    (tmp_path / "bak" / MANIFEST).write_text("[]")
    with pytest.raises(NotAnArchive, match="not a JSON object"):
        check_manifest(tmp_path / "bak")


def test_a_backup_without_its_essential_files_is_refused_naming_them(
    archive: Archive, tmp_path: Path
) -> None:
    essential = {"sviedka.toml", "keys.json", "ledger-key.age", "archive.db"}
    backup(archive, tmp_path / "bak")
    files = json.loads((tmp_path / "bak" / MANIFEST).read_text())["files"]
    for name in essential:
        del files[name]
        (tmp_path / "bak" / name).unlink()
    _rewrite_manifest(tmp_path / "bak", files=files)
    assert set(check_manifest(tmp_path / "bak")) == essential
    with pytest.raises(IntegrityFailure) as caught:
        restore(tmp_path / "bak", tmp_path / "restored")
    assert set(caught.value.problems) == essential
    assert not (tmp_path / "restored").exists()


@pytest.mark.parametrize("side_file", ["archive.db-wal", "archive.db-shm", "archive.db-journal"])
def test_a_database_side_file_planted_in_a_backup_is_refused(
    archive: Archive, tmp_path: Path, side_file: str
) -> None:
    backup(archive, tmp_path / "bak")
    (tmp_path / "bak" / side_file).write_bytes(b"planted")
    before = _fingerprint(tmp_path / "bak")
    assert check_manifest(tmp_path / "bak") == {side_file: "not in the manifest"}
    with pytest.raises(IntegrityFailure) as caught:
        restore(tmp_path / "bak", tmp_path / "restored")
    assert caught.value.problems == {side_file: "not in the manifest"}
    assert _fingerprint(tmp_path / "bak") == before
    assert not (tmp_path / "restored").exists()


def test_restoring_leaves_the_backup_byte_for_byte_unchanged(
    archive: Archive, tmp_path: Path
) -> None:
    backup(archive, tmp_path / "bak")
    before = _fingerprint(tmp_path / "bak")
    assert restore(tmp_path / "bak", tmp_path / "restored").ok
    assert _fingerprint(tmp_path / "bak") == before
    assert check_manifest(tmp_path / "bak") == {}


@pytest.mark.parametrize("extra_entries", [0, 3])
def test_a_backup_whose_signed_checkpoint_disagrees_with_its_log_is_refused(
    archive: Archive, tmp_path: Path, extra_entries: int
) -> None:
    manifest = backup(archive, tmp_path / "bak")
    signer = unlock_archive(archive.path, archive.config.id, "alice", PASSPHRASE).signer
    body = Checkpoint(signer.name, manifest["log_size"] + extra_entries, b"\x07" * 32).body()
    _rewrite_manifest(tmp_path / "bak", checkpoint=sign_note(body, signer.name, signer.key))
    assert check_manifest(tmp_path / "bak") == {}
    with pytest.raises(IntegrityFailure, match="fails verification") as caught:
        restore(tmp_path / "bak", tmp_path / "restored")
    assert set(caught.value.problems) == {"manifest checkpoint"}
    assert not (tmp_path / "restored").exists()


def test_a_backup_whose_checkpoint_is_not_signed_by_the_archive_is_refused(
    archive: Archive, tmp_path: Path
) -> None:
    manifest = backup(archive, tmp_path / "bak")
    forged = manifest["checkpoint"].replace("\n\n", "\nextra\n\n", 1)
    _rewrite_manifest(tmp_path / "bak", checkpoint=forged)
    with pytest.raises(IntegrityFailure) as caught:
        restore(tmp_path / "bak", tmp_path / "restored")
    assert "does not verify" in caught.value.problems["manifest checkpoint"]


@pytest.mark.postgres
def test_a_postgresql_restore_that_fails_verification_leaves_no_rows_and_can_be_retried(
    archive: Archive, tmp_path: Path, pg_url: str
) -> None:
    backup(archive, tmp_path / "bad")
    backup(archive, tmp_path / "good")
    _tamper_consistently(tmp_path / "bad")
    before = _fingerprint(tmp_path / "bad")
    with pytest.raises(IntegrityFailure, match="fails verification"):
        restore(tmp_path / "bad", tmp_path / "restored", database_url=pg_url)
    assert not (tmp_path / "restored").exists()
    assert _fingerprint(tmp_path / "bad") == before
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            for table in schema_tables():
                assert conn.scalar(sa.select(sa.func.count()).select_from(table)) == 0, table
    finally:
        engine.dispose()
    assert restore(tmp_path / "good", tmp_path / "restored", database_url=pg_url).ok
    with (
        open_archive(tmp_path / "restored", database_url=pg_url) as again,
        again.store.unscoped_view() as v,
    ):
        assert v.count("person") == 5


@pytest.mark.postgres
def test_a_restore_into_a_postgresql_database_holding_an_archive_is_refused_and_leaves_it_whole(
    archive: Archive, tmp_path: Path, vocabularies: tuple[Vocabulary, ...], pg_url: str
) -> None:
    backup(archive, tmp_path / "bak")
    held, _ = init_archive(
        tmp_path / "held", vocabularies, custodian="b", passphrase=PASSPHRASE, database_url=pg_url
    )
    with held:
        rec.add_record(held.store, "person", {"names": [{"full": "Застаецца"}]}, actor="t")
    with pytest.raises(Conflict, match="already holds an archive"):
        restore(tmp_path / "bak", tmp_path / "restored", database_url=pg_url)
    assert not (tmp_path / "restored").exists()
    with open_archive(tmp_path / "held", database_url=pg_url) as again:
        assert verify_archive(again).ok
        with again.store.unscoped_view() as view:
            names = [s.record.names[0].full for s in view.records("person")]  # type: ignore[attr-defined]
    assert names == ["Застаецца"]


@pytest.mark.postgres
def test_a_restore_into_postgresql_never_opens_the_backups_database(
    archive: Archive, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sviedka.store.engine import sqlite_url

    opened: list[Path] = []

    def spy(path: Path) -> str:
        opened.append(path)
        return sqlite_url(path)

    backup(archive, tmp_path / "bak")
    before = _fingerprint(tmp_path / "bak")
    monkeypatch.setattr("sviedka.services.archive.backup.sqlite_url", spy)
    assert restore(tmp_path / "bak", tmp_path / "restored", database_url=pg_url).ok
    assert opened and not any((tmp_path / "bak") in p.parents for p in opened)
    assert _fingerprint(tmp_path / "bak") == before
    assert not list((tmp_path / "restored").glob("archive.db*"))
