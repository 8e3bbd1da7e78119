"""Backups while the archive is in use, restores that verify, and damaged backups refused."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import threading
from pathlib import Path

import pytest

from sviedka.errors import Conflict, IntegrityFailure
from sviedka.model import Vocabulary
from sviedka.services import evidence as ev
from sviedka.services import records as rec
from sviedka.services.archive import Archive, init_archive, open_archive
from sviedka.services.backup import MANIFEST, backup, check_manifest, restore

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
    with open_archive(tmp_path / "restored") as again, again.store.view() as view:
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
    import uuid

    import sqlalchemy as sa

    made, _ = init_archive(
        tmp_path / "live", vocabularies, custodian="a", passphrase=PASSPHRASE, database_url=pg_url
    )
    with made:
        rec.add_record(made.store, "person", {"names": [{"full": "Ганна"}]}, actor="t")
        ev.ingest_stream(made, io.BytesIO(b"pg evidence"), name="a", actor="t")
        backup(made, tmp_path / "bak")
    schema = f"r_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    target = sa.make_url(pg_server).update_query_dict({"options": f"-csearch_path={schema}"})
    url = target.render_as_string(hide_password=False)
    try:
        assert restore(tmp_path / "bak", tmp_path / "restored", database_url=url).ok
        with open_archive(tmp_path / "restored", database_url=url) as again:
            rec.add_record(again.store, "person", {"names": [{"full": "після"}]}, actor="t")
            with again.store.view() as view:
                assert view.count("person") == 2  # sequences moved past the copied rows
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
